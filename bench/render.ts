/**
 * Rendering, in process: input -> validated spec -> every file of the bundle in memory (parseBundleSpec, then
 * renderBundle), from the built lib/ as the commands run it. The first render of a process also loads the templates.
 */
import type { ProviderInput } from '../lib/input/providerSpec.js';
import { median, RUNS } from './measure.js';
import { CLIENT_ID, TENANT } from './startup.js';

export type RenderResult = {
  oneProviderColdMs: number;
  oneProviderMs: number;
  oneProviderSamples: number;
  hundredProvidersMs: number;
  hundredProvidersSamples: number;
  filesPerHundred: number;
};

const providers = (count: number): ProviderInput[] =>
  Array.from({ length: count }, (_, index) => ({ name: `Api${String(index + 1).padStart(3, '0')}`, tenantId: TENANT, clientId: CLIENT_ID }));

export async function measureRender(runs = RUNS): Promise<RenderResult> {
  const { parseBundleSpec } = await import('../lib/input/providerSpec.js');
  const { renderBundle } = await import('../lib/render/renderBundle.js');
  const timed = (count: number): { ms: number; files: number } => {
    const input = { providers: providers(count) };
    const start = performance.now();
    const files = renderBundle(parseBundleSpec(input));
    return { ms: performance.now() - start, files: files.length };
  };
  const cold = timed(1).ms;
  // Fast figures get more runs: a millisecond is at the mercy of the scheduler.
  const oneRuns = Math.max(50, runs);
  const one = Array.from({ length: oneRuns }, () => timed(1).ms);
  const hundredRuns = Math.max(10, runs);
  const hundred = Array.from({ length: hundredRuns }, () => timed(100));
  return {
    oneProviderColdMs: cold,
    oneProviderMs: median(one),
    oneProviderSamples: oneRuns,
    hundredProvidersMs: median(hundred.map((run) => run.ms)),
    hundredProvidersSamples: hundredRuns,
    filesPerHundred: hundred[0].files,
  };
}

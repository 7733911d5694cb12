/**
 * Startup: what a user waits for when running `generate --help` and a full `generate`, against the framework floor
 * (`import('@salesforce/sf-plugins-core')` from the project: no sf plugin can start faster) and a bare `node -e 0`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOORS, interleaved, median, timeNodeOk } from './measure.js';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
export const SECRET = 'bench-secret-not-real';

const RUN_JS = join('bin', 'run.js');

export type StartupResult = Record<'nodeBare' | 'frameworkFloor' | 'generateHelp' | 'generate', { medianMs: number; samplesMs: number[] }>;

export async function measureStartup(runs: number): Promise<StartupResult> {
  const ms = async (args: readonly string[]): Promise<number> => (await timeNodeOk(args, { AZURE_CLIENT_SECRET: SECRET })).ms;
  const outputRoot = mkdtempSync(join(tmpdir(), 'aap-bench-out-'));
  let outputs = 0;
  const samples = await interleaved(
    {
      nodeBare: () => ms(['-e', '0']),
      frameworkFloor: () => ms(FLOORS.frameworkFloor),
      generateHelp: () => ms([RUN_JS, 'azure-authprovider', 'generate', '--help']),
      // Each run writes a whole bundle into a new directory, as a first generate does.
      generate: () =>
        ms([RUN_JS, 'azure-authprovider', 'generate', '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--output-dir', join(outputRoot, `run${++outputs}`, 'force-app')]),
    },
    runs
  );
  rmSync(outputRoot, { recursive: true, force: true });
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { medianMs: median(values), samplesMs: values }])) as StartupResult;
}

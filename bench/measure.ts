/** Timing plumbing for the benchmark: medians, and child processes timed from spawn to exit. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** How many measured runs each figure is the median of (BENCH_RUNS, at least 5). */
export const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5) || 5);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

export type ChildRun = { ms: number; startedAt: number; exitedAt: number; status: number | null; stdout: string; stderr: string };

/** Runs `node <args>` with a clean NODE_OPTIONS, and times it from spawn to exit (wall clock). */
export function timeNode(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (status) => {
      done({ ms: Number(process.hrtime.bigint() - start) / 1e6, startedAt, exitedAt: Date.now(), status, stdout, stderr });
    });
  });
}

/** A child run that must succeed; its output is shown when it does not. */
export async function timeNodeOk(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  const run = await timeNode(args, env);
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/**
 * Runs every case once to warm up (file cache, sf's state under HOME), then RUNS rounds in which every case runs
 * once, so that a slow moment of the machine hits all cases alike; returns each case's samples.
 */
export async function interleaved<C extends Record<string, () => Promise<unknown>>>(cases: C, runs = RUNS): Promise<{ [K in keyof C]: Array<Awaited<ReturnType<C[K]>>> }> {
  const names = Object.keys(cases) as Array<keyof C>;
  const samples = Object.fromEntries(names.map((name) => [name, [] as unknown[]])) as { [K in keyof C]: Array<Awaited<ReturnType<C[K]>>> };
  for (const name of names) await cases[name]();
  for (let round = 0; round < runs; round++) {
    for (const name of names) samples[name].push((await cases[name]()) as Awaited<ReturnType<C[typeof name]>>);
  }
  return samples;
}

/** The start-up floors: the sf framework's (no sf command can start faster) and the minimal deploy client's. */
export const FLOORS = {
  frameworkFloor: ['-e', "import('@salesforce/sf-plugins-core')"],
  jsforceFloor: ['-e', "import('@jsforce/jsforce-node')"],
} as const;

/** Timing plumbing for the benchmark: medians, and child processes timed from spawn to exit. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** How many measured runs each figure is the median of (BENCH_RUNS, 5 unless told; fewer for a quick, noisier look). */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);

/** Runs of the cases that take a minute each, the 60 s deploys (BENCH_RUNS_LONG, 3 unless told). */
export const LONG_RUNS = Math.max(1, Number(process.env.BENCH_RUNS_LONG ?? 3) || 3);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

export type ChildRun = { ms: number; startedAt: number; exitedAt: number; status: number | null; stdout: string; stderr: string };

/** Spawns `file <args>` and times it from spawn to exit (wall clock). */
function spawnTimed(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Runs `node <args>` with a clean NODE_OPTIONS, and times it from spawn to exit (wall clock). */
export function timeNode(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<ChildRun> {
  return spawnTimed(process.execPath, args, { ...process.env, NODE_OPTIONS: '', ...env }, cwd);
}

/** A run with what it cost: CPU (user + sys) and peak resident memory. */
export type UsageRun = ChildRun & { cpuMs: number; maxRssMb: number };

const GNU_TIME = '/usr/bin/time';

/**
 * Runs `file <args>` under GNU time, which reports the getrusage of what it waited for: the CPU time (user + sys)
 * of the child and every descendant reaped in its tree, and the peak RSS of the largest of them.
 */
export async function timeUsage(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<UsageRun> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed for CPU time and peak memory: apt-get install time`);
  const dir = mkdtempSync(join(tmpdir(), 'aap-bench-usage-'));
  try {
    const report = join(dir, 'usage');
    const run = await spawnTimed(GNU_TIME, ['-f', '%U %S %M', '-o', report, file, ...args], env, cwd);
    // On a failed command GNU time writes "Command exited with non-zero status N" first; the figures come last.
    const [user, sys, rssKb] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { ...run, cpuMs: (user + sys) * 1000, maxRssMb: rssKb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A child run that must succeed; its output is shown when it does not. */
export async function timeNodeOk(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  const run = await timeNode(args, env);
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/**
 * Runs every case once to warm up (file cache, sf's state under HOME), then `runs` rounds in which every case runs
 * once, so that a slow moment of the machine hits all cases alike; returns each case's samples. `alternate` reverses
 * the order every other round (paired runs: neither case always goes first); `warmup: false` skips the warm-up round
 * (for cases so long that the caches are warm from what ran before).
 */
export async function interleaved<C extends Record<string, () => Promise<unknown>>>(
  cases: C,
  runs = RUNS,
  { warmup = true, alternate = false }: { warmup?: boolean; alternate?: boolean } = {}
): Promise<{ [K in keyof C]: Array<Awaited<ReturnType<C[K]>>> }> {
  const names = Object.keys(cases) as Array<keyof C>;
  const samples = Object.fromEntries(names.map((name) => [name, [] as unknown[]])) as { [K in keyof C]: Array<Awaited<ReturnType<C[K]>>> };
  if (warmup) for (const name of names) await cases[name]();
  for (let round = 0; round < runs; round++) {
    const order = alternate && round % 2 === 1 ? [...names].reverse() : names;
    for (const name of order) samples[name].push((await cases[name]()) as Awaited<ReturnType<C[typeof name]>>);
  }
  return samples;
}

/** The start-up floors: the sf framework's (no sf command can start faster) and the minimal deploy client's. */
export const FLOORS = {
  frameworkFloor: ['-e', "import('@salesforce/sf-plugins-core')"],
  jsforceFloor: ['-e', "import('@jsforce/jsforce-node')"],
} as const;

/** Runs the plugin as a user does, ./bin/run.js in a child process, with a private HOME for sf's logs and config. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLUGIN_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Node's on-disk cache of compiled code (Node 22.1+), shared by every run: the CLI loads the same few thousand
 * modules of sf's libraries each time, and compiling them is a good part of its start-up. It changes no behaviour.
 */
export const COMPILE_CACHE = join(PLUGIN_ROOT, 'node_modules', '.cache', 'aap-node-compile-cache');

export type CliRun = { status: number | null; stdout: string; stderr: string; home: string };

function invocation(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const home = env.HOME ?? mkdtempSync(join(tmpdir(), 'aap-home-'));
  // Nothing of the developer's own Entra set-up reaches a run: no secret, no admin sign-in, no Azure CLI login (its
  // config sits under HOME unless AZURE_CONFIG_DIR moves it), no host moved elsewhere; a test passes what it needs.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^AZURE_/.test(name)));
  return {
    home,
    argv: [join(PLUGIN_ROOT, 'bin', 'run.js'), 'azure-authprovider', command, ...args],
    // An env value of undefined removes that variable.
    env: Object.fromEntries(
      Object.entries({ ...inherited, NODE_OPTIONS: '', NODE_COMPILE_CACHE: COMPILE_CACHE, SF_DISABLE_TELEMETRY: 'true', ...env, HOME: home }).filter(([, value]) => value !== undefined)
    ),
  };
}

/** Runs with a fresh HOME unless env.HOME names one (to reuse an org login stored there). */
export function runCli(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = PLUGIN_ROOT): CliRun {
  const run = invocation(command, args, env);
  const result = spawnSync(process.execPath, run.argv, { cwd, encoding: 'utf8', env: run.env, timeout: 60000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, home: run.home };
}

/**
 * Like runCli, without blocking this process: for talking to an emulator that runs in it. `input` is piped to stdin,
 * or, as a file descriptor, is stdin itself (a device such as /dev/zero).
 */
export function runCliAsync(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = PLUGIN_ROOT, input?: string | Buffer | number, timeoutMs = 90000): Promise<CliRun> {
  return spawnCli(command, args, env, cwd, input, timeoutMs).done;
}

/** Like runCliAsync, with the child at hand: for sending it a signal while it runs. */
export function spawnCli(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = PLUGIN_ROOT, input?: string | Buffer | number, timeoutMs = 90000): { child: ChildProcess; done: Promise<CliRun> } {
  const run = invocation(command, args, env);
  const child = spawn(process.execPath, run.argv, { cwd, env: run.env, stdio: [typeof input === 'number' ? input : 'pipe', 'pipe', 'pipe'] });
  // No input means an empty, closed stdin, as in a script that pipes nothing.
  if (typeof input !== 'number') child.stdin?.end(input ?? '');
  return { child, done: outputOf(child, timeoutMs).then((output) => ({ ...output, home: run.home })) };
}

/** A child's exit status and its whole output, killing it after `timeoutMs`. */
export function outputOf(child: ChildProcess, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Every file below a directory, for checking that a secret appears in none of them. */
export function filesBelow(dir: string): string[] {
  let found: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    found = statSync(path).isDirectory() ? [...found, ...filesBelow(path)] : [...found, path];
  }
  return found;
}

export function filesContaining(dir: string, needle: string): string[] {
  return filesBelow(dir).filter((path) => readFileSync(path, 'latin1').includes(Buffer.from(needle, 'utf8').toString('latin1')));
}

/** Runs the plugin as a user does, ./bin/run.js in a child process, with a private HOME for sf's logs and config. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLUGIN_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export type CliRun = { status: number | null; stdout: string; stderr: string; home: string };

export function runCli(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = PLUGIN_ROOT): CliRun {
  const home = mkdtempSync(join(tmpdir(), 'aap-home-'));
  const { AZURE_CLIENT_SECRET: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [join(PLUGIN_ROOT, 'bin', 'run.js'), 'azure-authprovider', command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...inherited, NODE_OPTIONS: '', HOME: home, SF_DISABLE_TELEMETRY: 'true', ...env },
    timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, home };
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

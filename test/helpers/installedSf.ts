/**
 * The plugin as users get it: packed with `npm pack` and installed with `sf plugins install file:<tarball>` into the
 * pinned sf CLI (scripts/sf-cli) under a private HOME. Used by test/installed and the bench.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { outputOf, PLUGIN_ROOT } from './runCli.js';

export type Packed = { filename: string; files: Array<{ path: string }> };
export type SfRun = { status: number | null; stdout: string; stderr: string };
export type SfCommand = { file: string; args: string[]; env: NodeJS.ProcessEnv };

/** The sf executable, installed once under the user's own HOME (scripts/sf-cli's cache), not a test's private one. */
export function sfExecutable(): string {
  return execFileSync(join(PLUGIN_ROOT, 'scripts/sf-cli'), [], { env: { ...process.env, HOME: userInfo().homedir, SF_CLI_PATH_ONLY: '1' }, encoding: 'utf8' }).trim();
}

export type InstalledSf = {
  home: string;
  packed: Packed;
  /** Runs `sf <args>` under `home`, with Node 22 (this process's) and sf first on PATH. */
  run: (args: string[], env?: NodeJS.ProcessEnv, cwd?: string) => Promise<SfRun>;
  /** What `run` spawns for `sf <args>`, for callers that spawn it themselves (the bench, under GNU time). */
  command: (args: string[], env?: NodeJS.ProcessEnv) => SfCommand;
};

/** Packs the plugin into `work` and installs it into sf under `home`. */
export async function installPlugin(work: string, home: string): Promise<InstalledSf> {
  const sfBin = sfExecutable();
  const command = (args: string[], env: NodeJS.ProcessEnv = {}): SfCommand => {
    const { AZURE_CLIENT_SECRET: _ignored, ...inherited } = process.env;
    const childEnv = {
      ...inherited,
      NODE_OPTIONS: '',
      HOME: home,
      // Some of sf's hooks spawn `sf` itself, as an installed sf is on PATH.
      PATH: [dirname(process.execPath), dirname(sfBin), process.env.PATH].join(delimiter),
      SF_DISABLE_TELEMETRY: 'true',
      // The first is what sf's own start-up reads, the second what oclif's update hook reads before it spawns `sf update`.
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_HIDE_RELEASE_NOTES: 'true',
      ...env,
    };
    return { file: process.execPath, args: [sfBin, ...args], env: childEnv };
  };
  const run = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = work): Promise<SfRun> => {
    const { file, args: argv, env: childEnv } = command(args, env);
    return outputOf(spawn(file, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }), 300000);
  };

  mkdirSync(join(home, '.config', 'sf'), { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: PLUGIN_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const packed = (JSON.parse(out) as Packed[])[0];
  const tarball = `file:${join(work, packed.filename)}`;
  // The documented way to install an unsigned plugin without the prompt: its install URL in the allow list.
  writeFileSync(join(home, '.config', 'sf', 'unsignedPluginAllowList.json'), JSON.stringify([tarball]));
  const installed = await run(['plugins', 'install', tarball]);
  if (installed.status !== 0) throw new Error(`sf plugins install failed:\n${installed.stdout}\n${installed.stderr}`);
  return { home, packed, run, command };
}

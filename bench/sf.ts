/**
 * Against what users compare, through the real sf CLI (scripts/sf-cli) with the plugin installed from its packed
 * tarball, as users get it: `sf azure-authprovider generate` against Salesforce's own template generator,
 * `sf apex generate class`, and `sf azure-authprovider deploy` against `sf project deploy start` of the same
 * generated files (an SFDX project whose force-app is what generate wrote). Every run is timed by GNU time (wall,
 * CPU of the process tree, peak RSS); each round runs both commands, in alternating order. Deploys go to the org
 * emulator (a sandbox, so no tests run), a new org for every run, logged in under sf's private HOME beforehand.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPlugin, type InstalledSf } from '../test/helpers/installedSf.js';
import { loginAs } from '../test/helpers/orgLogin.js';
import { startEmulator, type Emulator } from '../test/emulator/index.js';
import { facts, summary, type ClientResult, type RunFacts } from './deploy.js';
import { interleaved, median, timeUsage, type UsageRun } from './measure.js';
import { CLIENT_ID, SECRET, TENANT } from './startup.js';

/** Medians of wall time, CPU time (user + sys) and peak RSS. */
export type Usage = { wallMs: number; cpuMs: number; maxRssMb: number; samples: Array<{ wallMs: number; cpuMs: number; maxRssMb: number }> };
export type Compared<T> = { ours: T; sf: T; wallRatio: number; cpuRatio: number; rssRatio: number };
export type SfDeployClient = ClientResult & { usage: Usage };
export type SfDeployScenario = { deployMs: number; latencyMs: number; runs: number } & Compared<SfDeployClient>;

export type SfCli = { sf: InstalledSf; work: string; project: string; stop: () => void };

const NAME = 'BenchApi';
const ALIAS = 'bench-sf';
const provider = ['--name', NAME, '--tenant-id', TENANT, '--client-id', CLIENT_ID];

function usage(runs: readonly UsageRun[]): Usage {
  const samples = runs.map((run) => ({ wallMs: run.ms, cpuMs: run.cpuMs, maxRssMb: run.maxRssMb }));
  return { wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)), maxRssMb: median(samples.map((s) => s.maxRssMb)), samples };
}

const ratios = (ours: Usage, sf: Usage): Omit<Compared<unknown>, 'ours' | 'sf'> => ({
  wallRatio: ours.wallMs / sf.wallMs,
  cpuRatio: ours.cpuMs / sf.cpuMs,
  rssRatio: ours.maxRssMb / sf.maxRssMb,
});

/** Packs and installs the plugin into the pinned sf under its own HOME, and lays out the SFDX project to deploy. */
export async function setUpSf(): Promise<SfCli> {
  const work = mkdtempSync(join(tmpdir(), 'aap-bench-sf-'));
  const sf = await installPlugin(work, join(work, 'home'));
  const project = join(work, 'project');
  mkdirSync(project);
  // What `sf project generate` writes that deploy start needs: the package directory and the API version.
  writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0' }, null, 2));
  const generated = await sf.run(['azure-authprovider', 'generate', ...provider, '--output-dir', join(project, 'force-app')], {}, project);
  if (generated.status !== 0) throw new Error(`sf azure-authprovider generate failed:\n${generated.stdout}\n${generated.stderr}`);
  return { sf, work, project, stop: () => rmSync(work, { recursive: true, force: true }) };
}

async function sfOk(cli: SfCli, args: string[], env: NodeJS.ProcessEnv = {}): Promise<UsageRun> {
  const { file, args: argv, env: childEnv } = cli.sf.command(args, env);
  const run = await timeUsage(file, argv, childEnv, cli.project);
  if (run.status !== 0) throw new Error(`sf ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** Each run writes into a new directory, as a first generate does. */
export async function measureSfGenerate(cli: SfCli, runs: number): Promise<Compared<Usage>> {
  const out = mkdtempSync(join(cli.work, 'generate-'));
  let count = 0;
  const samples = await interleaved(
    {
      ours: () => sfOk(cli, ['azure-authprovider', 'generate', ...provider, '--output-dir', join(out, `ours${++count}`, 'force-app')]),
      sf: () => sfOk(cli, ['apex', 'generate', 'class', '--name', 'BenchClass', '--output-dir', join(out, `apex${++count}`, 'classes')]),
    },
    runs,
    { alternate: true }
  );
  rmSync(out, { recursive: true, force: true });
  const ours = usage(samples.ours);
  const sf = usage(samples.sf);
  return { ours, sf, ...ratios(ours, sf) };
}

export async function measureSfDeploy(cli: SfCli, scenario: { latencyMs: number; deployMs: number }, runs: number, warmup: boolean): Promise<SfDeployScenario> {
  // Usernames are unique per org, as Salesforce's are: each login is a new one under sf's HOME.
  const org = (): Promise<Emulator> => startEmulator({ orgType: 'sandbox', latencyMs: scenario.latencyMs, deployMs: scenario.deployMs, queuedPolls: 0, inProgressPolls: 0 });
  const measured = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunFacts & { run: UsageRun }> => {
    const emu = await org();
    try {
      await loginAs(emu, ALIAS, cli.sf.home);
      emu.org.requests.length = 0;
      const run = await sfOk(cli, args, env);
      return { ...facts(run, emu.org.requests, emu), run };
    } finally {
      await emu.stop();
    }
  };
  const samples = await interleaved(
    {
      ours: () => measured(['azure-authprovider', 'deploy', '--target-org', ALIAS, ...provider], { AZURE_CLIENT_SECRET: SECRET }),
      sf: () => measured(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', ALIAS]),
    },
    runs,
    { alternate: true, warmup }
  );
  const client = (runsOf: Array<RunFacts & { run: UsageRun }>): SfDeployClient => ({ ...summary(runsOf), usage: usage(runsOf.map((r) => r.run)) });
  const ours = client(samples.ours);
  const sf = client(samples.sf);
  return { ...scenario, runs, ours, sf, ...ratios(ours.usage, sf.usage) };
}

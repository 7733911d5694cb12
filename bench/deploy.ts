/**
 * Deploy overhead: `sf azure-authprovider deploy` end to end, as a user runs it (bin/run.js in a child process,
 * logged in to the org emulator under the benchmark's private HOME), against the minimal client
 * (bench/minimal-deploy.mjs: plain jsforce, the same zip and deploy options, polling back to back), also a child
 * process. The emulator is a sandbox (NoTestRun for both), answers every request after `latencyMs`, and finishes a
 * deploy `deployMs` after it was submitted. Every run deploys into a new org, as a first deploy does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type RequestLogEntry } from '../test/emulator/index.js';
import { saveLogin } from '../test/emulator/login.js';
import { FLOORS, interleaved, median, timeNode, timeNodeOk, type ChildRun } from './measure.js';
import { CLIENT_ID, SECRET, TENANT } from './startup.js';

export type DeployScenario = { name: string; latencyMs: number; deployMs: number };

/** One run, read from the emulator's request log: where the time went and what was asked. */
export type RunFacts = {
  ms: number;
  requests: number;
  byOperation: Record<string, number>;
  polls: number;
  /** From the moment the org finished the deploy to the answer that told the client so. */
  noticeMs: number;
  /** Spawn to first request; first request to deploy submitted; submitted to done answered; the calls after; to exit. */
  phases: { start: number; prepare: number; deploying: number; after: number; exit: number };
};

export type ClientResult = {
  medianMs: number;
  samplesMs: number[];
  requests: number;
  byOperation: Record<string, number>;
  polls: number;
  noticeMs: number;
  phases: RunFacts['phases'];
};

/**
 * `ratio`: ours / minimal, end to end. `netRatio`: the same with each client's start-up floor taken off (the sf
 * framework's for ours, jsforce's for the minimal client), which leaves what each does once started.
 */
export type ScenarioResult = DeployScenario & {
  ours: ClientResult;
  minimal: ClientResult;
  floors: { frameworkMs: number; jsforceMs: number };
  ratio: number;
  netRatio: number;
};

const NAME = 'BenchApi';
const ALIAS = 'bench';
const API_VERSION = '64.0';
/** Every benchmark org's admin, who deploys and is the execution user: so one zip fits every org. */
const ADMIN = 'admin@bench.example.com';

async function deployZip(dir: string): Promise<string> {
  const { parseBundleSpec } = await import('../lib/input/providerSpec.js');
  const { withOrgDefaults } = await import('../lib/deploy/orgDefaults.js');
  const { renderBundle } = await import('../lib/render/renderBundle.js');
  const { metadataZip, toMetadataPackage } = await import('../lib/salesforce/metadataPackage.js');
  // The bundle deploy sends for these flags to the emulator (its newest API version, its admin as execution user).
  const login = { maxApiVersion: API_VERSION, username: ADMIN };
  const spec = parseBundleSpec(withOrgDefaults({ providers: [{ name: NAME, tenantId: TENANT, clientId: CLIENT_ID }] }, login));
  const zip = await metadataZip(toMetadataPackage(renderBundle(spec, { secrets: { [NAME]: SECRET } }), spec.apiVersion));
  const file = join(dir, 'deploy.zip');
  writeFileSync(file, zip);
  return file;
}

export function facts(run: ChildRun, requests: readonly RequestLogEntry[], emu: Emulator): RunFacts {
  if (run.status !== 0) throw new Error(`deploy exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const job = [...emu.deploys.values()].at(-1);
  if (job?.status !== 'Succeeded' || !job.completedDate) throw new Error(`the deploy did not succeed: ${job?.status ?? 'none'} ${job?.errorMessage ?? ''}`);
  const submitted = requests.find((request) => request.operation === 'deploy')!;
  const polls = requests.filter((request) => request.operation === 'checkDeployStatus');
  const done = polls.at(-1)!;
  const answered = (request: RequestLogEntry): number => request.respondedAt ?? request.receivedAt;
  const last = Math.max(...requests.map(answered));
  const byOperation: Record<string, number> = {};
  for (const request of requests) byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
  return {
    ms: run.ms,
    requests: requests.length,
    byOperation,
    polls: polls.length,
    noticeMs: answered(done) - Date.parse(job.completedDate),
    phases: {
      start: requests[0].receivedAt - run.startedAt,
      prepare: submitted.receivedAt - requests[0].receivedAt,
      deploying: answered(done) - submitted.receivedAt,
      after: last - answered(done),
      exit: run.exitedAt - last,
    },
  };
}

export function summary(runs: RunFacts[]): ClientResult {
  const mid = (pick: (run: RunFacts) => number): number => median(runs.map(pick));
  const requests = mid((run) => run.requests);
  // The breakdown of a run that made the median number of requests (only the number of polls varies).
  const typical = runs.reduce((best, run) => (Math.abs(run.requests - requests) < Math.abs(best.requests - requests) ? run : best));
  return {
    medianMs: mid((run) => run.ms),
    samplesMs: runs.map((run) => run.ms),
    requests: typical.requests,
    byOperation: typical.byOperation,
    polls: mid((run) => run.polls),
    noticeMs: mid((run) => run.noticeMs),
    phases: {
      start: mid((run) => run.phases.start),
      prepare: mid((run) => run.phases.prepare),
      deploying: mid((run) => run.phases.deploying),
      after: mid((run) => run.phases.after),
      exit: mid((run) => run.phases.exit),
    },
  };
}

export async function measureDeploy(scenario: DeployScenario, runs: number): Promise<ScenarioResult> {
  const org = (): Promise<Emulator> =>
    startEmulator({ orgType: 'sandbox', username: ADMIN, latencyMs: scenario.latencyMs, deployMs: scenario.deployMs, queuedPolls: 0, inProgressPolls: 0 });
  // Each run deploys into a new org, as a first deploy does; one zip fits all (the only user it names is ADMIN).
  const zipDir = mkdtempSync(join(tmpdir(), 'aap-bench-zip-'));
  const zipFile = await deployZip(zipDir);
  const measured = async (client: (emu: Emulator) => Promise<ChildRun>): Promise<RunFacts> => {
    const emu = await org();
    try {
      return facts(await client(emu), emu.org.requests, emu);
    } finally {
      await emu.stop();
    }
  };
  const samples = await interleaved(
    {
      ours: () =>
        measured(async (emu) => {
          // Every emulator has the same admin username, so this replaces the previous run's login.
          await saveLogin(emu, ALIAS);
          emu.org.requests.length = 0;
          return timeNode([join('bin', 'run.js'), 'azure-authprovider', 'deploy', '--target-org', ALIAS, '--name', NAME, '--tenant-id', TENANT, '--client-id', CLIENT_ID], {
            AZURE_CLIENT_SECRET: SECRET,
          });
        }),
      minimal: () => measured(async (emu) => timeNode([join('bench', 'minimal-deploy.mjs'), emu.instanceUrl, emu.accessToken, API_VERSION, zipFile, 'NoTestRun'])),
      // Measured in the same rounds, so that the figures net of start-up see the machine as the deploys did.
      frameworkFloor: async () => (await timeNodeOk(FLOORS.frameworkFloor)).ms,
      jsforceFloor: async () => (await timeNodeOk(FLOORS.jsforceFloor)).ms,
    },
    runs
  );
  rmSync(zipDir, { recursive: true, force: true });
  const ours = summary(samples.ours);
  const minimal = summary(samples.minimal);
  const floors = { frameworkMs: median(samples.frameworkFloor), jsforceMs: median(samples.jsforceFloor) };
  return {
    ...scenario,
    ours,
    minimal,
    floors,
    ratio: ours.medianMs / minimal.medianMs,
    netRatio: (ours.medianMs - floors.frameworkMs) / (minimal.medianMs - floors.jsforceMs),
  };
}

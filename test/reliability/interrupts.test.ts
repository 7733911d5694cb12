/*
 * Signals while a command has work in flight in the org, sent to the real child process as a user's Ctrl-C, a CI
 * runner's SIGTERM or a closed terminal's SIGHUP: while deploy polls, while it sends the deploy, during each step
 * after it, and while rotate-secret and remove write. Each ends with the table's exit code (128 + the signal), one
 * message saying what goes on in the org (the deploy ID when there is one) and how to finish, sf's error JSON under
 * --json, no stack trace; the same command run again finishes the job. Also: two deploys of one provider at once.
 */
import type { ChildProcess } from 'node:child_process';
import type { Emulator, EmulatorOptions, RequestLogEntry } from '../emulator/index.js';
import { freshSandbox } from '../helpers/orgLogin.js';
import { runCliAsync, spawnCli, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { EXIT_CODES } from '../../src/errors/exitCodes.js';
import { saveCredential } from '../emulator/credentials.js';
import { record } from './counts.js';

type ErrorJson = {
  status: number;
  name: string;
  message: string;
  exitCode: number;
  actions: string[];
  data: { status: string; signal: string; phase?: string; deployId?: string; stage?: string };
  warnings?: string[];
};

let emu: Emulator;
let alias: string;
async function freshOrg(options: EmulatorOptions = {}): Promise<void> {
  ({ emu, alias } = await freshSandbox('interrupt', options));
}
afterEach(async () => emu?.stop());

const env = (secret = HOSTILE_SECRET): NodeJS.ProcessEnv => ({ HOME: process.env.HOME, AZURE_CLIENT_SECRET: secret });
const deployArgs = (json: boolean): string[] => ['--target-org', alias, '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--headless-auth', ...(json ? ['--json'] : [])];

async function until(condition: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A request of this operation the org has received and not yet answered. */
const inFlight = (operation: RegExp) => (): boolean => emu.org.requests.some((request: RequestLogEntry) => operation.test(request.operation) && request.respondedAt === undefined);

/** Runs the command, sends `signal` once `when` holds, and returns what the command printed and its exit status. */
async function interrupt(command: string, args: string[], when: () => boolean, signal: NodeJS.Signals, secret?: string, times = 1): Promise<CliRun> {
  const { child, done } = spawnCli(command, args, env(secret));
  const exited = new Promise<void>((resolve) => (child as ChildProcess).once('exit', () => resolve()));
  await Promise.race([until(when, `the moment to send ${signal}`), exited]);
  for (let i = 0; i < times; i++) child.kill(signal);
  const run = await done;
  // Never a stack trace, an uncaught oclif exit or a raw Node error, whatever else it prints.
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\n\s+at \S+|EEXIT|ExitError|Unhandled|uncaught/i);
  return run;
}

const json = (run: CliRun): ErrorJson => JSON.parse(run.stdout) as ErrorJson;

/** How much of the provider the org holds: none of its components, all of them, or (never acceptable) some. */
function state(): 'none' | 'deployed' | 'configured' | 'partial' {
  const pieces: Array<[string, string]> = [
    ['ApexClass', 'AzureClientCredentialsProvider'],
    ['CustomMetadata', 'Azure_Client_Credential.AzureGraph'],
    ['AuthProvider', 'AzureGraph'],
    ['NamedCredential', 'AzureGraph'],
    ['ExternalCredential', 'AzureGraph'],
    ['PermissionSet', 'AzureGraph_Callout'],
  ];
  const present = pieces.filter(([type, fullName]) => emu.org.get(type, fullName)).length;
  if (present === 0) return 'none';
  if (present < pieces.length) return 'partial';
  const ps = emu.org.get('PermissionSet', 'AzureGraph_Callout')!;
  const assigned = emu.org.permissionSetAssignments.filter((a) => a.permissionSetId === ps.id && a.assigneeId === emu.org.adminUser.id).length;
  return assigned === 1 && emu.org.configuredPrincipals.has('azuregraph|namedprincipal') ? 'configured' : 'deployed';
}

const codeOf: Record<string, number> = { SIGINT: EXIT_CODES.interrupted, SIGTERM: EXIT_CODES.terminated, SIGHUP: EXIT_CODES.hangup };

/** The deploy IDs the org received, oldest first. */
const deployIds = (): string[] => [...emu.deploys.values()].sort((a, b) => a.createdDate.localeCompare(b.createdDate)).map((job) => job.id);

async function rerunDeploy(): Promise<CliRun & { json: { status: number; warnings: string[] } }> {
  const run = await runCliAsync('deploy', deployArgs(true), env());
  return { ...run, json: JSON.parse(run.stdout) as { status: number; warnings: string[] } };
}

const survived = (): void => record({ faultsSurvived: 1 });

describe('a signal while deploy polls', () => {
  it.each([
    ['SIGINT', true],
    ['SIGTERM', false],
    ['SIGHUP', true],
  ] as Array<[NodeJS.Signals, boolean]>)('%s (--json: %s): the deploy ID, that it goes on in the org, the signal exit code; a rerun completes', async (signal, asJson) => {
    await freshOrg({ deployMs: 2500 });
    const run = await interrupt('deploy', deployArgs(asJson), () => emu.org.callCount('checkDeployStatus') >= 1, signal);
    expect(run.status).toBe(codeOf[signal]);
    const [deployId] = deployIds();
    expect(deployId).toMatch(/^0Af/);
    if (asJson) {
      const error = json(run);
      expect(error).toMatchObject({
        status: codeOf[signal],
        exitCode: codeOf[signal],
        name: 'InterruptedError',
        data: { status: 'Interrupted', signal, phase: 'deploying', deployId },
      });
      expect(error.message).toBe(`Interrupted by ${signal}. Deploy ${deployId} continues in the org: only this command's wait for it stopped. Nothing was written locally.`);
      expect(error.actions[0]).toMatch(/^Run the same command again to finish the job/);
      expect(error.actions[1]).toContain(`sf project deploy report --job-id ${deployId}`);
    } else {
      expect(run.stderr).toContain(`Interrupted by ${signal}. Deploy ${deployId} continues in the org`);
      expect(run.stderr).toMatch(/Run the same command again to finish the job/);
      expect(run.stdout).not.toMatch(/Deployed/);
    }

    // The same command again: it says the first deploy is still in the queue, and finishes the job.
    const rerun = await rerunDeploy();
    expect(rerun.status).toBe(0);
    expect(rerun.json.warnings.join('\n')).toContain(`Another deploy, ${deployId} (`);
    expect(state()).toBe('configured');
    survived();
  });

  it('a second signal ends it at once, with the same code and no stack trace', async () => {
    await freshOrg({ deployMs: 2500 });
    const run = await interrupt('deploy', deployArgs(true), () => emu.org.callCount('checkDeployStatus') >= 1, 'SIGINT', undefined, 2);
    expect(run.status).toBe(EXIT_CODES.interrupted);
    expect((await rerunDeploy()).status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });

  it('while the deploy is being sent: it may have started, and a rerun completes', async () => {
    await freshOrg({ latencyMs: 400 });
    const run = await interrupt('deploy', deployArgs(true), inFlight(/^deploy$/), 'SIGTERM');
    expect(run.status).toBe(EXIT_CODES.terminated);
    const error = json(run);
    expect(error.data).toEqual({ status: 'Interrupted', signal: 'SIGTERM', phase: 'sending' });
    expect(error.message).toMatch(/the org may have started it/);
    expect((await rerunDeploy()).status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });
});

describe('a signal during the steps after a successful deploy', () => {
  it.each([
    ['the permission set assignment', /^create$/, 'SIGINT', /^Assigning permission set AzureGraph_Callout/],
    ['the Connect credential store', /^(create|update)Credential$/, 'SIGTERM', /^Storing the client secret in the token credential AzureGraph_Token/],
    ['the principal authentication', /^(frontdoor|authStart|authcallback)$/, 'SIGHUP', /^Completing the OAuth flow of principal NamedPrincipal/],
  ] as Array<[string, RegExp, NodeJS.Signals, RegExp]>)('%s: says the deploy succeeded and what was under way; a rerun completes it once', async (_step, operation, signal, stage) => {
    await freshOrg({ latencyMs: 150 });
    const run = await interrupt('deploy', deployArgs(true), inFlight(operation), signal);
    expect(run.status).toBe(codeOf[signal]);
    const [deployId] = deployIds();
    const error = json(run);
    expect(error.data).toMatchObject({ status: 'Interrupted', signal, phase: 'after-deploy', deployId, stage: expect.stringMatching(stage) });
    expect(error.message).toMatch(new RegExp(`^Interrupted by ${signal}\\. Deploy ${deployId} had succeeded; this step after it was under way: `));
    expect(error.actions).toEqual(['Run the same deploy command again to finish; it changes nothing that is already in place.']);
    expect(['deployed', 'configured']).toContain(state());
    expect((await rerunDeploy()).status).toBe(0);
    // Exactly one assignment, the principal authenticated.
    expect(state()).toBe('configured');
    survived();
  });
});

describe('a signal while rotate-secret and remove change the org', () => {
  const NEW_SECRET = 'rotatedSecret2';
  const storedSecret = (): unknown => emu.org.principalCredentials.get(emu.org.principalKey('AzureGraph_Token', 'NamedPrincipal'));

  it('rotate-secret, while it writes: the org holds the old or the new secret; a rerun writes the new one', async () => {
    await freshOrg({ latencyMs: 150 });
    expect((await rerunDeploy()).status).toBe(0);
    emu.org.requests.length = 0;
    const args = ['--target-org', alias, '--name', 'AzureGraph', '--no-verify', '--json'];
    const run = await interrupt('rotate-secret', args, inFlight(/^(create|update)Credential$/), 'SIGINT', NEW_SECRET);
    expect(run.status).toBe(EXIT_CODES.interrupted);
    const error = json(run);
    expect(error.data).toEqual({ status: 'Interrupted', signal: 'SIGINT', phase: 'writing' });
    expect(error.message).toMatch(/either the old secret or the new one/);
    expect(error.actions[0]).toMatch(/^Run the same rotate-secret command again/);
    const again = await runCliAsync('rotate-secret', args, env(NEW_SECRET));
    expect(again.status).toBe(0);
    expect(storedSecret()).toMatchObject({ ClientSecret: { value: NEW_SECRET } });
    survived();
  });

  it('remove, while it deletes: what is gone stays gone; a rerun removes the rest', async () => {
    await freshOrg({ latencyMs: 100 });
    expect((await rerunDeploy()).status).toBe(0);
    emu.org.requests.length = 0;
    const args = ['--target-org', alias, '--name', 'AzureGraph', '--no-prompt', '--json'];
    const run = await interrupt('remove', args, inFlight(/^deleteMetadata$/), 'SIGTERM');
    expect(run.status).toBe(EXIT_CODES.terminated);
    const error = json(run);
    expect(error.data).toMatchObject({ status: 'Interrupted', signal: 'SIGTERM', phase: 'deleting' });
    expect(error.message).toMatch(/what was deleted stays deleted, the rest is still in the org/);
    const again = await runCliAsync('remove', args, env());
    expect(again.status).toBe(0);
    expect(state()).toBe('none');
    survived();
  });
});

describe('two deploys of the same provider at once', () => {
  // The first deploy is held in progress until the second has finished, however busy the machine.
  it('the later one names the deploy still running and says the one that finishes last wins', async () => {
    await freshOrg();
    emu.holdDeploys(1);
    const first = runCliAsync('deploy', deployArgs(true), env('first~Secret'));
    await until(() => emu.deploys.size === 1, 'the first deploy');
    const [firstId] = deployIds();
    const second = await runCliAsync('deploy', deployArgs(true), env('second~Secret'));
    emu.releaseDeploys();
    expect(second.status).toBe(0);
    const { warnings } = JSON.parse(second.stdout) as { warnings: string[] };
    const warning = warnings.find((text) => text.startsWith('Another deploy'));
    expect(warning).toMatch(new RegExp(`^Another deploy, ${firstId} \\((Pending|InProgress), created .+\\), also changes this org\\. If it deploys AzureGraph too, .*the one that finishes last wins`));
    expect((await first).status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });

  it('sent at the same moment, at least one of them names the other', async () => {
    await freshOrg();
    // Both stay in progress until each has looked at the deploy queue.
    emu.holdDeploys(2);
    const running = Promise.all([runCliAsync('deploy', deployArgs(true), env('first~Secret')), runCliAsync('deploy', deployArgs(true), env('second~Secret'))]);
    const queueReads = (): number => emu.org.requests.filter((request) => request.query?.includes('DeployRequest') && request.respondedAt !== undefined).length;
    await until(() => queueReads() >= 2, 'both looks at the deploy queue');
    emu.releaseDeploys();
    const runs = await running;
    expect(runs.map((run) => run.status)).toEqual([0, 0]);
    const ids = deployIds();
    expect(ids).toHaveLength(2);
    const named = runs.flatMap((run) => (JSON.parse(run.stdout) as { warnings: string[] }).warnings).filter((text) => text.startsWith('Another deploy'));
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(named.every((text) => ids.some((id) => text.startsWith(`Another deploy, ${id} (`)))).toBe(true);
    survived();
  });

  for (const mode of ['plugin', 'native'] as const) {
    it(`${mode} mode: another deploy stores the credentials between this one's read and its POST, and this one replaces them`, async () => {
      await freshOrg();
      const [externalCredential, credentials] =
        mode === 'plugin' ? ['AzureGraph_Token', { ClientSecret: { value: 'first~Secret', encrypted: true } }] : ['AzureGraph', { clientId: { value: CLIENT_ID, encrypted: false }, clientSecret: { value: 'first~Secret', encrypted: true } }];
      const protocol = mode === 'plugin' ? { authenticationProtocol: 'Custom' } : { authenticationProtocol: 'OAuth', authenticationProtocolVariant: 'ClientCredentialsClientSecret' };
      emu.org.beforeNext('createCredential', () => {
        const body = { externalCredential, principalName: 'NamedPrincipal', principalType: 'NamedPrincipal', ...protocol, credentials };
        expect(saveCredential(emu.org, JSON.stringify(body), true).status).toBe(201);
      });
      const run = await runCliAsync('deploy', [...deployArgs(true), ...(mode === 'native' ? ['--mode', 'native'] : [])], env('secondSecret2'));
      expect(run.status).toBe(0);
      expect(emu.org.callCount('updateCredential')).toBe(1);
      const stored = emu.org.principalCredentials.get(emu.org.principalKey(externalCredential, 'NamedPrincipal'));
      expect(Object.values(stored ?? {}).map((entry) => entry.value)).toContain('secondSecret2');
      survived();
    });
  }

  it('a validation (--dry-run) changes nothing and warns of nothing', async () => {
    await freshOrg();
    emu.holdDeploys(1);
    const first = runCliAsync('deploy', deployArgs(true), env());
    await until(() => emu.deploys.size === 1, 'the first deploy');
    const validation = await runCliAsync('deploy', [...deployArgs(true), '--dry-run'], env());
    emu.releaseDeploys();
    expect(validation.status).toBe(0);
    expect((JSON.parse(validation.stdout) as { warnings: string[] }).warnings.filter((text) => text.startsWith('Another deploy'))).toEqual([]);
    expect((await first).status).toBe(0);
  });
});

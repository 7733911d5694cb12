/*
 * Network answers that hang, lie or keep failing (issue 18, items 1, 2 and 7), injected by the org emulator while the
 * commands run as a user runs them: a status poll answered with bytes that are no XML, half an answer or none at all;
 * a Connect call answered with garbage, an HTML page, an empty 204 or JSON about something else; a PUT that meets a
 * 5xx or a dropped connection once; polls that keep failing. After each the command has either completed or failed
 * within its deadline with one clear message naming the operation (and the deploy id when there is one) and the
 * rerun that finishes the job; never "Configured" for a principal that is not.
 */
import type { Emulator } from '../emulator/index.js';
import type { FaultKind } from '../emulator/org.js';
import { freshSandbox } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';

const NEW_SECRET = 'rotated-Net~Fault.2';
/** Each request's deadline in these tests: short, so a silent org costs seconds. */
const REQUEST_TIMEOUT_S = '4';

let emu: Emulator;
let alias: string;
async function freshOrg(): Promise<void> {
  ({ emu, alias } = await freshSandbox('netfault', { queuedPolls: 1, inProgressPolls: 1 }));
}
afterEach(async () => emu?.stop());

type Json = { status: number; name?: string; message?: string; actions?: string[]; data?: { deployId?: string }; result?: any };
type Run = CliRun & { json: Json; seconds: number };

async function run(command: string, args: string[], secret = HOSTILE_SECRET): Promise<Run> {
  const started = Date.now();
  // Killed after 80 s (on a loaded machine a run takes up to half that): a hang has no exit status then.
  const env = { HOME: process.env.HOME, AZURE_CLIENT_SECRET: secret, AZURE_AUTHPROVIDER_REQUEST_TIMEOUT: REQUEST_TIMEOUT_S };
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], env, PLUGIN_ROOT, undefined, 80000);
  const seconds = (Date.now() - started) / 1000;
  // It ended by itself: killed, a child has no exit status.
  expect({ command, status: result.status, seconds }).toMatchObject({ status: expect.any(Number) });
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at \S+ \(|TypeError|Cannot read properties/);
  expect(findSecret(secret, { texts: { stdout: result.stdout, stderr: result.stderr } })).toEqual([]);
  let json: Json;
  try {
    json = JSON.parse(result.stdout) as Json;
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(result.status)} after ${seconds} s):\n${result.stdout}\n${result.stderr}`);
  }
  return { ...result, json, seconds };
}

const provider = (name = 'AzureGraph'): string[] => ['--name', name, '--tenant-id', TENANT, '--client-id', CLIENT_ID];
const deploy = (...extra: string[]): Promise<Run> => run('deploy', [...provider(), '--wait', '1', ...extra]);
const deployNative = (): Promise<Run> => deploy('--mode', 'native');

const principalKey = (externalCredential: string): string => emu.org.principalKey(externalCredential, 'NamedPrincipal');
const nativeStatus = (): string => emu.org.principalStatus('AzureGraph', 'NamedPrincipal');
const heldSecret = (externalCredential: string, name: string): string | undefined => emu.org.principalCredentials.get(principalKey(externalCredential))?.[name]?.value;

const survived = (): void => record({ faultsSurvived: 1 });

describe('status polls that hang, lie or keep failing', () => {
  it.each([
    ['bytes that are not XML', 'garbage'],
    ['half an answer, then a closed connection', 'truncated'],
    ['no answer at all', 'silent'],
    ['an HTML page', 'html'],
  ] as Array<[string, FaultKind]>)('a poll answered with %s is asked again, and the deploy completes', async (_title, kind) => {
    await freshOrg();
    emu.org.injectFault('checkDeployStatus', kind, 1);
    const deployed = await deploy('--headless-auth');
    expect(deployed.json).toMatchObject({ status: 0, result: { status: 'Succeeded' } });
    survived();
  });

  it.each([
    ['bytes that are not XML', 'garbage'],
    ['dropped connections', 'reset'],
    ['HTTP 500', 500],
  ] as Array<[string, FaultKind | number]>)('polls that keep meeting %s end in one clear error naming checkDeployStatus and the deploy id', async (_title, kind) => {
    await freshOrg();
    emu.org.injectFault('checkDeployStatus', kind, 50);
    const failed = await deploy();
    const [deployId] = [...emu.deploys.keys()];
    expect(deployId).toBeTruthy();
    expect(failed.status).toBe(75);
    expect(failed.json).toMatchObject({ status: 75, name: 'PollFailedError', data: { deployId } });
    expect(failed.json.message).toContain('checkDeployStatus');
    expect(failed.json.message).toContain(deployId);
    expect(failed.json.message).toMatch(/may still complete in the org/);
    expect(failed.json.actions?.join('\n')).toContain(`sf project deploy report --job-id ${deployId!}`);
    expect(failed.json.actions?.join('\n')).toMatch(/run the same command again/i);
    // The deploy itself was queued, and the org goes on with it.
    expect(emu.deploys.get(deployId!)).toBeDefined();
    survived();
  });

  it('a deploy submission answered with garbage is sent again whole, and the deploy completes', async () => {
    await freshOrg();
    emu.org.injectFault('deploy', 'garbage', 1);
    const deployed = await deploy('--headless-auth');
    expect(deployed.json).toMatchObject({ status: 0, result: { status: 'Succeeded' } });
    survived();
  });
});

describe('Connect answers that claim a change that did not happen (native mode)', () => {
  it.each([
    ['an HTML page', 'html'],
    ['an empty 204', 'empty'],
    ['JSON about something else', 'unrelated-json'],
    ['bytes that are not JSON', 'garbage'],
    ['no answer at all', 'silent'],
  ] as Array<[string, FaultKind]>)('a credential POST answered with %s fails after the deploy (exit 4); a rerun completes', async (_title, kind) => {
    await freshOrg();
    emu.org.injectFault('createCredential', kind, 1);
    const failed = await deployNative();
    expect(failed.status).toBe(4);
    expect(failed.json.message).toMatch(/credential/i);
    expect(failed.json.message).not.toMatch(/Configured, credentials stored/);
    expect(failed.json.actions?.join('\n')).toMatch(/^Run the same deploy command again/);
    expect(nativeStatus()).toBe('NotConfigured');

    const rerun = await deployNative();
    expect(rerun.json).toMatchObject({ status: 0, result: { providers: [{ authentication: { status: 'Configured', action: 'credentials stored' } }] } });
    expect(nativeStatus()).toBe('Configured');
    expect(heldSecret('AzureGraph', 'clientSecret')).toBe(HOSTILE_SECRET);
    survived();
  });

  it.each([
    ['an HTTP 503', 503],
    ['a dropped connection', 'reset'],
  ] as Array<[string, FaultKind | number]>)('a re-deploy whose credential PUT meets %s once sends it again, body and all', async (_title, kind) => {
    await freshOrg();
    expect((await deployNative()).status).toBe(0);
    emu.org.injectFault('updateCredential', kind, 1);
    const redeployed = await run('deploy', [...provider(), '--wait', '1', '--mode', 'native'], NEW_SECRET);
    expect(redeployed.json).toMatchObject({ status: 0, result: { providers: [{ authentication: { status: 'Configured' } }] } });
    expect(heldSecret('AzureGraph', 'clientSecret')).toBe(NEW_SECRET);
    expect(emu.org.requests.filter((request) => request.operation === 'updateCredential').length).toBeGreaterThanOrEqual(2);
    survived();
  });
});

describe('rotate-secret under faults (native mode)', () => {
  it.each([
    ['an HTTP 503', 503],
    ['a dropped connection', 'reset'],
  ] as Array<[string, FaultKind | number]>)('a credential PUT that meets %s once is sent again whole, and the secret is rotated', async (_title, kind) => {
    await freshOrg();
    expect((await deployNative()).status).toBe(0);
    emu.org.injectFault('updateCredential', kind, 1);
    const rotated = await run('rotate-secret', ['--name', 'AzureGraph', '--no-verify'], NEW_SECRET);
    expect(rotated.json).toMatchObject({ status: 0, result: { status: 'Rotated' } });
    expect(heldSecret('AzureGraph', 'clientSecret')).toBe(NEW_SECRET);
    survived();
  });

  it.each([
    ['an HTML page', 'html'],
    ['an empty 204', 'empty'],
    ['JSON about something else', 'unrelated-json'],
  ] as Array<[string, FaultKind]>)('a credential PUT always answered with %s (the old secret still held) is no "Rotated"', async (_title, kind) => {
    await freshOrg();
    expect((await deployNative()).status).toBe(0);
    // Once would be sent again (a PUT may be); every time, and it ends.
    emu.org.injectFault('updateCredential', kind, 50);
    const rotated = await run('rotate-secret', ['--name', 'AzureGraph', '--no-verify'], NEW_SECRET);
    expect(rotated.status).toBe(75);
    expect(rotated.json.message).toMatch(/updateCredential/);
    expect(rotated.json.actions?.join('\n')).toMatch(/rotate-secret/);
    expect(rotated.json.result?.status).not.toBe('Rotated');
    expect(heldSecret('AzureGraph', 'clientSecret')).toBe(HOSTILE_SECRET);
    survived();
  });
});

describe('plugin mode: the token credential and the authentication URL', () => {
  it.each([
    ['JSON about something else', 'unrelated-json'],
    ['an empty 204', 'empty'],
  ] as Array<[string, FaultKind]>)('a token secret POST answered with %s fails after the deploy (exit 4); a rerun completes', async (_title, kind) => {
    await freshOrg();
    emu.org.injectFault('createCredential', kind, 1);
    const failed = await deploy('--headless-auth');
    expect(failed.status).toBe(4);
    expect(failed.json.message).toMatch(/AzureGraph_Token/);
    expect(heldSecret('AzureGraph_Token', 'ClientSecret')).toBeUndefined();
    const rerun = await deploy('--headless-auth');
    expect(rerun.json).toMatchObject({ status: 0, result: { providers: [{ authentication: { status: 'Configured' } }] } });
    expect(heldSecret('AzureGraph_Token', 'ClientSecret')).toBeDefined();
    survived();
  });

  it.each([
    ['XML garbage', 'garbage'],
    ['no answer at all', 'silent'],
  ] as Array<[string, FaultKind]>)('an auth-url POST answered with %s ends in a clear error, not a hang', async (_title, kind) => {
    await freshOrg();
    // The first deploy asks early (and may ask again); every ask meets the fault.
    emu.org.injectFault('getOAuthUrl', kind, 5);
    const failed = await deploy('--headless-auth');
    expect(failed.status).toBe(4);
    expect(failed.json.message).toMatch(/auth-url|authentication URL/i);
    survived();
  });

  it('a principal status GET that gets no answer is asked again', async () => {
    await freshOrg();
    expect((await deploy('--headless-auth')).status).toBe(0);
    emu.org.injectFault('getExternalCredential', 'silent', 1);
    const redeployed = await deploy('--headless-auth');
    expect(redeployed.json).toMatchObject({ status: 0, result: { providers: [{ authentication: { status: 'Configured' } }] } });
    survived();
  });
});

describe('the request deadline', () => {
  it('refuses an AZURE_AUTHPROVIDER_REQUEST_TIMEOUT that is not a number of seconds, naming it (exit 2)', async () => {
    await freshOrg();
    const result = await runCliAsync('deploy', ['--target-org', alias, ...provider(), '--json'], {
      HOME: process.env.HOME,
      AZURE_CLIENT_SECRET: HOSTILE_SECRET,
      AZURE_AUTHPROVIDER_REQUEST_TIMEOUT: 'soon',
    }, PLUGIN_ROOT);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 2, message: expect.stringContaining('AZURE_AUTHPROVIDER_REQUEST_TIMEOUT') });
    expect(emu.org.requests.filter((request) => request.operation === 'deploy')).toHaveLength(0);
  });
});

/*
 * --mode native end to end, as a user runs it: deploy against the org emulator, whose External Credential fetches
 * its tokens from the fake Entra endpoint over HTTP; then verify, list, rotate-secret and remove. The secret must
 * reach the org only through Connect REST, never a metadata file, an output or a log.
 */
import { connect, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeApp, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

const alias = 'nativeOrg';
const home = { HOME: process.env.HOME };
const NEW_SECRET = 'rotated-Native~Secret.2';
let emu: Emulator;
let entra: FakeEntra;
const app: FakeApp = { tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['Organization.Read.All'] };

type Run = CliRun & { json: { status: number; result: any; message?: string; name?: string } };
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env }, PLUGIN_ROOT, input);
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Every component the org holds, as stored: no secret may be among them. */
const allMetadata = (): string => [...emu.org.metadata.keys()].flatMap((type) => emu.org.list(type).map((c) => `${JSON.stringify(c.tree)}${c.source ?? ''}`)).join('\n');
const entraSecretsSeen = (): string[] => entra.requests.map((request) => request.form.client_secret).filter((secret) => secret !== undefined);

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [app] });
  ({ emu } = await start({ username: 'admin@native.example.com', orgType: 'production' }));
  // The org reaches "login.microsoftonline.com" at the fake Entra endpoint, as a test's DNS would send it there.
  emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  await loginAs(emu, alias);
});
afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});

describe('--mode native', () => {
  it('deploys no Apex, runs no tests on production, stores the client ID and secret through Connect REST only, and says why', async () => {
    emu.org.requests.length = 0;
    const deployed = await run('deploy', [...validFlags, '--mode', 'native']);
    expect(deployed.status).toBe(0);
    const { result } = deployed.json;
    expect(result.components.map((c: { type: string; name: string; state: string }) => `${c.type}:${c.name}:${c.state}`).sort()).toEqual([
      'ExternalCredential:AzureGraph:created',
      'NamedCredential:AzureGraph:created',
      'PermissionSet:AzureGraph_Callout:created',
    ]);
    expect(result.tests.level).toBe('NoTestRun');
    expect(result.providers[0]).toMatchObject({
      mode: 'native',
      modeReason: expect.stringMatching(/^native, as asked with --mode native: .*API 64.0/),
      externalCredential: 'AzureGraph',
      authentication: { status: 'Configured', action: 'credentials stored' },
    });
    expect(result.providers[0].authProvider ?? result.providers[0].callbackUrl ?? result.providers[0].executionUser).toBeUndefined();
    expect(result.nextSteps.join('\n')).not.toMatch(/Authenticate/);
    expect(emu.org.list('ApexClass')).toEqual([]);
    expect(emu.org.list('AuthProvider')).toEqual([]);

    // The secret is in the principal, set by one Connect REST call, and nowhere else.
    expect(emu.org.requests.filter((r) => r.operation === 'createCredential')).toHaveLength(1);
    expect(JSON.stringify(emu.org.principalCredentials.get(emu.org.principalKey('AzureGraph', 'NamedPrincipal')))).toContain(JSON.stringify(HOSTILE_SECRET));
    expect(allMetadata()).not.toContain(HOSTILE_SECRET);
    expect(`${deployed.stdout}${deployed.stderr}`).not.toContain(HOSTILE_SECRET);
    expect(JSON.stringify(emu.org.requests)).not.toContain(HOSTILE_SECRET);
  });

  it('explains the mode to people as well, and a second deploy replaces the stored credentials', async () => {
    emu.org.requests.length = 0;
    const human = await runCliAsync('deploy', ['--target-org', alias, ...validFlags, '--mode', 'native'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/External Credential AzureGraph \(native client credentials, no Apex\)/);
    expect(human.stdout).toMatch(/Mode: +native, as asked with --mode native/);
    expect(human.stdout).not.toContain(HOSTILE_SECRET);
    expect(emu.org.requests.filter((r) => /^(create|update|delete)Credential$/.test(r.operation)).map((r) => r.operation)).toEqual(['updateCredential']);
  });

  it('verify: a callout through the Named Credential gets its token from Entra with the stored secret', async () => {
    const requestsBefore = entra.requests.length;
    const verified = await run('verify', ['--name', 'AzureGraph']);
    const statuses = Object.fromEntries(verified.json.result.checks.map((check: { id: string; status: string }) => [check.id, check.status]));
    expect(statuses).toMatchObject({
      'named-credential': 'pass',
      'external-credential': 'pass',
      'permission-set': 'pass',
      'permission-set-assignment': 'pass',
      'principal-authentication': 'pass',
      'token-in-org': 'skip',
      callout: 'pass',
    });
    expect(statuses['auth-provider']).toBeUndefined();
    expect(verified.status).toBe(0);
    // The org itself asked Entra, with the secret deploy stored.
    expect(entra.requests.length).toBeGreaterThan(requestsBefore);
    expect(entraSecretsSeen().at(-1)).toBe(HOSTILE_SECRET);
    expect(verified.stdout).not.toContain(HOSTILE_SECRET);
  });

  it("verify: when Entra refuses the principal's stored secret, says so with the OAuth error, its cause and the fix (exit 10)", async () => {
    // The app's secret changed at Entra; the org still holds the old one. Its cached token expired meanwhile.
    const stored = app.secret;
    app.secret = 'changed-in-the-portal';
    emu.org.principalTokens.clear();
    try {
      const verified = await run('verify', ['--name', 'AzureGraph']);
      expect(verified.status).toBe(10);
      const callout = verified.json.result.checks.find((check: { id: string }) => check.id === 'callout');
      expect(callout).toMatchObject({ status: 'fail', category: 'credentials' });
      expect(callout.summary).toBe('Salesforce asked Entra for a token with the credentials the principal of AzureGraph holds, and Entra refused them: invalid_client, the client ID or the secret is wrong, or the secret has expired.');
      expect(callout.fix).toMatch(/rotate-secret --name AzureGraph/);
      expect(verified.json.result.failure).toBe('credentials');
    } finally {
      app.secret = stored;
      emu.org.principalTokens.clear();
    }
  });

  it('list shows the native provider', async () => {
    const listed = await run('list', []);
    expect(listed.json.result.providers).toEqual([
      expect.objectContaining({ name: 'AzureGraph', mode: 'native', model: 'external', externalCredential: 'AzureGraph', principals: [{ principal: 'NamedPrincipal', status: 'Configured' }] }),
    ]);
  });

  it('rotate-secret checks the new secret with Entra, then replaces it in the principal; the org uses it from then on', async () => {
    emu.org.requests.length = 0;
    const refused = await run('rotate-secret', ['--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT), '--wait', '0'], { AZURE_CLIENT_SECRET: NEW_SECRET });
    expect(refused.status).toBe(10);
    expect(emu.org.requests.filter((r) => r.operation === 'updateCredential')).toHaveLength(0);

    app.secret = NEW_SECRET;
    const rotated = await run('rotate-secret', ['--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT)], { AZURE_CLIENT_SECRET: NEW_SECRET });
    expect(rotated.status).toBe(0);
    expect(rotated.json.result).toMatchObject({ status: 'Rotated', mode: 'native', record: 'principal NamedPrincipal of External Credential AzureGraph', verified: true });
    expect(emu.org.requests.filter((r) => r.operation === 'updateCredential')).toHaveLength(1);
    expect(rotated.stdout).not.toContain(NEW_SECRET);

    const verified = await run('verify', ['--name', 'AzureGraph']);
    expect(verified.status).toBe(0);
    expect(entraSecretsSeen().at(-1)).toBe(NEW_SECRET);
  });

  it('remove deletes the permission set, the Named Credential and the External Credential, and the stored credentials with it', async () => {
    const removed = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(removed.json.result.removals.map((r: { type: string; name: string }) => `${r.type}:${r.name}`)).toEqual([
      'PermissionSet:AzureGraph_Callout',
      'NamedCredential:AzureGraph',
      'ExternalCredential:AzureGraph',
    ]);
    for (const type of ['PermissionSet', 'NamedCredential', 'ExternalCredential']) expect(emu.org.list(type)).toEqual([]);
    expect(emu.org.principalCredentials.size).toBe(0);
    const conn = connect(emu);
    await expect(
      conn.request(`/services/data/v64.0/named-credentials/credential?externalCredential=AzureGraph&principalName=NamedPrincipal&principalType=NamedPrincipal`)
    ).rejects.toThrow(/couldn't find an external credential/);
  });

  it('plugin mode says native mode is available on this org', async () => {
    const deployed = await run('deploy', [...validFlags, '--dry-run']);
    expect(deployed.status).toBe(0);
    expect(deployed.json.result.providers[0].modeReason).toMatch(/^plugin, the default: .* could also use --mode native/);
  });
});

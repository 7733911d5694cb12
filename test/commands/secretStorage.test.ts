/*
 * Plugin mode keeps the client secret where Salesforce encrypts it: the principal of the provider's token credential
 * (a Custom External Credential), never the custom metadata record. End to end against the org emulator, whose
 * anonymous Apex merges the principal's parameter into the token request and sends it to the fake Entra endpoint:
 * deploy, a re-deploy, verify, rotate-secret, list and remove; and the legacy model, which still needs the record.
 */
import { connect, recordValue, start, tokenCredentialSecret } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeApp, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';
import { playPluginToken } from '../helpers/pluginToken.js';

const alias = 'vaultOrg';
const home = { HOME: process.env.HOME };
const NEW_SECRET = 'rotated-Vault~Secret.2';
const TOKEN_PRINCIPAL = 'AzureGraph_Token|NamedPrincipal';
let emu: Emulator;
let entra: FakeEntra;
const app: FakeApp = { tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All'] };

type Run = CliRun & { json: { status: number; result: any; message?: string } };
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env }, PLUGIN_ROOT);
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The principal's stored credentials, as the org keeps them for its own use. */
const stored = (): unknown => emu.org.principalCredentials.get(emu.org.principalKey(...(TOKEN_PRINCIPAL.split('|') as [string, string])));
const formEncoded = (secret: string): string => new URLSearchParams({ v: secret }).toString().slice(2);
/** Every component the org holds, as stored. */
const allMetadata = (): string => [...emu.org.metadata.keys()].flatMap((type) => emu.org.list(type).map((c) => `${JSON.stringify(c.tree)}${c.source ?? ''}`)).join('\n');

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [app] });
  ({ emu } = await start({ username: 'admin@vault.example.com', orgType: 'production' }));
  // verify's in-org token check calls the plugin's refresh, which the emulator cannot run: played as returning a token.
  playPluginToken(emu.org);
  emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  await loginAs(emu, alias);
});
afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});

describe('the secret in a token credential (plugin mode, External Credential model)', () => {
  it('deploy stores it encrypted in the token credential, and no metadata the org returns holds it', async () => {
    emu.org.requests.length = 0;
    const deployed = await run('deploy', [...validFlags, '--headless-auth']);
    expect(deployed.status).toBe(0);
    const { result } = deployed.json;
    expect(result.providers[0]).toMatchObject({ secretStorage: 'credential', tokenCredential: 'AzureGraph_Token', authentication: { status: 'Configured' } });
    const components = result.components.map((c: { type: string; name: string }) => `${c.type}:${c.name}`);
    expect(components).toEqual(expect.arrayContaining(['ExternalCredential:AzureGraph_Token', 'NamedCredential:AzureGraph_Token']));

    expect(stored()).toEqual({ ClientSecret: { value: formEncoded(HOSTILE_SECRET), encrypted: true } });
    expect(emu.org.requests.filter((r) => r.operation === 'createCredential')).toHaveLength(1);
    // What readMetadata returns for every component of the plugin: the record names the token credential, no secret.
    const conn = connect(emu);
    expect(await recordValue(conn, 'Azure_Client_Credential.AzureGraph', 'Token_Credential__c')).toBe('AzureGraph_Token');
    expect(await recordValue(conn, 'Azure_Client_Credential.AzureGraph', 'Client_Secret__c')).toBeUndefined();
    for (const [type, names] of Object.entries({
      CustomMetadata: ['Azure_Client_Credential.AzureGraph'],
      ExternalCredential: ['AzureGraph', 'AzureGraph_Token'],
      NamedCredential: ['AzureGraph', 'AzureGraph_Token'],
      PermissionSet: ['AzureGraph_Callout'],
      AuthProvider: ['AzureGraph'],
    })) {
      const read = JSON.stringify(await conn.metadata.read(type as 'CustomObject', names));
      expect(read).not.toContain('sEcReT');
    }
    expect(allMetadata()).not.toContain('sEcReT');
    expect(`${deployed.stdout}${deployed.stderr}`).not.toContain('sEcReT');
    expect(JSON.stringify(emu.org.requests)).not.toContain('sEcReT');
    // The permission set grants the token credential's principal too.
    expect(JSON.stringify(emu.org.get('PermissionSet', 'AzureGraph_Callout')?.tree)).toContain('AzureGraph_Token-NamedPrincipal');
  });

  it('says where the secret lives in human output, and a re-deploy replaces it (PUT) without touching the record', async () => {
    emu.org.requests.length = 0;
    const human = await runCliAsync('deploy', ['--target-org', alias, ...validFlags], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/Client secret: +encrypted in the External Credential AzureGraph_Token/);
    expect(emu.org.requests.filter((r) => r.operation === 'updateCredential')).toHaveLength(1);
    expect(stored()).toEqual({ ClientSecret: { value: formEncoded(HOSTILE_SECRET), encrypted: true } });
  });

  it('verify sends a token request through the token credential: Salesforce merges the secret, Entra accepts it', async () => {
    entra.requests.length = 0;
    const verified = await run('verify', ['--name', 'AzureGraph']);
    const checks = verified.json.result.checks as Array<{ id: string; status: string; summary: string }>;
    expect(checks.filter((c) => c.id.startsWith('token-credential')).map((c) => [c.id, c.status])).toEqual([
      ['token-credential', 'pass'],
      ['token-credential-request', 'pass'],
    ]);
    expect(checks.find((c) => c.id === 'remote-site')).toBeUndefined();
    expect(entra.requests.map((r) => r.form.client_secret)).toEqual([HOSTILE_SECRET]);
    expect(verified.status).toBe(0);
    expect(`${verified.stdout}${verified.stderr}`).not.toContain('sEcReT');
  });

  it('verify names a principal that lost its secret, and a refused secret with its AADSTS code and exit 10', async () => {
    emu.org.principalCredentials.set(emu.org.principalKey('AzureGraph_Token', 'NamedPrincipal'), { ClientSecret: { value: 'Wrong~value', encrypted: true } });
    const refused = await run('verify', ['--name', 'AzureGraph']);
    expect(refused.status).toBe(10);
    // The emulator runs no Apex, so the debug line with Entra's answer is missing: the status alone decides here.
    // (test/unit/verifyDiagnosis.test.ts reads the AADSTS code from a debug log shaped like Salesforce's.)
    const request = (refused.json.result.checks as Array<{ id: string; summary: string; category?: string }>).find((c) => c.id === 'token-credential-request');
    expect(request).toMatchObject({ category: 'credentials', summary: expect.stringMatching(/HTTP 401 .*AzureGraph_Token/) });

    emu.org.principalCredentials.delete(emu.org.principalKey('AzureGraph_Token', 'NamedPrincipal'));
    const empty = await run('verify', ['--name', 'AzureGraph']);
    expect(empty.status).toBe(20);
    const check = (empty.json.result.checks as Array<{ id: string; summary: string; fix?: string }>).find((c) => c.id === 'token-credential');
    expect(check?.summary).toMatch(/holds no client secret/);
    expect(check?.fix).toMatch(/rotate-secret --name AzureGraph/);
  });

  it('rotate-secret writes the new secret to the token credential (POST when it holds none) and leaves the record alone', async () => {
    app.secret = NEW_SECRET;
    const before = JSON.stringify(emu.org.get('CustomMetadata', 'Azure_Client_Credential.AzureGraph')?.tree);
    const rotated = await run('rotate-secret', ['--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT)], { AZURE_CLIENT_SECRET: NEW_SECRET });
    expect(rotated.json).toMatchObject({ status: 0, result: { status: 'Rotated', mode: 'plugin', record: 'principal NamedPrincipal of External Credential AzureGraph_Token' } });
    expect(stored()).toEqual({ ClientSecret: { value: formEncoded(NEW_SECRET), encrypted: true } });
    expect(JSON.stringify(emu.org.get('CustomMetadata', 'Azure_Client_Credential.AzureGraph')?.tree)).toBe(before);
    const verified = await run('verify', ['--name', 'AzureGraph']);
    expect(verified.status).toBe(0);
  });

  it('list says where each secret lives', async () => {
    const listed = await run('list', []);
    expect(listed.json.result.providers).toEqual([expect.objectContaining({ name: 'AzureGraph', secretStorage: 'credential', tokenCredential: 'AzureGraph_Token' })]);
    const human = await runCliAsync('list', ['--target-org', alias], home);
    expect(human.stdout).toContain('encrypted in AzureGraph_Token');
  });

  it('remove deletes the token credential with the provider, and the secret with it', async () => {
    const removed = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    const gone = removed.json.result.removals.map((r: { type: string; name: string }) => `${r.type}:${r.name}`);
    expect(gone).toEqual(expect.arrayContaining(['NamedCredential:AzureGraph_Token', 'ExternalCredential:AzureGraph_Token']));
    expect(emu.org.get('ExternalCredential', 'AzureGraph_Token')).toBeUndefined();
    expect(stored()).toBeUndefined();
  });
});

describe('who gets the token credential\'s principal', () => {
  it('the execution user too: the plugin may run its token request as that user', async () => {
    emu.org.addUser({ username: 'integration@vault.example.com' });
    const flags = ['--name', 'RunAs', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--execution-user', 'integration@vault.example.com'];
    const deployed = await run('deploy', flags);
    expect(deployed.status).toBe(0);
    expect(deployed.json.result.providers[0].assignments.map((a: { username: string }) => a.username).sort()).toEqual(['admin@vault.example.com', 'integration@vault.example.com']);
  });
});

describe('the legacy model keeps the secret in the record', () => {
  it('deploys it there and says so, as the weaker option', async () => {
    const flags = ['--name', 'LegacyGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--model', 'legacy'];
    const human = await runCliAsync('deploy', ['--target-org', alias, ...flags], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/Client secret: +in plain text in the custom metadata record Azure_Client_Credential\.LegacyGraph/);
    expect(emu.org.get('ExternalCredential', 'LegacyGraph_Token')).toBeUndefined();
    const listed = await run('list', []);
    expect(listed.json.result.providers.find((p: { name: string }) => p.name === 'LegacyGraph')).toMatchObject({ secretStorage: 'record' });
  });
});

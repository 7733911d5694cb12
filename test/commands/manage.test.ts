/*
 * Day-2 operations against the org emulator, as a user runs them: providers deployed from one config file, then
 * list, rotate-secret (checked against a fake Entra endpoint first) and remove (one provider, then everything).
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, recordValue, start, tokenCredentialSecret } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { playPluginToken } from '../helpers/pluginToken.js';

const alias = 'dayTwo';
const home = { HOME: process.env.HOME };
const SP_SECRET = 'sharepoint-Secret-1';
let emu: Emulator;
let entra: FakeEntra;
let before: string;
const work = mkdtempSync(join(tmpdir(), 'aap-manage-'));
const configFile = join(work, 'providers.yaml');

/** Everything the org holds, as text: compared before and after to prove what changed. */
function snapshot(): string {
  const types = [...emu.org.metadata.keys()].sort();
  const components = types.flatMap((type) => emu.org.list(type).map((c) => `${type}:${c.fullName}:${JSON.stringify(c.tree)}:${c.source ?? ''}`).sort());
  return [...components, ...emu.org.permissionSetAssignments.map((a) => `assignment:${a.permissionSetId}:${a.assigneeId}`).sort()].join('\n');
}
const names = (type: string): string[] => emu.org.list(type).map((c) => c.fullName).sort();

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliRun & { json: { status: number; result: any; message?: string; actions?: string[] } }> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, ...env }, PLUGIN_ROOT, input);
  return { ...result, json: JSON.parse(result.stdout) as { status: number; result: any; message?: string } };
}

beforeAll(async () => {
  ({ emu } = await start({ username: 'admin@daytwo.example.com' }));
  // verify's in-org token check calls the plugin's refresh, which the emulator cannot run: played as returning a token.
  playPluginToken(emu.org);
  await loginAs(emu, alias);
  before = snapshot();
  entra = await startFakeEntra({
    apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: 'rotated-Secret~2', roles: ['User.Read.All'] }],
    resources: ['https://graph.microsoft.com', 'https://contoso.sharepoint.com'],
  });
  writeFileSync(
    configFile,
    [
      '# Two providers, one deploy. Secrets stay in the environment.',
      'providers:',
      '  - name: AzureGraph',
      `    tenantId: ${TENANT}`,
      `    clientId: ${CLIENT_ID}`,
      '    clientSecretEnv: GRAPH_SECRET',
      '  - name: SharePoint',
      `    tenantId: ${TENANT}`,
      `    clientId: ${CLIENT_ID}`,
      '    scope: https://contoso.sharepoint.com/.default',
      '    clientSecretEnv: SP_SECRET',
      '',
    ].join('\n')
  );
});
afterAll(async () => {
  await emu.stop();
  await entra.stop();
});

describe('day-2 operations', () => {
  it('deploys two providers from one config file in one deploy, each with its own secret', async () => {
    const deployed = await run('deploy', ['--config-file', configFile, '--headless-auth'], { GRAPH_SECRET: HOSTILE_SECRET, SP_SECRET });
    expect(deployed.status).toBe(0);
    expect(deployed.json.result.providers.map((p: { name: string }) => p.name)).toEqual(['AzureGraph', 'SharePoint']);
    expect(deployed.json.result.secretSource).toBe('GRAPH_SECRET, SP_SECRET');
    expect(emu.org.requests.filter((request) => request.operation === 'deploy')).toHaveLength(1);
    expect([tokenCredentialSecret(emu, 'AzureGraph'), tokenCredentialSecret(emu, 'SharePoint')]).toEqual([HOSTILE_SECRET, SP_SECRET]);
    expect(await recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', 'Client_Secret__c')).toBeUndefined();
  });

  it('lists both providers with model, token host, tenant, client id and principal status', async () => {
    const listed = await run('list', []);
    expect(listed.status).toBe(0);
    expect(listed.json.result.providers).toEqual([
      expect.objectContaining({ name: 'AzureGraph', model: 'external', tenantId: TENANT, clientId: CLIENT_ID, namedCredentials: [{ name: 'AzureGraph', url: 'https://graph.microsoft.com' }], principals: [{ principal: 'NamedPrincipal', status: 'Configured' }] }),
      expect.objectContaining({ name: 'SharePoint', model: 'external', namedCredentials: [{ name: 'SharePoint', url: 'https://contoso.sharepoint.com' }] }),
    ]);
    expect(listed.json.result.providers[0].tokenUrl).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(listed.stdout).not.toContain('sEcReT');
    const human = await runCliAsync('list', ['--target-org', alias], home);
    expect(human.stdout).toMatch(/AzureGraph\s+│ plugin\s+│ external\s+│ AzureGraph\s+│ login\.microsoftonline\.com/);
  });

  it('refuses a new secret that Entra refuses, and writes nothing', async () => {
    const state = snapshot();
    const refused = await run('rotate-secret', ['--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT), '--wait', '0'], { AZURE_CLIENT_SECRET: 'not-the-new-one' });
    expect(refused.status).toBe(10);
    expect(refused.json.result).toMatchObject({ status: 'Refused', checks: [expect.objectContaining({ summary: expect.stringContaining('AADSTS7000215') })] });
    expect(snapshot()).toBe(state);
  });

  it('rotates the secret from stdin after Entra accepts it, changing only the token credential\'s secret', async () => {
    const state = snapshot();
    const rotated = await run('rotate-secret', ['--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT), '--client-secret-stdin'], { AZURE_CLIENT_SECRET: undefined }, 'rotated-Secret~2\n');
    expect(rotated.status).toBe(0);
    expect(rotated.json.result).toMatchObject({ status: 'Rotated', verified: true, record: 'principal NamedPrincipal of External Credential AzureGraph_Token', secretSource: 'stdin' });
    expect([tokenCredentialSecret(emu, 'AzureGraph'), tokenCredentialSecret(emu, 'SharePoint')]).toEqual(['rotated-Secret~2', SP_SECRET]);
    // No metadata changed, the record included; no deploy ran.
    expect(snapshot()).toBe(state);
    expect(await recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', 'Token_URL__c')).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(emu.org.requests.filter((request) => request.operation === 'deploy')).toHaveLength(1);
    expect(rotated.stdout).not.toContain('rotated-Secret');
  });

  it('plans a removal with --dry-run and changes nothing; asks for --no-prompt when nobody can confirm', async () => {
    const state = snapshot();
    const planned = await run('remove', ['--name', 'AzureGraph', '--dry-run']);
    expect(planned.status).toBe(0);
    expect(planned.json.result.removals.map((r: { type: string; name: string }) => `${r.type} ${r.name}`)).toEqual([
      'PermissionSet AzureGraph_Callout',
      'NamedCredential AzureGraph',
      'NamedCredential AzureGraph_Token',
      'ExternalCredential AzureGraph',
      'ExternalCredential AzureGraph_Token',
      'AuthProvider AzureGraph',
      'CustomMetadata Azure_Client_Credential.AzureGraph',
    ]);
    const human = await runCliAsync('remove', ['--target-org', alias, '--name', 'AzureGraph', '--dry-run'], home);
    expect(human.stdout).toMatch(/^AzureGraph would delete 7 components:$/m);
    const unconfirmed = await run('remove', ['--name', 'AzureGraph']);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.json.message).toContain('nobody can confirm it here');
    expect(unconfirmed.json.actions).toEqual([expect.stringContaining('--no-prompt')]);
    // Without --name the missing flag is the problem, also where nobody could confirm; and nothing is planned.
    const unnamed = await run('remove', []);
    expect(unnamed.status).toBe(2);
    expect(unnamed.json.message).toBe('remove needs to know which providers to remove.');
    // Nothing to confirm: the provider does not exist.
    const unknown = await run('remove', ['--name', 'Nope']);
    expect(unknown.json.message).not.toContain('nobody can confirm');
    expect(snapshot()).toBe(state);
  });

  it('removes one provider and leaves the other working: shared class, type and remote site stay', async () => {
    const removed = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(removed.json.result).toMatchObject({ status: 'Removed', providers: ['AzureGraph'], remaining: ['SharePoint'] });
    expect(names('AuthProvider')).toEqual(['SharePoint']);
    expect(names('NamedCredential')).toEqual(['SharePoint', 'SharePoint_Token']);
    expect(names('ApexClass')).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);
    expect(names('RemoteSiteSetting')).toEqual(['TokenHost_login_microsoftonline_com']);
    // SharePoint still passes every check of verify, its callout included.
    const verified = await run('verify', ['--name', 'SharePoint', '--path', '/']);
    expect(verified.json.result.checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([]);
    expect(verified.status).toBe(0);
  });

  it('removes everything with --all, leaving the org as it was before the first deploy', async () => {
    const removed = await run('remove', ['--all', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(removed.json.result.removals.map((r: { type: string }) => r.type)).toEqual(
      expect.arrayContaining(['ApexClass', 'CustomObject', 'RemoteSiteSetting', 'AuthProvider'])
    );
    expect(snapshot()).toBe(before);
    expect((await run('list', [])).json.result.providers).toEqual([]);
  });
});

describe('config files', () => {
  const write = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['a secret in the file', 'providers:\n  - name: X\n    clientId: abc\n    clientSecret: oops\n', /providers\[0\]\.clientSecret: secrets never go in the config file/],
    ['an unknown key', `providers:\n  - name: X\n    clientId: ${CLIENT_ID}\n    tenant: t\n`, /providers\[0\]: unknown key "tenant"/],
    ['a wrong type', `providers:\n  - name: X\n    clientId: ${CLIENT_ID}\n    refreshStatusCodes: [abc]\n`, /providers\[0\]\.refreshStatusCodes\[0\]: must be integer/],
    ['no providers', 'apiVersion: "62.0"\n', /\(top level\): must have required property 'providers'/],
    ['broken YAML', 'providers: [\n', /neither valid JSON nor valid YAML/],
    ['a value the spec refuses', `{"providers":[{"name":"Bad Name","clientId":"${CLIENT_ID}","tenantId":"nope"}]}`, /providers\[0\]\.name must be a Salesforce API name[\s\S]*providers\[0\]\.tenantId must be/],
  ])('refuses %s with a message naming the place, exit 2, nothing written', async (_case, text, message) => {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    const generated = await runCliAsync('generate', ['--config-file', write(`bad-${Math.random().toString(36).slice(2)}.yaml`, text), '--output-dir', out, '--json'], {});
    expect(generated.status).toBe(2);
    expect((JSON.parse(generated.stdout) as { message: string }).message).toMatch(message);
    expect(filesBelow(out)).toEqual([]);
  });

  it('cannot be combined with provider flags', async () => {
    const generated = await runCliAsync('generate', ['--config-file', configFile, '--name', 'Other', '--json'], {});
    expect(generated.status).toBe(2);
    expect((JSON.parse(generated.stdout) as { message: string }).message).toContain('cannot be combined with --name');
  });

  it('generates every provider of a JSON config file into one package directory', async () => {
    const json = write('providers.json', JSON.stringify({ apiVersion: '62.0', providers: [{ name: 'One', tenantId: TENANT, clientId: CLIENT_ID }, { name: 'Two', tenantId: TENANT, clientId: CLIENT_ID, model: 'legacy' }] }));
    const out = join(work, 'generated');
    const generated = await runCliAsync('generate', ['--config-file', json, '--output-dir', out, '--json'], {});
    expect(generated.status).toBe(0);
    const files = filesBelow(out).map((file) => file.slice(out.length + 1)).sort();
    expect(files).toEqual(expect.arrayContaining(['main/default/authproviders/One.authprovider-meta.xml', 'main/default/authproviders/Two.authprovider-meta.xml', 'main/default/externalCredentials/One.externalCredential-meta.xml']));
    expect(files).not.toContain('main/default/externalCredentials/Two.externalCredential-meta.xml');
  });

  it('the published schema is a valid JSON Schema that accepts the documented example', async () => {
    const { Ajv } = await import('ajv');
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const validate = new Ajv({ strict: true, strictRequired: false }).compile(JSON.parse(readFileSync(join(PLUGIN_ROOT, 'schemas/config.schema.json'), 'utf8')) as object);
    expect(validate(parse(readFileSync(configFile, 'utf8')))).toBe(true);
  });
});

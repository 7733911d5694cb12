/*
 * Reusing a provider name must not silently repoint it (issue 20, item 7). generate runs in child processes on temp
 * directories; deploy runs against the org emulator over HTTP. A provider that exists with another tenant or client
 * is refused without --force and warned about with it; generate says what else it overwrote, never a secret's value.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, recordValue, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, runCli, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';
import { parseXml, recordValues } from '../helpers/xml.js';

const OTHER_TENANT = 'fabrikam.onmicrosoft.com';
const OTHER_CLIENT = '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a';
const PASTED = 'pasted-Secret~in.the.file';

type Json = { status: number; result?: any; name?: string; message?: string; actions?: string[]; warnings?: string[] };
const jsonOf = (run: CliRun): Json => {
  try {
    return JSON.parse(run.stdout) as Json;
  } catch {
    throw new Error(`no JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
};

/** A config file, as the user wrote one: another provider list that reuses a name. */
function configFile(providers: object[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'aap-repoint-config-')), 'providers.json');
  writeFileSync(path, JSON.stringify({ providers }));
  return path;
}

describe('generate over a provider already in the output directory', () => {
  let dir: string;
  const generate = (...args: string[]): CliRun & { json: Json } => {
    const run = runCli('generate', [...args, '--output-dir', dir, '--json']);
    return { ...run, json: jsonOf(run) };
  };
  const contents = (): Record<string, string> => Object.fromEntries(filesBelow(dir).map((path) => [path, readFileSync(path, 'utf8')]));
  const recordFile = (): string => join(dir, 'main/default/customMetadata/Azure_Client_Credential.AzureGraph.md-meta.xml');
  const record = (): Map<string, string | undefined> => recordValues(parseXml(readFileSync(recordFile(), 'utf8')));
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'aap-repoint-')), 'force-app');
  });

  it('refuses a config file that reuses the name with another tenant and client: one message, exit 2, nothing written', () => {
    expect(generate(...validFlags).status).toBe(0);
    const before = contents();
    const run = generate('--config-file', configFile([{ name: 'AzureGraph', tenantId: OTHER_TENANT, clientId: OTHER_CLIENT }]));
    expect(run.status).toBe(2);
    expect(run.json.name).toBe('RepointedInFilesError');
    expect(run.json.message).toContain(`AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}, client ${CLIENT_ID} -> ${OTHER_CLIENT}.`);
    expect(run.json.message).toContain('principal NamedPrincipal of External Credential AzureGraph keeps its old token');
    expect(run.json.message).toContain('Nothing was written.');
    expect(run.json.actions?.join('\n')).toContain('--force');
    expect(run.stderr).not.toMatch(/ at .*\.js:\d+/);
    expect(contents()).toEqual(before);
  });

  it('refuses another client alone, and --force makes the change with a warning that says what was repointed', () => {
    generate(...validFlags);
    const clientOnly = generate('--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', OTHER_CLIENT);
    expect(clientOnly.status).toBe(2);
    expect(clientOnly.json.message).toContain(`AzureGraph: client ${CLIENT_ID} -> ${OTHER_CLIENT}.`);
    expect(record().get('Client_ID__c')).toBe(CLIENT_ID);

    const forced = generate('--name', 'AzureGraph', '--tenant-id', OTHER_TENANT, '--client-id', OTHER_CLIENT, '--force');
    expect(forced.status).toBe(0);
    expect(forced.json.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^Repointed, as --force allows: AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}, client ${CLIENT_ID} -> ${OTHER_CLIENT}\\.`))])
    );
    expect([record().get('Tenant_ID__c'), record().get('Client_ID__c')]).toEqual([OTHER_TENANT, OTHER_CLIENT]);
  });

  it('refuses a native provider whose External Credential would get another tenant', () => {
    generate(...validFlags, '--mode', 'native');
    const before = contents();
    const run = generate('--name', 'AzureGraph', '--tenant-id', OTHER_TENANT, '--client-id', CLIENT_ID, '--mode', 'native');
    expect(run.status).toBe(2);
    expect(run.json.message).toContain(`AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}.`);
    expect(contents()).toEqual(before);
  });

  it.each([
    ['legacy', ['--model', 'legacy'], /^The client secret that record Azure_Client_Credential\.AzureGraph held in Client_Secret__c is replaced by the placeholder: the file never keeps a secret\. Deploy puts the secret into the org's record/],
    ['external', [], /^The client secret that record Azure_Client_Credential\.AzureGraph held in Client_Secret__c is removed: the secret lives encrypted in principal NamedPrincipal of External Credential AzureGraph_Token/],
  ])('says that a secret pasted into the %s record is gone from the file, and where it lives, never its value', (_model, extra, said) => {
    generate(...validFlags, ...extra);
    // As a user who followed "replace the placeholder in the Client Secret field" in the file itself.
    const text = readFileSync(recordFile(), 'utf8').replace(
      /(<field>Client_Secret__c<\/field>\s*)<value[^>]*?(\/>|>[^<]*<\/value>)/,
      `$1<value xsi:type="xsd:string">${PASTED}</value>`
    );
    expect(text).toContain(PASTED);
    writeFileSync(recordFile(), text);

    const run = generate(...validFlags, ...extra);
    expect(run.status).toBe(0);
    expect(run.json.result.files.find((file: { type: string }) => file.type === 'CustomMetadata').state).toBe('changed');
    expect(run.json.warnings).toEqual([expect.stringMatching(said)]);
    expect(run.stdout + run.stderr).not.toContain(PASTED);
    expect(readFileSync(recordFile(), 'utf8')).not.toContain(PASTED);
  });

  it("lists each changed record value as field: old -> new, and names every other file replaced, whose hand edits are lost", () => {
    generate(...validFlags);
    expect(generate(...validFlags).json.warnings ?? []).toEqual([]);
    const namedCredential = join(dir, 'main/default/namedCredentials/AzureGraph.namedCredential-meta.xml');
    writeFileSync(namedCredential, readFileSync(namedCredential, 'utf8').replace('</label>', '</label>\n    <!-- hand edit -->'));

    const run = generate(...validFlags, '--scope', 'https://contoso.sharepoint.com/.default');
    expect(run.status).toBe(0);
    expect(run.json.warnings).toContain('Replaced values in record Azure_Client_Credential.AzureGraph: Scope__c: https://graph.microsoft.com/.default -> https://contoso.sharepoint.com/.default.');
    const files = run.json.warnings?.find((warning) => warning.startsWith('Replaced 2 file(s)'));
    expect(files).toContain('hand edits in them are lost');
    expect(files).toContain(namedCredential);
    expect(files).toContain(join(dir, 'main/default/externalCredentials/AzureGraph.externalCredential-meta.xml'));
    expect(files).not.toContain('customMetadata');
  });
});

describe('deploy over a provider the org already holds', () => {
  let emu: Emulator;
  let alias: string;
  let orgs = 0;
  beforeEach(async () => {
    alias = `repoint${++orgs}`;
    ({ emu } = await start({ username: `admin@${alias}.example.com` }));
    await loginAs(emu, alias);
  });
  afterEach(async () => emu?.stop());

  const deploy = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun & { json: Json }> => {
    const run = await runCliAsync('deploy', ['--target-org', alias, ...args, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env });
    return { ...run, json: jsonOf(run) };
  };
  const record = (field: string): Promise<unknown> => recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', field);
  const deploysSent = (): number => emu.org.callCount('deploy');

  it('refuses a config file that repoints a plugin provider before anything is sent, and says the principal keeps its old token', async () => {
    expect((await deploy([...validFlags, '--headless-auth'])).status).toBe(0);
    expect(emu.org.configuredPrincipals.has('azuregraph|namedprincipal')).toBe(true);
    const sent = deploysSent();

    const run = await deploy(['--config-file', configFile([{ name: 'AzureGraph', tenantId: OTHER_TENANT, clientId: OTHER_CLIENT }])]);
    expect(run.status).toBe(2);
    expect(run.json.name).toBe('RepointedInOrgError');
    expect(run.json.message).toContain(`AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}, client ${CLIENT_ID} -> ${OTHER_CLIENT}.`);
    expect(run.json.message).toContain('Principal NamedPrincipal of External Credential AzureGraph keeps its old token, and stays Configured with it, until it is authenticated again.');
    expect(run.json.actions?.join('\n')).toContain('--force');
    expect(deploysSent()).toBe(sent);
    expect([await record('Tenant_ID__c'), await record('Client_ID__c')]).toEqual([TENANT, CLIENT_ID]);
    expect(run.stdout + run.stderr).not.toContain('sEcReT');
  });

  it('with --force deploys the new tenant and client, and warns that it repointed the provider', async () => {
    await deploy(validFlags);
    const run = await deploy(['--name', 'AzureGraph', '--tenant-id', OTHER_TENANT, '--client-id', CLIENT_ID, '--force']);
    expect(run.status).toBe(0);
    expect(run.json.warnings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^Repointed in the org, as --force allows: AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}\\. Principal NamedPrincipal`))]));
    expect(await record('Tenant_ID__c')).toBe(OTHER_TENANT);
  });

  it("refuses a native provider whose principal holds another client, or whose token URL names another tenant; --force replaces them", async () => {
    await deploy([...validFlags, '--mode', 'native']);
    const storedClient = (): unknown => (emu.org.principalCredentials.get(emu.org.principalKey('AzureGraph', 'NamedPrincipal')) as Record<string, { value?: string }> | undefined)?.clientId?.value;
    expect(storedClient()).toBe(CLIENT_ID);
    const sent = deploysSent();

    const client = await deploy(['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', OTHER_CLIENT, '--mode', 'native']);
    expect(client.status).toBe(2);
    expect(client.json.message).toContain(`AzureGraph: client ${CLIENT_ID} -> ${OTHER_CLIENT}. Principal NamedPrincipal of External Credential AzureGraph holds the old client's credentials`);
    const tenant = await deploy(['--name', 'AzureGraph', '--tenant-id', OTHER_TENANT, '--client-id', CLIENT_ID, '--mode', 'native']);
    expect(tenant.status).toBe(2);
    expect(tenant.json.message).toContain(`AzureGraph: tenant ${TENANT} -> ${OTHER_TENANT}.`);
    expect(deploysSent()).toBe(sent);
    expect(emu.org.callCount('updateCredential')).toBe(0);
    expect(storedClient()).toBe(CLIENT_ID);

    const forced = await deploy(['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', OTHER_CLIENT, '--mode', 'native', '--force']);
    expect(forced.status).toBe(0);
    expect(forced.json.warnings?.join('\n')).toContain(`AzureGraph: client ${CLIENT_ID} -> ${OTHER_CLIENT}.`);
    expect(storedClient()).toBe(OTHER_CLIENT);
  });

  it('reads the records of all providers in one readMetadata before the deploy, and nothing more for those the org lacks', async () => {
    const both = configFile([
      { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID },
      { name: 'SharePoint', tenantId: TENANT, clientId: CLIENT_ID, scope: 'https://contoso.sharepoint.com/.default' },
      { name: 'NativeGraph', tenantId: TENANT, clientId: CLIENT_ID, mode: 'native' },
    ]);
    emu.org.requests.length = 0;
    expect((await deploy(['--config-file', both])).status).toBe(0);
    const { requests } = emu.org;
    const deployAt = requests.find((request) => request.operation === 'deploy')!.receivedAt;
    const before = requests.filter((request) => request.receivedAt < deployAt);
    // One for the two records, one for the native External Credential; no principal is asked about.
    expect(before.filter((request) => request.operation === 'readMetadata')).toHaveLength(2);
    expect(before.filter((request) => request.operation === 'getCredential')).toEqual([]);
  });
});

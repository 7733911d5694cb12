/*
 * deploy, end to end against the org emulator: ./bin/run.js runs as a user runs it, with an org login stored under
 * a private HOME, and talks to the emulator over HTTP through @salesforce/core and jsforce as it would to an org.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployOutcome } from '../../src/deploy/deployOutcome.js';
import { connect, recordValue, start, tokenCredentialSecret } from '../emulator/helpers.js';
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, filesContaining, PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CERTIFICATE_FILE, certificateFlags, certificateThumbprint, CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

let emu: Emulator;
let alias: string;
let aliases = 0;
async function orgFor(options: EmulatorOptions = {}): Promise<void> {
  alias = `emu${++aliases}`;
  // A username names one org, as in Salesforce: sf caches per-org facts (such as its API version) by username.
  ({ emu } = await start({ username: `admin@${alias}.example.com`, ...options }));
  await loginAs(emu, alias);
  emu.org.requests.length = 0;
}
afterEach(async () => emu?.stop());

type Deployed = CliRun & { json: { status: number; result: DeployOutcome; name?: string; message?: string; actions?: string[]; warnings?: string[] } };

/** One deploy run with --json; env adds to (or, with undefined, removes from) the secret and HOME it gets. */
async function deploy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Deployed> {
  const run = await runCliAsync('deploy', ['--target-org', alias, ...args, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env });
  let json: Deployed['json'];
  try {
    json = JSON.parse(run.stdout) as Deployed['json'];
  } catch {
    throw new Error(`deploy did not print JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, json };
}
const deployGraph = async (...extra: string[]): Promise<DeployOutcome> => {
  const run = await deploy([...validFlags, ...extra]);
  if (run.status !== 0) throw new Error(`deploy exited ${String(run.status)}: ${run.stdout}${run.stderr}`);
  return run.json.result;
};

/**
 * A provider's secret where Salesforce keeps it encrypted, its token credential's principal (stored form-encoded, as
 * the token request's body wants it), after checking that its custom metadata record holds none.
 */
async function storedSecret(name = 'AzureGraph'): Promise<string | undefined> {
  expect(await recordValue(connect(emu), `Azure_Client_Credential.${name}`, 'Client_Secret__c')).toBeUndefined();
  return tokenCredentialSecret(emu, name);
}

const stored = (type: string): string[] => emu.org.list(type).map((component) => component.fullName);
const ALL_TYPES = ['ApexClass', 'CustomObject', 'CustomMetadata', 'AuthProvider', 'NamedCredential', 'ExternalCredential', 'PermissionSet', 'RemoteSiteSetting'];

describe('deploy to a production org (External Credential model)', () => {
  beforeEach(() => orgFor({ orgType: 'production' }));

  it('deploys everything atomically with the generated tests, assigns the permission set, and reports the principal', async () => {
    const result = await deployGraph();
    expect(result.status).toBe('Succeeded');
    expect(result.apiVersion).toBe('64.0');
    expect(result.targetOrg).toMatchObject({ username: emu.username, orgType: 'production', instanceUrl: emu.instanceUrl });
    expect(result.components.map((c) => `${c.type}:${c.name}:${c.state}`).sort()).toEqual([
      'ApexClass:AzureClientCredentialsProvider:created',
      'ApexClass:AzureClientCredentialsProviderTest:created',
      'AuthProvider:AzureGraph:created',
      'CustomMetadata:Azure_Client_Credential.AzureGraph:created',
      'CustomObject:Azure_Client_Credential__mdt:created',
      'ExternalCredential:AzureGraph:created',
      'ExternalCredential:AzureGraph_Token:created',
      'NamedCredential:AzureGraph:created',
      'NamedCredential:AzureGraph_Token:created',
      'PermissionSet:AzureGraph_Callout:created',
      'RemoteSiteSetting:TokenHost_login_microsoftonline_com:created',
    ]);
    expect(result.tests).toMatchObject({ level: 'RunSpecifiedTests', failures: [] });
    expect(result.tests.run).toBeGreaterThan(10);

    const [provider] = result.providers;
    expect(provider).toMatchObject({
      name: 'AzureGraph',
      model: 'external',
      callbackUrl: `${emu.instanceUrl}/services/authcallback/AzureGraph`,
      namedCredential: 'AzureGraph',
      externalCredential: 'AzureGraph',
      principal: 'NamedPrincipal',
      permissionSet: 'AzureGraph_Callout',
      executionUser: emu.username,
      assignments: [{ username: emu.username, permissionSet: 'AzureGraph_Callout', state: 'assigned' }],
      authentication: { status: 'NotConfigured', action: 'url printed' },
    });
    expect(provider.authentication.url).toMatch(new RegExp(`^${emu.instanceUrl}/services/auth/xds/AzureGraph\\?`));
    expect(result.nextSteps[0]).toContain(provider.authentication.url);

    // The org holds every piece and the secret byte for byte; the deploy was one atomic request at the org's version.
    const conn = connect(emu);
    expect(await conn.metadata.read('AuthProvider', 'AzureGraph')).toMatchObject({
      providerType: 'Custom',
      plugin: 'AzureClientCredentialsProvider',
      executionUser: emu.username,
      customMetadataTypeRecord: 'Azure_Client_Credential__mdt.AzureGraph',
    });
    expect(await conn.metadata.read('NamedCredential', 'AzureGraph')).toMatchObject({
      namedCredentialType: 'SecuredEndpoint',
      namedCredentialParameters: expect.arrayContaining([expect.objectContaining({ parameterType: 'Url', parameterValue: 'https://graph.microsoft.com' })]),
    });
    // jsforce's MetadataType list lacks ExternalCredential; the call is the same.
    expect(await conn.metadata.read('ExternalCredential' as 'CustomObject', 'AzureGraph')).toMatchObject({ authenticationProtocol: 'Oauth' });
    expect(await storedSecret()).toBe(HOSTILE_SECRET);
    expect(emu.org.requests.filter((request) => request.operation === 'deploy').map((request) => request.path)).toEqual(['/services/Soap/m/64.0']);
    expect(emu.org.permissionSetAssignments).toHaveLength(1);
  });

  it('shows people the components, the tests, the callback URL and what is left to do, and never the secret', async () => {
    const run = await runCliAsync('deploy', ['--target-org', alias, ...validFlags], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Deployed AzureGraph to ${emu.username} (production org, API 64.0)`);
    expect(run.stdout).toMatch(/created\s+│?\s*AuthProvider\s+│?\s*AzureGraph/);
    expect(run.stdout).toMatch(/Apex tests \(RunSpecifiedTests\): \d+ run, 0 failed/);
    expect(run.stdout).toContain(`Callback URL:      ${emu.instanceUrl}/services/authcallback/AzureGraph`);
    expect(run.stdout).toContain(`Permission set AzureGraph_Callout: ${emu.username} (assigned)`);
    expect(run.stdout).toMatch(/Next steps:\n  1\. Authenticate principal NamedPrincipal of External Credential AzureGraph once: open http/);
    expect(run.stderr).toMatch(/Deploying \(API 64\.0, tests: RunSpecifiedTests\)/);
    expect(run.stderr).toMatch(/Succeeded: 11\/11 components/);
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain('sEcReT');
  });

  it('is idempotent: a second identical run changes nothing and duplicates nothing; a new secret changes no component', async () => {
    await deployGraph();
    const second = await deployGraph();
    expect(second.status).toBe('Succeeded');
    expect(second.components.every((component) => component.state === 'unchanged')).toBe(true);
    expect(second.providers[0].assignments).toEqual([{ username: emu.username, permissionSet: 'AzureGraph_Callout', state: 'already assigned' }]);
    for (const type of ALL_TYPES) expect(new Set(stored(type)).size).toBe(stored(type).length);
    expect(stored('AuthProvider')).toEqual(['AzureGraph']);
    expect(emu.org.permissionSetAssignments).toHaveLength(1);

    // The secret lives in the token credential's principal: replacing it (Connect REST PUT) changes no metadata.
    const rotated = await deploy(validFlags, { AZURE_CLIENT_SECRET: 'rotated-Secret~2' });
    expect(rotated.json.result.components.filter((component) => component.state !== 'unchanged')).toEqual([]);
    expect(await storedSecret()).toBe('rotated-Secret~2');
  });

  it('adds a second provider next to the first, reusing the shared class, type and remote site', async () => {
    await deployGraph();
    const second = await deploy(['--name', 'SharePoint', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--scope', 'https://contoso.sharepoint.com/.default']);
    const states = Object.fromEntries(second.json.result.components.map((component) => [`${component.type}:${component.name}`, component.state]));
    expect(states).toMatchObject({
      'ApexClass:AzureClientCredentialsProvider': 'unchanged',
      'CustomObject:Azure_Client_Credential__mdt': 'unchanged',
      'RemoteSiteSetting:TokenHost_login_microsoftonline_com': 'unchanged',
      'AuthProvider:SharePoint': 'created',
      'NamedCredential:SharePoint': 'created',
    });
    expect(stored('AuthProvider').sort()).toEqual(['AzureGraph', 'SharePoint']);
    expect(stored('ApexClass').sort()).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);
    expect(await storedSecret('AzureGraph')).toBe(HOSTILE_SECRET);
  });

  it('--dry-run validates with the tests and stores nothing', async () => {
    const result = await deployGraph('--dry-run');
    expect(result.status).toBe('Validated');
    expect(result.tests.run).toBeGreaterThan(10);
    expect(result.nextSteps).toEqual([expect.stringContaining('without --dry-run')]);
    for (const type of ALL_TYPES) expect(stored(type)).toEqual([]);
    expect(emu.org.permissionSetAssignments).toEqual([]);
    expect(emu.org.callCount('getOAuthUrl')).toBe(0);
    const human = await runCliAsync('deploy', ['--target-org', alias, ...validFlags, '--dry-run'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.stdout).toMatch(new RegExp(`^Validated AzureGraph against ${emu.username} \\(production org, API 64\\.0\\), deploy ID 0Af\\w+: the deploy would succeed, and nothing was changed\\.$`, 'm'));
  });

  it('sends the deploy after one read: the login knows the org type, the deploying user needs no check, only the record is looked up', async () => {
    // Each answer takes 100 ms, so a request the deploy waited for would have been answered before it arrived. The
    // one it waits for reads the provider's record, lest the deploy repoint an existing one to another tenant.
    await emu.stop();
    await orgFor({ orgType: 'production', latencyMs: 100 });
    const result = await deployGraph();
    expect(result.tests.level).toBe('RunSpecifiedTests');
    const { requests } = emu.org;
    const submitted = requests.find((request) => request.operation === 'deploy')!;
    expect(requests.filter((request) => (request.respondedAt ?? Infinity) <= submitted.receivedAt).map((request) => request.operation)).toEqual(['readMetadata']);
    expect(requests.filter((request) => request.query?.includes('FROM Organization'))).toEqual([]);
    // The deploying user's ID, for the assignment, was read once, alongside the deploy.
    expect(requests.filter((request) => request.query?.includes('FROM User'))).toHaveLength(1);
    expect(result.providers[0].assignments).toEqual([{ username: emu.username, permissionSet: 'AzureGraph_Callout', state: 'assigned' }]);
    // The new principal's URL was asked for with the assignment, not after it.
    const [assignment, authUrl] = ['create', 'getOAuthUrl'].map((operation) => requests.find((request) => request.operation === operation)!);
    expect(authUrl.receivedAt).toBeLessThan(assignment.respondedAt!);
  });

  it('reads the org type from the org when the login does not record it', async () => {
    const authFile = join(process.env.HOME!, '.sfdx', `${emu.username}.json`);
    const { isSandbox, isScratch, ...rest } = JSON.parse(readFileSync(authFile, 'utf8')) as Record<string, unknown>;
    expect([isSandbox, isScratch]).toEqual([false, false]);
    writeFileSync(authFile, JSON.stringify(rest));
    const result = await deployGraph();
    expect(result.targetOrg.orgType).toBe('production');
    expect(result.tests.level).toBe('RunSpecifiedTests');
    expect(emu.org.requests.filter((request) => request.query?.includes('FROM Organization'))).toHaveLength(1);
  });

  it('asks again for the authentication URL after the assignment when the first request fails', async () => {
    emu.org.injectFault('getOAuthUrl', 500, 1);
    const result = await deployGraph();
    expect(result.providers[0].authentication).toMatchObject({ status: 'NotConfigured', action: 'url printed', url: expect.stringMatching(/\/services\/auth\/xds\/AzureGraph\?/) });
    expect(emu.org.callCount('getOAuthUrl')).toBe(2);
  });

  it('assigns the permission set to --assign-to users as well, once each', async () => {
    emu.org.addUser({ username: 'integration@contoso.com' });
    const result = await deployGraph('--assign-to', 'integration@contoso.com', '--assign-to', emu.username.toUpperCase());
    expect(result.providers[0].assignments).toEqual([
      { username: emu.username, permissionSet: 'AzureGraph_Callout', state: 'assigned' },
      { username: 'integration@contoso.com', permissionSet: 'AzureGraph_Callout', state: 'assigned' },
    ]);
    expect(emu.org.permissionSetAssignments).toHaveLength(2);
  });

  it("completes the principal's OAuth flow without a browser with --headless-auth, and finds it done next time", async () => {
    const run = await deploy([...validFlags, '--headless-auth']);
    expect(run.json.result.providers[0].authentication).toEqual({ status: 'Configured', action: 'headless' });
    expect(emu.org.configuredPrincipals.has('azuregraph|namedprincipal')).toBe(true);
    expect(run.json.result.nextSteps).toEqual([expect.stringContaining('callout:AzureGraph/')]);
    // The one-time frontdoor URL is a credential: it never reaches the output.
    expect(run.stdout + run.stderr).not.toMatch(/frontdoor|otp=/);

    const again = await deployGraph();
    expect(again.providers[0].authentication).toEqual({ status: 'Configured', action: 'already configured' });
  });

  it('says honestly when the headless flow did not complete, and leaves the URL to open', async () => {
    emu.org.injectFault('authcallback', 500, 1);
    const run = await deploy([...validFlags, '--headless-auth']);
    expect(run.status).toBe(0);
    const { authentication } = run.json.result.providers[0];
    expect(authentication).toMatchObject({ status: 'NotConfigured', action: 'url printed', detail: expect.stringContaining('HTTP 500 at /services/authcallback/AzureGraph') });
    expect(authentication.url).toMatch(/\/services\/auth\/xds\/AzureGraph\?/);
    expect(emu.org.configuredPrincipals.size).toBe(0);
    expect(run.json.result.nextSteps[0]).toContain(authentication.url);
  });

  it('--open hands a logged-in authentication URL to the browser through a private page, never as argv, which completes the flow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aap-browser-'));
    const browser = join(dir, 'browser.sh');
    // Be the browser's start: record the argument (what `ps` would show), the page it names and their modes.
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > "${dir}/argv"\ncat "$1" > "${dir}/page"\nstat -c '%a' "$1" "$(dirname "$1")" > "${dir}/modes"\n`);
    chmodSync(browser, 0o755);
    const tmp = mkdtempSync(join(tmpdir(), 'aap-browser-tmp-'));
    const run = await deploy([...validFlags, '--open'], { BROWSER: browser, TMPDIR: tmp });
    expect(run.json.result.providers[0].authentication).toMatchObject({ status: 'NotConfigured', action: 'browser opened' });
    const argv = readFileSync(join(dir, 'argv'), 'utf8');
    expect(argv).toMatch(new RegExp(`^${tmp}/[^/]+/[^/]+\\.html$`));
    expect(argv).not.toMatch(/otp|frontdoor|sid=|http/);
    expect(readFileSync(join(dir, 'modes'), 'utf8').split('\n').slice(0, 2)).toEqual(['600', '700']);
    // The page is gone once deploy ends.
    expect(existsSync(argv)).toBe(false);
    expect(filesBelow(tmp)).toEqual([]);
    const page = readFileSync(join(dir, 'page'), 'utf8');
    const opened = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(page)![1].replace(/&amp;/g, '&');
    expect(opened).toMatch(new RegExp(`^${emu.instanceUrl}/secur/frontdoor\\.jsp\\?otp=`));
    expect(run.stdout + run.stderr).not.toContain(opened);
    // Be the browser: follow the redirects with the session cookie frontdoor sets.
    let response = await fetch(opened, { redirect: 'manual' });
    const cookie = response.headers.get('set-cookie')!.split(';')[0];
    for (let hop = 0; hop < 5 && response.status === 302; hop++) {
      // eslint-disable-next-line no-await-in-loop
      response = await fetch(new URL(response.headers.get('location')!, emu.instanceUrl), { redirect: 'manual', headers: { cookie } });
    }
    expect(emu.org.configuredPrincipals.has('azuregraph|namedprincipal')).toBe(true);
  });

  it('--open without a browser to start (SSH, containers) prints the authentication URL, says why and succeeds, also on a re-run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'aap-browser-tmp-'));
    for (const attempt of ['first', 'again']) {
      // eslint-disable-next-line no-await-in-loop
      const run = await deploy([...validFlags, '--open'], { BROWSER: join(tmp, 'no-such-browser'), TMPDIR: tmp });
      expect([attempt, run.status]).toEqual([attempt, 0]);
      const { authentication } = run.json.result.providers[0];
      expect(authentication).toMatchObject({ status: 'NotConfigured', action: 'url printed' });
      expect(authentication.detail).toMatch(/^--open could not start a browser \(.*no-such-browser.*\), so the URL is printed instead: [\s\S]*sf org open --target-org/);
      expect(authentication.url).toMatch(/\/services\/auth\/xds\/AzureGraph\?/);
      expect(run.json.result.nextSteps[0]).toContain(authentication.url);
      expect(run.json.result.components.length).toBeGreaterThan(0);
      expect(run.stdout + run.stderr).not.toMatch(/otp=|frontdoor|sid=/);
      expect(filesBelow(tmp)).toEqual([]);
    }
    // The human output names the URL and the reason.
    const human = await runCliAsync('deploy', ['--target-org', alias, ...validFlags, '--open'], { HOME: process.env.HOME, BROWSER: join(tmp, 'no-such-browser'), TMPDIR: tmp, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/could not start a browser/);
    expect(human.stdout).toMatch(/\/services\/auth\/xds\/AzureGraph\?/);
  });

  it('refuses an unknown execution user or an inactive assignee before deploying anything', async () => {
    const ghost = await deploy([...validFlags, '--execution-user', 'ghost@contoso.com']);
    expect(ghost.status).toBe(2);
    expect(ghost.json.message).toBe('--execution-user: no user with username "ghost@contoso.com" exists in the target org.');
    emu.org.addUser({ username: 'gone@contoso.com', isActive: false });
    const gone = await deploy([...validFlags, '--assign-to', 'gone@contoso.com']);
    expect(gone.status).toBe(2);
    expect(gone.json.message).toContain('--assign-to: the user "gone@contoso.com" is inactive');
    expect(gone.stderr).not.toMatch(/\n\s+at /);
    expect(emu.org.callCount('deploy')).toBe(0);
  });

  it('refuses an API version newer than the org has', async () => {
    const run = await deploy([...validFlags, '--api-version', '65.0']);
    expect(run.status).toBe(2);
    expect(run.json.message).toContain('--api-version 65.0 is newer than the org supports (up to 64.0)');
    expect(run.json.actions).toEqual(["Leave --api-version out to use the org's newest version, or give 64.0 or older."]);
    expect(emu.org.callCount('deploy')).toBe(0);
  });

  it('takes sf\'s org-api-version (here SF_ORG_API_VERSION) as the --api-version default, with sf\'s warning', async () => {
    const result = await deploy(validFlags, { SF_ORG_API_VERSION: '60.0' });
    expect(result.status).toBe(0);
    expect(result.json.result.apiVersion).toBe('60.0');
    expect(result.json.warnings).toEqual(expect.arrayContaining([expect.stringContaining('60.0')]));
  });

  it('reports failing Apex tests as a table, exits 1, and leaves the org unchanged', async () => {
    emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: false, message: 'System.AssertException: Assertion Failed', stackTrace: 'Class.AzureClientCredentialsProviderTest.x: line 12, column 1' });
    const run = await deploy(validFlags);
    expect(run.status).toBe(1);
    const result = run.json.result;
    expect(result.status).toBe('Failed');
    expect(result.tests.failures.length).toBeGreaterThan(0);
    expect(result.tests.failures[0]).toMatchObject({ name: 'AzureClientCredentialsProviderTest', message: 'System.AssertException: Assertion Failed' });
    expect(result.nextSteps).toEqual([expect.stringContaining('nothing was half-installed')]);
    for (const type of ALL_TYPES) expect(stored(type)).toEqual([]);
    expect(emu.org.permissionSetAssignments).toEqual([]);

    const human = await runCliAsync('deploy', ['--target-org', alias, ...validFlags], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: 'x' });
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/Apex test failures[\s\S]*System\.AssertException: Assertion Failed/);
    expect(human.stderr).toMatch(/of the generated Apex tests failed; nothing in the org was changed/);
  });

  it('survives 5xx answers and dropped connections while submitting and polling, leaving one deployed bundle', async () => {
    emu.org.injectFault('deploy', 503, 1);
    emu.org.injectFault('checkDeployStatus', 'reset', 1);
    emu.org.injectFault('checkDeployStatus', 500, 1);
    const run = await deploy(validFlags);
    expect(run.status).toBe(0);
    expect(run.json.result.status).toBe('Succeeded');
    expect(run.json.warnings?.filter((warning) => /retrying in \d+ ms/.test(warning))).toHaveLength(3);
    expect(stored('AuthProvider')).toEqual(['AzureGraph']);
  });

  it('renews an expired session in the middle of polling', async () => {
    emu.org.expireSessionAfter(4);
    const result = await deployGraph();
    expect(result.status).toBe('Succeeded');
    expect(emu.org.callCount('token')).toBeGreaterThan(0);
  });

  it('meets the issue bar as a script: exit 0, everything stored, a second run duplicates nothing, the secret nowhere', async () => {
    const env = { SF_LOG_LEVEL: 'trace' };
    const first = await deploy(validFlags, env);
    expect(first.status).toBe(0);
    expect(first.json.status).toBe(0);
    expect(Object.keys(first.json.result).sort()).toEqual(
      ['apiVersion', 'componentFailures', 'components', 'deployId', 'dryRun', 'nextSteps', 'providers', 'secretSource', 'status', 'targetOrg', 'tests'].sort()
    );
    expect(await storedSecret()).toBe(HOSTILE_SECRET);
    const second = await deploy(validFlags, env);
    expect(second.status).toBe(0);
    expect(stored('AuthProvider')).toEqual(['AzureGraph']);
    expect(stored('CustomMetadata')).toEqual(['Azure_Client_Credential.AzureGraph']);
    for (const run of [first, second]) for (const text of [run.stdout, run.stderr]) expect(text).not.toContain('sEcReT');
    expect(filesContaining(process.env.HOME!, 'sEcReT')).toEqual([]);
  });

  it('fails fast, asking nothing, when a --json run has no secret', async () => {
    const run = await deploy(validFlags, { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ name: 'SecretRequiredError', actions: [expect.stringContaining('AZURE_CLIENT_SECRET')] });
    expect(emu.org.requests).toEqual([]);
  });
});

describe('deploy --auth certificate', () => {
  beforeEach(() => orgFor({ orgType: 'production' }));
  const value = (field: string): Promise<unknown> => recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', field);

  it('deploys with no secret in the environment, flags or standard input; the record holds the thumbprint and no secret', async () => {
    const run = await deploy(certificateFlags, { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(0);
    const result = run.json.result;
    expect(result.status).toBe('Succeeded');
    expect(result.tests).toMatchObject({ level: 'RunSpecifiedTests', failures: [] });
    expect(result.providers[0]).toMatchObject({ name: 'AzureGraph', certificate: 'Entra_Signing' });
    expect(result).not.toHaveProperty('secretSource');
    expect(await value('Auth_Method__c')).toBe('certificate');
    expect(await value('Certificate_Name__c')).toBe('Entra_Signing');
    expect(await value('Certificate_Thumbprint__c')).toBe(certificateThumbprint());
    expect(await value('Client_Secret__c')).toBeUndefined();
    const record = JSON.stringify(await connect(emu).metadata.read('CustomMetadata', 'Azure_Client_Credential.AzureGraph'));
    expect(record).not.toContain('PLACEHOLDER');

    // rotate-secret has nothing to rotate and says how a certificate is renewed; the record stays as it is.
    const rotate = await runCliAsync('rotate-secret', ['--target-org', alias, '--name', 'AzureGraph', '--no-verify', '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(rotate.status).toBe(2);
    expect(JSON.parse(rotate.stdout)).toMatchObject({ name: 'CertificateProviderError', message: expect.stringContaining('signs its token requests with the certificate Entra_Signing') });
    expect(await value('Client_Secret__c')).toBeUndefined();
  });

  it('replaces a secret record with a certificate one, and says which certificate signs', async () => {
    await deployGraph();
    expect(await storedSecret()).toBe(HOSTILE_SECRET);
    const run = await runCliAsync('deploy', ['--target-org', alias, ...certificateFlags], { HOME: process.env.HOME });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Certificate:       Entra_Signing signs the client assertion (no client secret)');
    expect(await value('Client_Secret__c')).toBeUndefined();
    expect(await value('Certificate_Thumbprint__c')).toBe(certificateThumbprint());
  });

  it('deploys a config file that mixes both kinds, with a secret only for the provider that has one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aap-config-'));
    const config = join(dir, 'providers.json');
    const common = { tenantId: TENANT, clientId: CLIENT_ID };
    const certificateFile = join(PLUGIN_ROOT, CERTIFICATE_FILE);
    writeFileSync(config, JSON.stringify({ providers: [{ name: 'AzureGraph', ...common, clientSecretEnv: 'GRAPH_SECRET' }, { name: 'CertGraph', ...common, auth: 'certificate', certificate: 'Entra_Signing', certificateFile }] }));
    const run = await deploy(['--config-file', config], { AZURE_CLIENT_SECRET: undefined, GRAPH_SECRET: HOSTILE_SECRET });
    expect(run.status).toBe(0);
    expect(run.json.result.secretSource).toBe('GRAPH_SECRET');
    expect(run.json.result.providers.map((provider) => provider.certificate)).toEqual([undefined, 'Entra_Signing']);
    expect(await storedSecret()).toBe(HOSTILE_SECRET);
    expect(await recordValue(connect(emu), 'Azure_Client_Credential.CertGraph', 'Client_Secret__c')).toBeUndefined();
    expect(await recordValue(connect(emu), 'Azure_Client_Credential.CertGraph', 'Certificate_Thumbprint__c')).toBe(certificateThumbprint());
  });

  it.each([
    ['--client-secret', [HOSTILE_SECRET]],
    ['--client-secret-stdin', []],
  ])('refuses %s with --auth certificate (exit 2) before any request', async (flag, flagValue) => {
    const run = await deploy([...certificateFlags, flag, ...flagValue]);
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ name: 'SecretWithCertificateError', message: expect.stringContaining(`${flag} cannot be combined with --auth certificate`), actions: [`Remove ${flag}.`] });
    expect(run.stdout + run.stderr).not.toContain('sEcReT');
    expect(emu.org.requests).toEqual([]);
  });
});

describe('deploy uses what the org supports', () => {
  it('chooses the legacy model on a sandbox at API 58.0, runs no tests, and says how to authenticate', async () => {
    await orgFor({ orgType: 'sandbox', apiVersion: '58.0' });
    const result = await deployGraph();
    expect(result).toMatchObject({ status: 'Succeeded', apiVersion: '58.0', tests: { level: 'NoTestRun', run: 0 } });
    expect(result.providers[0]).toMatchObject({ model: 'legacy', assignments: [], authentication: { status: 'Manual', action: 'setup page' } });
    expect(stored('ExternalCredential')).toEqual([]);
    expect(await connect(emu).metadata.read('NamedCredential', 'AzureGraph')).toMatchObject({ authProvider: 'AzureGraph', principalType: 'NamedUser' });
    expect(result.nextSteps[0]).toContain('Start Authentication Flow on Save');

    const withAssignee = await deploy([...validFlags, '--assign-to', emu.username]);
    expect(withAssignee.json.warnings).toEqual([expect.stringContaining('--assign-to applies to the External Credential model only')]);
  });

  it('refuses --model external on an org below API 59.0, naming the way out', async () => {
    await orgFor({ apiVersion: '58.0' });
    const run = await deploy([...validFlags, '--model', 'external']);
    expect(run.status).toBe(2);
    expect(run.json.actions).toEqual(['Use --model legacy for this org.']);
  });

  it('says that an org below API 59.0 is too old for --mode native, without blaming flags the user never typed', async () => {
    await orgFor({ apiVersion: '58.0' });
    const run = await deploy([...validFlags, '--mode', 'native']);
    expect(run.status).toBe(2);
    expect(run.json.message).toBe('The org supports API versions up to 58.0, and --mode native needs 59.0: its External Credential runs the client-credentials flow itself.');
    expect(run.json.actions).toEqual(['Leave --mode out: plugin mode works on this org, through a legacy Named Credential.']);
    expect(run.json.message).not.toMatch(/--model|--api-version/);
    expect(emu.org.callCount('deploy')).toBe(0);
  });

  it('runs no tests on a scratch org unless --test-level asks for them', async () => {
    await orgFor({ orgType: 'scratch' });
    expect((await deployGraph()).tests).toMatchObject({ level: 'NoTestRun', run: 0 });
    expect((await deployGraph('--test-level', 'RunSpecifiedTests')).tests.run).toBeGreaterThan(10);
  });
});

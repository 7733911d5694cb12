/*
 * verify, end to end: ./bin/run.js in a child process against a fake Entra token endpoint (local check) and the org
 * emulator (in-org check), over real HTTP. Each broken setup is made in the emulated org, and verify must name it,
 * its fix and the right exit code.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import type { VerifyOutcome } from '../../src/verify/verifyProvider.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { connect, recordValue, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import type { CalloutRequest } from '../emulator/anonymousApex.js';
import type { StoredComponent } from '../emulator/org.js';
import { loginAs } from '../helpers/orgLogin.js';
import { playPluginToken } from '../helpers/pluginToken.js';
import { filesContaining, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { certificateFlags, CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

type Verified = CliRun & { json: { status: number; result?: VerifyOutcome; name?: string; message?: string; actions?: string[]; exitCode?: number } };

async function verify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Verified> {
  const run = await runCliAsync('verify', [...args, '--json'], env);
  try {
    return { ...run, json: JSON.parse(run.stdout) as Verified['json'] };
  } catch {
    throw new Error(`verify did not print JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
}
const check = (run: Verified, id: string) => run.json.result?.checks.find((entry) => entry.id === id);
const statuses = (run: Verified): Record<string, string> => Object.fromEntries((run.json.result?.checks ?? []).map((entry) => [entry.id, entry.status]));

describe('verify: the local token check against a fake Entra endpoint', () => {
  let entra: FakeEntra;
  const OTHER_TENANT = '0b7a6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d';
  beforeAll(async () => {
    entra = await startFakeEntra({
      apps: [
        { tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All', 'Sites.Read.All'] },
        { tenantId: OTHER_TENANT, clientId: CLIENT_ID, secret: 'no-consent', roles: [] },
        { tenantId: OTHER_TENANT, clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', secret: 'old', secretExpired: true },
      ],
    });
  });
  afterAll(async () => entra.stop());
  const local = (tenant = TENANT, clientId = CLIENT_ID): string[] => ['--tenant-id', tenant, '--client-id', clientId, '--token-url', entra.tokenUrl(tenant)];

  it('exits 0 and lists the roles when Entra grants a token, which is never printed', async () => {
    const human = await runCliAsync('verify', local(), { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('Roles granted to the app: User.Read.All, Sites.Read.All.');
    expect(human.stdout).toMatch(/Verified: 3 checks passed/);
    expect(human.stdout + human.stderr).not.toMatch(/eyJ[\w-]+\.eyJ/);

    const run = await verify(local(), { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(run.status).toBe(0);
    expect(run.json.result).toMatchObject({ status: 'Passed', exitCode: 0, secretSource: 'AZURE_CLIENT_SECRET' });
    expect(run.json.result?.token).toMatchObject({ audience: 'https://graph.microsoft.com', tenant: TENANT, appId: CLIENT_ID, roles: ['User.Read.All', 'Sites.Read.All'] });
    expect(run.json.result?.token?.accessToken).toBeUndefined();
    expect(run.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
    // What reached Entra is what the plugin sends: the secret byte for byte, and Graph's .default scope.
    expect(entra.requests[entra.requests.length - 1].form).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: HOSTILE_SECRET, scope: 'https://graph.microsoft.com/.default' });
    for (const text of [human.stdout, human.stderr, run.stdout, run.stderr]) expect(text).not.toContain('sEcReT');
  });

  it('prints the token only with --show-token', async () => {
    const run = await verify([...local(), '--show-token'], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(run.json.result?.token?.accessToken).toMatch(/^eyJ/);
  });

  it('exits 10 naming the wrong client secret on AADSTS7000215', async () => {
    const human = await runCliAsync('verify', local(), { AZURE_CLIENT_SECRET: 'not-the-secret' });
    expect(human.status).toBe(10);
    expect(human.stdout).toMatch(/AADSTS7000215: the client secret is wrong \(trace id [0-9a-f-]+, correlation id [0-9a-f-]+\)/);
    expect(human.stdout).toContain('To fix token-request: Use the secret');
    expect(human.stderr).toContain('Verification failed (credentials, exit code 10)');
    const run = await verify(local(), { AZURE_CLIENT_SECRET: 'not-the-secret' });
    expect(run.status).toBe(10);
    expect(run.json.result).toMatchObject({ status: 'Failed', failure: 'credentials', exitCode: 10 });
    expect(human.stdout + run.stdout).not.toContain('not-the-secret');
  });

  it.each([
    ['an expired secret', () => local(OTHER_TENANT, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'), 'old', /AADSTS7000222: the client secret has expired/],
    ['an app that is not in the tenant', () => local(TENANT, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'), 'x', /AADSTS700016: the client ID is not an application in this tenant/],
    ['a tenant that does not exist', () => local('11111111-2222-4333-8444-555555555555'), 'x', /AADSTS90002: the tenant does not exist/],
    ['an API that is not in the tenant', () => [...local(), '--scope', 'api://unknown-api/.default', '--endpoint', 'https://api.contoso.com'], HOSTILE_SECRET, /AADSTS500011: the API named by the scope/],
  ])('exits 10 for %s', async (_case, args, secret, cause) => {
    const run = await verify(args(), { AZURE_CLIENT_SECRET: secret });
    expect(run.status).toBe(10);
    expect(check(run, 'token-request')?.summary).toMatch(cause);
    expect(check(run, 'token-request')?.fix).toBeTruthy();
  });

  it('warns, and still exits 0, when the token has no roles (admin consent missing)', async () => {
    const run = await verify(local(OTHER_TENANT), { AZURE_CLIENT_SECRET: 'no-consent' });
    expect(run.status).toBe(0);
    expect(check(run, 'token-roles')).toMatchObject({ status: 'warn', summary: expect.stringMatching(/no roles/) });
    expect(check(run, 'token-roles')?.fix).toMatch(/Grant admin consent/);
  });

  it("warns when the token's audience is not the Named Credential's API", async () => {
    const run = await verify([...local(), '--endpoint', 'https://contoso.sharepoint.com'], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(check(run, 'token-audience')).toMatchObject({ status: 'warn', summary: expect.stringContaining('https://graph.microsoft.com is not the API at https://contoso.sharepoint.com') });
  });

  it('reads v1 tokens (appid claim, resource instead of scope)', async () => {
    const run = await verify(['--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT, 'v1'), '--resource', 'https://graph.microsoft.com'], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(run.status).toBe(0);
    expect(run.json.result?.token).toMatchObject({ appId: CLIENT_ID, version: '1.0' });
  });

  it('exits 11 when nothing answers, or something that is not a token endpoint does', async () => {
    // A port that was just free: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const closed = await verify(['--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`], { AZURE_CLIENT_SECRET: 'x' });
    expect(closed.status).toBe(11);
    expect(check(closed, 'token-request')?.summary).toMatch(/No answer from .*ECONNREFUSED/);
    const notToken = await verify(['--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT).replace('/token', '/authorize')], { AZURE_CLIENT_SECRET: 'x' });
    expect(notToken.status).toBe(11);
    expect(check(notToken, 'token-request')?.summary).toMatch(/answered HTTP 404 with something that is not a token response/);
  });

  it.each([
    [['--client-id', CLIENT_ID, '--token-url', 'http://login.example.com/t/oauth2/v2.0/token'], /--token-url must use https, or plain http to this machine/],
    [['--client-id', 'not-a-guid', '--tenant-id', TENANT], /--client-id must be/],
    [[], /Nothing to verify/],
    [['--tenant-id', TENANT], /--client-id is required/],
    [['--name', 'AzureGraph'], /no org was given/],
    [['--client-id', CLIENT_ID, '--tenant-id', TENANT, '--path', 'users'], /--path must be a path/],
  ])('refuses bad input with exit 2 and no request: %s', async (args, message) => {
    const before = entra.requests.length;
    const run = await verify(args, { AZURE_CLIENT_SECRET: 'x' });
    expect(run.status).toBe(2);
    expect(run.json.message).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(entra.requests.length).toBe(before);
  });

  it('needs a secret when it cannot ask for one', async () => {
    const run = await verify(local(), { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(2);
    expect(run.json.message).toMatch(/needs the client secret/);
    expect(run.json.actions).toEqual([expect.stringMatching(/^Set the AZURE_CLIENT_SECRET environment variable or pipe the secret in with --client-secret-stdin/)]);
    // An empty variable, as an unset one expanded into it leaves it, is named as such.
    const empty = await verify(local(), { AZURE_CLIENT_SECRET: '' });
    expect(empty.status).toBe(2);
    expect(empty.json.message).toBe('AZURE_CLIENT_SECRET is set, but empty, so there is no client secret.');
  });
});

describe('verify: the local check with a certificate credential', () => {
  const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), '..', 'entra', 'fixtures', name);
  let entra: FakeEntra;
  beforeAll(async () => {
    entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: 'unused', certificate: readFileSync(fixture('app-cert.pem'), 'utf8'), roles: ['Sites.Read.All'] }] });
  });
  afterAll(async () => entra.stop());
  const withCertificate = (name: string, key = name): string[] => [
    '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT),
    '--certificate-file', fixture(`${name}-cert.pem`), '--private-key-file', fixture(`${key}-key.pem`),
  ];

  it('signs a client assertion that Entra accepts, reading no secret', async () => {
    const run = await verify(withCertificate('app'), { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(0);
    expect(run.json.result?.token?.roles).toEqual(['Sites.Read.All']);
    expect(run.json.result?.secretSource).toBeUndefined();
    expect(entra.requests[entra.requests.length - 1].form).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(entra.requests[entra.requests.length - 1].form.client_secret).toBeUndefined();
  });

  it('exits 10 naming an unregistered certificate', async () => {
    const run = await verify(withCertificate('other'), { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(10);
    expect(check(run, 'token-request')?.summary).toMatch(/AADSTS700027: the certificate that signed the client assertion is not registered/);
    expect(check(run, 'token-request')?.fix).toMatch(/Certificates & secrets, Certificates/);
  });

  it.each([
    ["a key that is not the certificate's", () => withCertificate('app', 'other'), /--private-key-file .* is not an RSA private key of the certificate/],
    ['a missing certificate file', () => [...withCertificate('app').slice(0, 6), '--certificate-file', '/nonexistent.pem', '--private-key-file', fixture('app-key.pem')], /--certificate-file/],
    ['a key file given as the certificate', () => [...withCertificate('app').slice(0, 6), '--certificate-file', fixture('app-key.pem'), '--private-key-file', fixture('app-key.pem')], /--certificate-file .* is not a PEM certificate/],
  ])('refuses %s: exit 2, no request', async (_case, args, message) => {
    const before = entra.requests.length;
    const run = await verify(args(), { AZURE_CLIENT_SECRET: undefined });
    expect(run.status).toBe(2);
    expect(run.json.message).toMatch(message);
    expect(entra.requests.length).toBe(before);
  });
});

describe('verify: the in-org check against the emulator', () => {
  let emu: Emulator;
  const alias = 'verifyorg';
  const home = { HOME: process.env.HOME };
  let seen: CalloutRequest[] = [];
  const inOrg = (...extra: string[]): Promise<Verified> => verify(['--target-org', alias, '--name', 'AzureGraph', ...extra], home);

  let tokenEndpoint: FakeEntra;

  beforeAll(async () => {
    ({ emu } = await start({ username: `admin@${alias}.example.com` }));
    // The emulator runs no Apex: the plugin's refresh (the token-in-org check) is played as returning a token.
    playPluginToken(emu.org);
    // The org's token requests through the token credential reach a fake Entra endpoint; API callouts, the responder.
    tokenEndpoint = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['Organization.Read.All'] }] });
    emu.org.routeOutbound('https://login.microsoftonline.com', new URL(tokenEndpoint.tokenUrl(TENANT)).origin);
    await loginAs(emu, alias);
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...validFlags, '--headless-auth', '--json'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
  });
  afterAll(async () => {
    await emu.stop();
    await tokenEndpoint.stop();
  });
  beforeEach(() => {
    seen = [];
    emu.org.setCalloutResponder((request) => (seen.push(request), request.authorized ? { status: 200, body: '{"value":[]}' } : { status: 401 }));
  });

  /** Takes a component out of the org for one test, and puts it back. */
  async function without<T>(type: string, name: string, body: () => Promise<T>): Promise<T> {
    const saved = emu.org.get(type, name) as StoredComponent;
    emu.org.remove(type, name);
    try {
      return await body();
    } finally {
      emu.org.store(saved.type, saved.fullName, saved.tree, saved.source, saved.id);
    }
  }

  it('passes every check on a deployed, authenticated provider, and calls Graph through the Named Credential', async () => {
    const run = await inOrg();
    expect(run.status).toBe(0);
    expect(statuses(run)).toEqual({
      'auth-provider': 'pass', 'plugin-class': 'pass', 'metadata-type': 'pass', 'metadata-record': 'pass', 'token-credential': 'pass',
      'named-credential': 'pass', 'external-credential': 'pass', 'permission-set': 'pass', 'permission-set-assignment': 'pass',
      'principal-authentication': 'pass', 'token-credential-request': 'pass', 'token-in-org': 'pass', callout: 'pass',
      // No sign-in that needs nobody here: the app's expiry is unknown, and that fails nothing.
      'entra-credential-expiry': 'skip',
    });
    // The token request went out through the token credential with the secret Salesforce merged in.
    expect(tokenEndpoint.requests.at(-1)?.form.client_secret).toBe(HOSTILE_SECRET);
    expect(check(run, 'callout')?.summary).toBe('GET callout:AzureGraph/v1.0/organization?$select=id answered HTTP 200.');
    expect(seen).toEqual([expect.objectContaining({ url: 'https://graph.microsoft.com/v1.0/organization?$select=id', authorized: true })]);
    expect(run.json.result?.targetOrg).toMatchObject({ username: emu.username });
    // The plugin was called through anonymous Apex on the Apex SOAP API with a debug log, as the org's user.
    expect(emu.org.requests.filter((request) => request.operation === 'executeAnonymous').map((request) => request.path)).toContain('/services/Soap/s/64.0');
    expect(run.stdout).not.toContain('sEcReT');
  });

  it('says in one row that the org has no provider of a name, pointing to list (exit 20)', async () => {
    const run = await verify(['--target-org', alias, '--name', 'Nope'], home);
    expect(run.status).toBe(20);
    expect(run.json.result?.checks).toEqual([
      {
        id: 'provider',
        status: 'fail',
        category: 'org-setup',
        summary: 'The org has no provider named Nope: no Auth. Provider, Named Credential or External Credential of that name.',
        fix: 'sf azure-authprovider list shows the providers the org has; or deploy this one first: sf azure-authprovider deploy --name Nope.',
      },
    ]);
  });

  it('GETs --path instead of the default', async () => {
    const run = await inOrg('--path', '/v1.0/users?$top=1');
    expect(run.status).toBe(0);
    expect(seen[0].url).toBe('https://graph.microsoft.com/v1.0/users?$top=1');
  });

  it('names a permission set that is not assigned (exit 20), and the callout fails for lack of credential access', async () => {
    const assignment = emu.org.permissionSetAssignments.splice(0, 1)[0];
    try {
      const run = await inOrg();
      expect(run.status).toBe(20);
      expect(run.json.result?.failure).toBe('org-setup');
      expect(check(run, 'permission-set-assignment')).toMatchObject({ status: 'fail', summary: `Permission set AzureGraph_Callout is not assigned to ${emu.username}, so callouts through the Named Credential fail for that user.` });
      expect(check(run, 'permission-set-assignment')?.fix).toContain(`sf org assign permset --name AzureGraph_Callout --on-behalf-of ${emu.username}`);
      expect(check(run, 'callout')?.summary).toMatch(/We couldn't access the credential/);
      expect(check(run, 'callout')?.fix).toMatch(/assign the provider's permission set/);
    } finally {
      emu.org.permissionSetAssignments.push(assignment);
    }
  });

  it('names a principal that was never authenticated; the API then answers 401', async () => {
    emu.org.configuredPrincipals.delete('azuregraph|namedprincipal');
    try {
      const run = await inOrg();
      expect(run.status).toBe(20);
      expect(check(run, 'principal-authentication')).toMatchObject({ status: 'fail', summary: 'Principal NamedPrincipal of AzureGraph has not been authenticated, so Salesforce holds no token for it.' });
      expect(check(run, 'principal-authentication')?.fix).toContain('--headless-auth');
      expect(check(run, 'callout')).toMatchObject({ status: 'fail', category: 'api-access' });
      expect(seen.map((request) => request.authorized)).toEqual([false]);
    } finally {
      emu.org.configuredPrincipals.add('azuregraph|namedprincipal');
    }
  });

  it('needs no remote site when the token request goes through the token credential', async () => {
    const run = await without('RemoteSiteSetting', 'TokenHost_login_microsoftonline_com', () => inOrg());
    expect(run.status).toBe(0);
    expect(check(run, 'remote-site')).toBeUndefined();
  });

  it('names a missing remote site for the token host of a provider whose record holds the secret (legacy model)', async () => {
    const legacy = ['--name', 'LegacyGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--model', 'legacy'];
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...legacy, '--json'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(deployed.status).toBe(0);
    const run = await without('RemoteSiteSetting', 'TokenHost_login_microsoftonline_com', () => verify(['--target-org', alias, '--name', 'LegacyGraph'], home));
    expect(run.status).toBe(20);
    expect(check(run, 'remote-site')).toMatchObject({ status: 'fail', summary: expect.stringContaining('No active remote site allows callouts to the token host https://login.microsoftonline.com') });
  });

  it.each([
    ['AuthProvider', 'AzureGraph', 'auth-provider', /no Auth\. Provider named AzureGraph/],
    ['ApexClass', 'AzureClientCredentialsProvider', 'plugin-class', /Plugin class AzureClientCredentialsProvider is not in the org/],
    ['CustomObject', 'Azure_Client_Credential__mdt', 'metadata-type', /Custom metadata type Azure_Client_Credential__mdt does not exist/],
    ['CustomMetadata', 'Azure_Client_Credential.AzureGraph', 'metadata-record', /record Azure_Client_Credential\.AzureGraph does not exist/],
    ['NamedCredential', 'AzureGraph', 'named-credential', /no Named Credential named AzureGraph/],
    ['ExternalCredential', 'AzureGraph', 'external-credential', /no External Credential named AzureGraph/],
    ['PermissionSet', 'AzureGraph_Callout', 'permission-set', /no permission set named AzureGraph_Callout/],
  ])('names a missing %s (exit 20)', async (type, name, id, summary) => {
    const run = await without(type, name, () => inOrg());
    expect(run.status).toBe(20);
    expect(check(run, id)).toMatchObject({ status: 'fail', category: 'org-setup', summary: expect.stringMatching(summary) });
    expect(check(run, id)?.fix).toMatch(/deploy/i);
    expect(run.json.result?.checks.find((entry) => entry.status === 'fail')?.id).toBe(id);
  });

  it("surfaces Entra's error from the plugin's token request inside the org (exit 10), with the run's debug log", async () => {
    emu.org.setApexOutcome((body) =>
      body.includes('.refresh(config, null)')
        ? {
            success: false,
            exceptionMessage: `AzureClientCredentialsProvider.TokenException: The token request to https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token failed with HTTP 401: AADSTS7000215; error: invalid_client; description: AADSTS7000215: Invalid client secret provided.; trace id: 0f1e; correlation id: 9a8b`,
            exceptionStackTrace: 'Class.AzureClientCredentialsProvider.requestToken: line 121, column 1\nAnonymousBlock: line 12, column 1',
          }
        : undefined
    );
    try {
      const run = await inOrg();
      expect(run.status).toBe(10);
      const token = check(run, 'token-in-org');
      expect(token).toMatchObject({ status: 'fail', category: 'credentials', summary: expect.stringContaining('Entra refused the plugin\'s token request with AADSTS7000215: the client secret is wrong') });
      expect(token?.debugLog).toBeDefined();
      expect(existsSync(token!.debugLog!)).toBe(true);
      const log = readFileSync(token!.debugLog!, 'utf8');
      expect(log).toContain('FATAL_ERROR|AzureClientCredentialsProvider.TokenException');
      expect(log).not.toContain('sEcReT');
      // In a directory of this run's own, with a name nobody can guess, that only this user may enter or read.
      const dir = dirname(token!.debugLog!);
      expect(basename(dir)).toMatch(/^azure-authprovider-verify-\w{6}$/);
      expect([statSync(dir).mode & 0o777, statSync(token!.debugLog!).mode & 0o777]).toEqual([0o700, 0o600]);
      expect(basename(token!.debugLog!)).toBe('AzureGraph-token.log');

      // A temp directory it cannot write to: every check is still reported, and the missing log is explained.
      const notADirectory = join(mkdtempSync(join(tmpdir(), 'aap-tmp-')), 'file');
      writeFileSync(notADirectory, '');
      const unwritable = await verify(['--target-org', alias, '--name', 'AzureGraph'], { ...home, TMPDIR: notADirectory });
      expect(unwritable.status).toBe(10);
      expect(check(unwritable, 'token-in-org')).toMatchObject({ status: 'fail', debugLogProblem: expect.stringMatching(/could not be saved in the temp directory \(ENOTDIR\)/) });
      expect(check(unwritable, 'token-in-org')?.debugLog).toBeUndefined();
      expect(check(unwritable, 'callout')).toMatchObject({ status: 'pass' });
    } finally {
      playPluginToken(emu.org);
    }
  });

  it('reports a 403 from the API as a missing application permission (exit 30), quoting the API', async () => {
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 403, body: '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}' }));
    const run = await inOrg();
    expect(run.status).toBe(30);
    expect(check(run, 'callout')).toMatchObject({ status: 'fail', category: 'api-access', summary: expect.stringContaining('answered HTTP 403: the token was accepted, but the app lacks the permission') });
    expect(check(run, 'callout')?.fix).toMatch(/Application permission/);
    expect(readFileSync(check(run, 'callout')!.debugLog!, 'utf8')).toContain('StatusCode=403');
  });

  it('reports a 401 that survives Salesforce refreshing the token (exit 30)', async () => {
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 401 }));
    const run = await inOrg();
    expect(run.status).toBe(30);
    expect(check(run, 'callout')?.summary).toMatch(/HTTP 401 even though Salesforce asks the plugin for a new token/);
    expect(seen.map((request) => request.attempt)).toEqual([1, 2]);
  });

  it('shows people the checks, the fix and the debug log, and runs both checks together', async () => {
    emu.org.setCalloutResponder(() => ({ status: 404 }));
    const entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['Organization.Read.All'] }] });
    try {
      const run = await runCliAsync('verify', ['--target-org', alias, '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
      expect(run.status).toBe(30);
      expect(run.stdout).toMatch(/ok\s+│ token-request/);
      expect(run.stdout).toMatch(/FAILED\s+│ callout/);
      expect(run.stdout).toContain('To fix callout: Choose with --path');
      expect(run.stdout).toMatch(/Debug log of the run: .*azure-authprovider-verify-\w{6}\/AzureGraph-callout\.log/);
      expect(run.stdout + run.stderr).not.toContain('sEcReT');
    } finally {
      await entra.stop();
    }
  });
  it('keeps the secret out of every output, sf log and debug log, even at SF_LOG_LEVEL=trace and on failure', async () => {
    const entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['Organization.Read.All'] }] });
    emu.org.setCalloutResponder(() => ({ status: 403 }));
    try {
      const args = ['--target-org', alias, '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)];
      const env = { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET, SF_LOG_LEVEL: 'trace' };
      const runs = [await verify(args, env), await runCliAsync('verify', args, env)];
      expect(runs.map((run) => run.status)).toEqual([30, 30]);
      for (const run of runs) expect(run.stdout + run.stderr).not.toContain('sEcReT');
      // The trace log was written (connection set-up is logged at trace), and the secret is in no file.
      expect(filesContaining(process.env.HOME!, 'Connection created with apiVersion').length).toBeGreaterThan(0);
      expect(filesContaining(process.env.HOME!, 'sEcReT')).toEqual([]);
      const log = readFileSync(check(runs[0] as Verified, 'callout')!.debugLog!, 'latin1');
      expect(log).not.toContain('sEcReT');
    } finally {
      await entra.stop();
    }
  });
});

describe('verify: a certificate provider in the org', () => {
  let emu: Emulator;
  const alias = 'verifycert';
  // No secret anywhere: a certificate provider has none to check.
  const env = { HOME: process.env.HOME, AZURE_CLIENT_SECRET: undefined };
  const inOrg = (): Promise<Verified> => verify(['--target-org', alias, '--name', 'AzureGraph'], env);
  const RECORD = 'Azure_Client_Credential.AzureGraph';

  beforeAll(async () => {
    ({ emu } = await start({ username: `admin@${alias}.example.com` }));
    // The emulator runs no Apex: the plugin's refresh (the token-in-org check) is played as returning a token.
    playPluginToken(emu.org);
    await loginAs(emu, alias);
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...certificateFlags, '--headless-auth', '--json'], env);
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
  });
  afterAll(async () => emu.stop());

  it("the deployed provider's certificate is the one Entra accepts: an assertion with the record's x5t verifies", async () => {
    const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), '..', 'entra', 'fixtures', name);
    const entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: 'unused', certificate: readFileSync(fixture('app-cert.pem'), 'utf8'), roles: ['Organization.Read.All'] }] });
    try {
      const run = await verify(
        ['--target-org', alias, '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT), '--certificate-file', fixture('app-cert.pem'), '--private-key-file', fixture('app-key.pem')],
        env
      );
      expect(run.status).toBe(0);
      const assertion = entra.requests.at(-1)?.form.client_assertion ?? '';
      const header = JSON.parse(Buffer.from(assertion.split('.')[0], 'base64url').toString('utf8')) as { x5t?: string };
      expect(header.x5t).toBe(await recordValue(connect(emu), RECORD, 'Certificate_Thumbprint__c'));
    } finally {
      await entra.stop();
    }
  });

  it('passes with the certificate named in the record instead of a secret', async () => {
    const run = await inOrg();
    expect(run.status).toBe(0);
    expect(check(run, 'metadata-record')?.summary).toBe(
      `Record ${RECORD}: client ${CLIENT_ID}, tenant ${TENANT}, token URL https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token, signed with certificate Entra_Signing.`
    );
    expect(run.json.result?.secretSource).toBeUndefined();
  });

  /** Writes the record back with one value cleared, runs verify, and restores it. */
  async function withoutValue(field: string): Promise<Verified> {
    const conn = connect(emu);
    const read = (await conn.metadata.read('CustomMetadata', RECORD)) as unknown as { label: string; values: Array<{ field: string; value?: unknown }> };
    const text = (value: unknown): string | null => (typeof value === 'object' && value !== null ? (value as { _?: string })._ ?? null : (value as string | undefined) ?? null);
    const record = (cleared?: string) => ({ fullName: RECORD, label: read.label, values: read.values.map((entry) => ({ field: entry.field, value: entry.field === cleared ? null : text(entry.value) })) });
    await conn.metadata.upsert('CustomMetadata', record(field) as never);
    try {
      return await inOrg();
    } finally {
      await conn.metadata.upsert('CustomMetadata', record() as never);
    }
  }

  it.each(['Certificate_Name__c', 'Certificate_Thumbprint__c'])('names a certificate record without %s (exit 20)', async (field) => {
    const run = await withoutValue(field);
    expect(run.status).toBe(20);
    expect(check(run, 'metadata-record')).toMatchObject({ status: 'fail', category: 'org-setup', summary: `Custom metadata record ${RECORD} uses certificate credentials but has no ${field}.` });
    expect(check(run, 'metadata-record')?.fix).toMatch(/--auth certificate, --certificate and --certificate-file/);
    expect((await inOrg()).status).toBe(0);
  });

  it('reads a record without an auth method, as an older version deployed it, as one that needs a secret', async () => {
    const run = await withoutValue('Auth_Method__c');
    expect(run.status).toBe(20);
    expect(check(run, 'metadata-record')?.summary).toMatch(/holds no client secret/);
  });

  it('names the certificate when the org cannot sign with it', async () => {
    emu.org.setApexOutcome((body) =>
      body.includes('.refresh(config, null)')
        ? {
            success: false,
            exceptionMessage: 'AzureClientCredentialsProvider.TokenException: The client assertion could not be signed with the certificate Entra_Signing named in Certificate_Name__c: Invalid certificate name. Check that the certificate exists in Setup, Certificate and Key Management, with that unique name.',
            exceptionStackTrace: 'Class.AzureClientCredentialsProvider.clientAssertion: line 190, column 1\nAnonymousBlock: line 12, column 1',
          }
        : undefined
    );
    try {
      const run = await inOrg();
      expect(run.status).toBe(20);
      expect(check(run, 'token-in-org')).toMatchObject({ status: 'fail', category: 'org-setup', summary: expect.stringContaining('certificate Entra_Signing') });
      expect(check(run, 'token-in-org')?.fix).toMatch(/Certificate and Key Management/);
    } finally {
      playPluginToken(emu.org);
    }
  });
});

describe('verify: a legacy Named Credential', () => {
  let emu: Emulator;
  afterAll(async () => emu.stop());

  it('checks the legacy pieces and calls through the Named Credential', async () => {
    ({ emu } = await start({ username: 'admin@verifylegacy.example.com' }));
    playPluginToken(emu.org);
    await loginAs(emu, 'verifylegacy');
    const env = { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET };
    const deployed = await runCliAsync('deploy', ['--target-org', 'verifylegacy', ...validFlags, '--model', 'legacy', '--json'], env);
    expect(deployed.status).toBe(0);
    const run = await verify(['--target-org', 'verifylegacy', '--name', 'AzureGraph'], env);
    expect(run.status).toBe(0);
    expect(check(run, 'named-credential')?.summary).toBe('Legacy Named Credential AzureGraph calls https://graph.microsoft.com through Auth. Provider AzureGraph.');
    expect(check(run, 'principal-authentication')?.status).toBe('skip');
    expect(statuses(run)).not.toHaveProperty('permission-set');
  });
});

/*
 * Sign-in through the real @azure/identity (MSAL over HTTPS to the fake login host) and the Graph client over real
 * HTTP to the fake Graph. The Azure CLI is a script on PATH that answers `az account get-access-token` as az does.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEntra, type FakeEntra } from './fakeEntra.js';
import { startFakeGraph, type FakeGraph } from './fakeGraph.js';
import { trustInProcess } from './selfSignedTls.js';
import { TENANT } from '../helpers/values.js';
import { graphHosts, type GraphHosts } from '../../src/entra/graphHosts.js';
import { signInOrder, signInToGraph } from '../../src/entra/graphSignIn.js';
import { addPassword, createApplication, findApplicationsByName, getApplication, graphClient } from '../../src/entra/graphClient.js';

const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', secret: 'admin-secret-value', roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
const READER = { clientId: 'aaaaaaaa-0000-4000-8000-000000000002', secret: 'reader-secret-value', roles: ['Application.Read.All'] };

let entra: FakeEntra;
let graph: FakeGraph;
let hosts: GraphHosts;
const adminEnv = (admin = ADMIN): NodeJS.ProcessEnv => ({ AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: admin.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: admin.secret, PATH: '' });
beforeAll(async () => {
  entra = await startFakeEntra({ apps: [] });
  graph = await startFakeGraph({ entra, tenantId: TENANT, admins: [ADMIN, READER] });
  trustInProcess(graph.tls);
  hosts = graphHosts('global', graph.env);
});
afterAll(async () => {
  await graph.stop();
  await entra.stop();
});

describe('Graph hosts', () => {
  it('follow --cloud, and the variables move them: https for login, https or loopback http for Graph', () => {
    expect(graphHosts('usgov', {})).toEqual({ authorityHost: 'https://login.microsoftonline.us', graphOrigin: 'https://graph.microsoft.us', graphResource: 'https://graph.microsoft.us', overridden: false });
    expect(graphHosts('china', { AZURE_AUTHPROVIDER_GRAPH_URL: 'http://127.0.0.1:9' }).graphOrigin).toBe('http://127.0.0.1:9');
    expect(() => graphHosts('global', { AZURE_AUTHPROVIDER_GRAPH_URL: 'http://graph.example.com' })).toThrow(/AZURE_AUTHPROVIDER_GRAPH_URL must be an origin/);
    expect(() => graphHosts('global', { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9' })).toThrow(/AZURE_AUTHORITY_HOST .*https only/);
    expect(() => graphHosts('global', { AZURE_AUTHORITY_HOST: 'https://login.example.com/tenant' })).toThrow(/no path/);
  });
});

describe('sign-in to Graph through @azure/identity', () => {
  it('auto picks the environment service principal first, then the Azure CLI, then browser or device code', () => {
    const ctx = { tenantId: TENANT, hosts, prompt: () => undefined };
    expect(signInOrder('auto', { ...ctx, env: adminEnv() })).toEqual(['environment']);
    expect(signInOrder('auto', { ...ctx, env: { PATH: '' }, interactive: true })).toEqual(['device-code']);
    expect(signInOrder('auto', { ...ctx, env: { PATH: '', DISPLAY: ':0' }, interactive: true })).toEqual(['browser']);
    expect(signInOrder('auto', { ...ctx, env: { PATH: fakeAz('{}'), DISPLAY: ':0' }, interactive: false })).toEqual(['azure-cli', 'device-code']);
    expect(signInOrder('device-code', { ...ctx, env: adminEnv() })).toEqual(['device-code']);
  });

  it('signs in as the environment service principal (client credentials at the fake HTTPS authority) and calls Graph', async () => {
    const signIn = await signInToGraph('auto', { tenantId: TENANT, hosts, env: adminEnv(), prompt: () => undefined });
    expect(signIn.method).toBe('environment');
    const client = graphClient(signIn.token, hosts.graphOrigin);
    const app = await createApplication(client, { displayName: 'Env app' });
    expect((await findApplicationsByName(client, 'Env app')).map((found) => found.id)).toEqual([app.id]);
    const secret = await addPassword(client, app.id, { displayName: 'sf azure-authprovider', endDateTime: new Date(Date.now() + 86400_000).toISOString() });
    expect(secret.secretText).toHaveLength(40);
    expect((await getApplication(client, app.id)).passwordCredentials.map((credential) => credential.keyId)).toEqual([secret.keyId]);
  });

  it('refuses a wrong admin secret with the sign-in named and the secret never repeated', async () => {
    const env = { ...adminEnv(), AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: 'wrong-admin-secret' };
    const failure = signInToGraph('environment', { tenantId: TENANT, hosts, env, prompt: () => undefined });
    await expect(failure).rejects.toThrow(/Signing in to Microsoft Graph with the service principal of AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID failed/);
    await failure.catch((error: Error) => expect(error.message).not.toContain('wrong-admin-secret'));
    await expect(signInToGraph('environment', { tenantId: TENANT, hosts, env: { PATH: '' }, prompt: () => undefined })).rejects.toThrow(/--sign-in environment needs/);
  });

  it('runs the device code flow: the prompt names the page and code; the token comes once the code is entered', async () => {
    const prompts: string[] = [];
    const signIn = await signInToGraph('device-code', {
      tenantId: TENANT,
      hosts,
      env: { PATH: '' },
      prompt: (text) => {
        prompts.push(text);
        graph.approveDeviceCode(/enter the code (\S+)/.exec(text)![1]);
      },
    });
    expect(signIn.method).toBe('device-code');
    expect(prompts[0]).toContain(`${graph.origin}/devicelogin`);
    const client = graphClient(signIn.token, hosts.graphOrigin);
    expect(await findApplicationsByName(client, 'nothing')).toEqual([]);
    expect(await findApplicationsByName(client, 'still nothing')).toEqual([]);
    // One sign-in for the whole run: the person enters one code, not one per Graph call.
    expect(prompts).toHaveLength(1);
  });

  it('uses the Azure CLI login; under auto, an az that is not logged in gives way to device code', async () => {
    // AzureCliCredential runs the `az` of this process's PATH.
    const path = process.env.PATH;
    const { token, expiresIn } = graph.userToken();
    const az = fakeAz(JSON.stringify({ accessToken: token, expiresOn: new Date(Date.now() + expiresIn * 1000).toISOString(), expires_on: Math.floor(Date.now() / 1000) + expiresIn, tenant: TENANT, tokenType: 'Bearer' }));
    try {
      process.env.PATH = `${az}:${path ?? ''}`;
      const viaCli = await signInToGraph('auto', { tenantId: TENANT, hosts, env: { PATH: process.env.PATH }, prompt: () => undefined });
      expect(viaCli.method).toBe('azure-cli');
      expect(await viaCli.token()).toBe(token);
      process.env.PATH = `${fakeAz('', "ERROR: Please run 'az login' to setup account.", 1)}:${path ?? ''}`;
      const fallback = await signInToGraph('auto', { tenantId: TENANT, hosts, env: { PATH: process.env.PATH }, prompt: (text) => graph.approveDeviceCode(/enter the code (\S+)/.exec(text)![1]) });
      expect(fallback.method).toBe('device-code');
      await expect(signInToGraph('azure-cli', { tenantId: TENANT, hosts, prompt: () => undefined })).rejects.toThrow(/with the Azure CLI's login failed: Please run 'az login'/);
    } finally {
      process.env.PATH = path;
    }
  }, 30000);
});

describe('Graph client', () => {
  it('waits out 429 as Retry-After asks, and maps 403 to api-access with Graph code and message', async () => {
    const signIn = await signInToGraph('environment', { tenantId: TENANT, hosts, env: adminEnv(), prompt: () => undefined });
    const waits: number[] = [];
    const client = graphClient(signIn.token, hosts.graphOrigin, { onWait: (seconds) => waits.push(seconds), sleep: () => Promise.resolve() });
    graph.fail({ method: 'GET', path: /^\/applications$/, status: 429, code: 'TooManyRequests', message: 'Too many requests.', retryAfter: 7, times: 2 });
    expect(await findApplicationsByName(client, 'none')).toEqual([]);
    expect(waits).toEqual([7, 7]);

    const reader = await signInToGraph('environment', { tenantId: TENANT, hosts, env: adminEnv(READER), prompt: () => undefined });
    const refused = createApplication(graphClient(reader.token, hosts.graphOrigin), { displayName: 'Nope' });
    await expect(refused).rejects.toMatchObject({ exitCode: 30, message: expect.stringMatching(/HTTP 403, Authorization_RequestDenied: Insufficient privileges/) });
    graph.fail({ path: /addPassword/, status: 400, code: 'Request_BadRequest', message: 'Credential lifetime exceeds the max value allowed as per assigned policy.' });
    const app = await createApplication(client, { displayName: 'Policy app' });
    await expect(addPassword(client, app.id, { displayName: 'x', endDateTime: new Date(Date.now() + 86400_000).toISOString() })).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('exceeds the max value') });
  });
});

/** A directory holding an `az` that prints `stdout` (and `stderr`) and exits with `status`. */
function fakeAz(stdout: string, stderr = '', status = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'aap-az-'));
  const script = join(dir, 'az');
  writeFileSync(script, `#!/bin/sh\ncat <<'OUT'\n${stdout}\nOUT\n${stderr ? `echo "${stderr}" >&2\n` : ''}exit ${status}\n`);
  chmodSync(script, 0o755);
  return dir;
}

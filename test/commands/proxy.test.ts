/*
 * Behind a proxy, as sf is: ./bin/run.js in a child process with HTTP_PROXY and friends pointing at a local forward
 * proxy (test/helpers/forwardProxy.ts). The plugin's own requests (verify's token request, deploy's headless OAuth
 * flow) must go through it as jsforce's org requests do, and go direct for hosts NO_PROXY names.
 */
import type { VerifyOutcome } from '../../src/verify/verifyProvider.js';
import type { DeployOutcome } from '../../src/deploy/deployOutcome.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startForwardProxy, type ForwardProxy } from '../helpers/forwardProxy.js';
import { loginAs } from '../helpers/orgLogin.js';
import { runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

/** Every proxy variable unset, so a run sees only the ones a test names (and none of this machine's). */
const NO_PROXY_VARIABLES: NodeJS.ProcessEnv = { HTTP_PROXY: undefined, HTTPS_PROXY: undefined, NO_PROXY: undefined, http_proxy: undefined, https_proxy: undefined, no_proxy: undefined };

type Json<T> = CliRun & { json: { status: number; result?: T; message?: string } };
async function run<T>(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Json<T>> {
  const done = await runCliAsync(command, [...args, '--json'], { ...NO_PROXY_VARIABLES, ...env });
  try {
    return { ...done, json: JSON.parse(done.stdout) as Json<T>['json'] };
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(done.status)}):\n${done.stdout}\n${done.stderr}`);
  }
}

let proxy: ForwardProxy;
beforeEach(async () => {
  proxy = await startForwardProxy();
});
afterEach(async () => proxy.stop());

describe('verify: the token request honours the proxy variables', () => {
  let entra: FakeEntra;
  beforeAll(async () => {
    entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All'] }] });
  });
  afterAll(async () => entra.stop());
  const entraHost = (): string => new URL(entra.tokenUrl(TENANT)).host;
  const local = (): string[] => ['--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)];

  // jsforce reads one proxy for every target, lower case first: https_proxy, http_proxy, HTTPS_PROXY, HTTP_PROXY.
  it.each(['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'])('goes through the proxy that %s names', async (variable) => {
    const verified = await run<VerifyOutcome>('verify', local(), { AZURE_CLIENT_SECRET: HOSTILE_SECRET, [variable]: proxy.url, NO_PROXY: 'login.microsoftonline.com' });
    expect(verified.status).toBe(0);
    expect(verified.json.result?.token?.roles).toEqual(['User.Read.All']);
    expect(proxy.asked).toEqual([{ method: 'POST', host: entraHost(), path: `/${TENANT}/oauth2/v2.0/token` }]);
  });

  // ENTRA stands for the fake Entra's host and port, known only once it listens.
  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'login.microsoftonline.com, ENTRA'],
    ['NO_PROXY', '*'],
  ])('goes direct when %s=%s covers the host', async (variable, value) => {
    const before = entra.requests.length;
    const verified = await run<VerifyOutcome>('verify', local(), { AZURE_CLIENT_SECRET: HOSTILE_SECRET, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, [variable]: value.replace('ENTRA', entraHost()) });
    expect(verified.status).toBe(0);
    expect(proxy.asked).toEqual([]);
    expect(entra.requests).toHaveLength(before + 1);
  });

  it("tunnels to Entra's https endpoint through the proxy, and reports a proxy that refuses as unreachable", async () => {
    // No --token-url: the real Entra host, which the proxy refuses to tunnel to, so nothing leaves this machine.
    const verified = await run<VerifyOutcome>('verify', ['--tenant-id', TENANT, '--client-id', CLIENT_ID], { AZURE_CLIENT_SECRET: HOSTILE_SECRET, HTTPS_PROXY: proxy.url });
    expect(proxy.asked).toEqual([{ method: 'CONNECT', host: 'login.microsoftonline.com:443', path: '' }]);
    expect(verified.status).toBe(11);
    const check = verified.json.result?.checks.find((entry) => entry.id === 'token-request');
    expect(check?.summary).toMatch(/^No answer from https:\/\/login\.microsoftonline\.com\/.*: the proxy refused the connection \(HTTP 403\)\.$/);
    expect(verified.stdout + verified.stderr).not.toContain('sEcReT');
  });

  it('names the variable, never its value, when it holds no URL', async () => {
    const before = entra.requests.length;
    const verified = await run<VerifyOutcome>('verify', local(), { AZURE_CLIENT_SECRET: HOSTILE_SECRET, HTTPS_PROXY: 'proxy-user:hunter2@corp proxy' });
    expect(verified.status).toBe(11);
    expect(verified.json.result?.checks.find((entry) => entry.id === 'token-request')?.summary).toContain(': HTTPS_PROXY does not hold a proxy URL.');
    expect(verified.stdout + verified.stderr).not.toContain('hunter2');
    expect(entra.requests).toHaveLength(before);
  });
});

describe('deploy --headless-auth: the OAuth flow honours the proxy variables', () => {
  let emu: Emulator;
  beforeEach(async () => {
    ({ emu } = await start({ username: 'admin@proxied.example.com', orgType: 'production' }));
    await loginAs(emu, 'proxied');
  });
  afterEach(async () => emu.stop());
  const deploy = (env: NodeJS.ProcessEnv): Promise<Json<DeployOutcome>> =>
    run<DeployOutcome>('deploy', ['--target-org', 'proxied', ...validFlags, '--headless-auth'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env });
  const flowHops = (): string[] => proxy.asked.filter((hop) => hop.method === 'GET' && /^\/(secur|services\/auth)\//.test(hop.path)).map((hop) => hop.path);

  it('follows the redirects through the proxy, as the org requests go', async () => {
    const deployed = await deploy({ HTTP_PROXY: proxy.url });
    expect(deployed.json.result?.providers[0].authentication).toEqual({ status: 'Configured', action: 'headless' });
    const orgHost = new URL(emu.instanceUrl).host;
    expect(proxy.asked.every((hop) => hop.host === orgHost)).toBe(true);
    // jsforce's org requests, then the flow: frontdoor, then the provider's initiate URL.
    expect(proxy.asked.some((hop) => hop.path.startsWith('/services/data/'))).toBe(true);
    expect(flowHops()).toEqual(expect.arrayContaining(['/secur/frontdoor.jsp', '/services/auth/xds/AzureGraph']));
  });

  it('reports a proxy that turns the flow away, and still exits 0 with the URL to open', async () => {
    await proxy.stop();
    proxy = await startForwardProxy({ demandCredentials: (path) => path === '/secur/frontdoor.jsp' });
    const deployed = await deploy({ HTTP_PROXY: proxy.url });
    expect(deployed.status).toBe(0);
    const authentication = deployed.json.result?.providers[0].authentication;
    expect(authentication).toMatchObject({ status: 'NotConfigured', action: 'url printed' });
    expect(authentication?.detail).toContain('no answer at /secur/frontdoor.jsp: the proxy refused the connection (HTTP 407)');
    expect(deployed.stdout + deployed.stderr).not.toMatch(/otp=/);
  });

  it('goes direct when NO_PROXY covers the org', async () => {
    const deployed = await deploy({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(deployed.json.result?.providers[0].authentication).toEqual({ status: 'Configured', action: 'headless' });
    // jsforce ignores NO_PROXY, so the org requests still pass the proxy; the plugin's own do not.
    expect(flowHops()).toEqual([]);
  });
});

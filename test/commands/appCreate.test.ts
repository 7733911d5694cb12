/*
 * `app create` as a user runs it: ./bin/run.js in a child process, signed in through the real @azure/identity at the
 * fake HTTPS login host, calling the fake Graph. A rerun changes nothing; a typo creates nothing.
 */
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { startFakeGraph, type FakeGraph } from '../entra/fakeGraph.js';
import { runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CERTIFICATE_FILE, TENANT } from '../helpers/values.js';

const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', secret: 'admin-Secret~value.1', roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
let entra: FakeEntra;
let graph: FakeGraph;
const env = (): NodeJS.ProcessEnv => ({ ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret });
const base = ['--name', 'AzureGraph', '--tenant-id', 'contoso.onmicrosoft.com'];

type Run = CliRun & { json: { status: number; result: any; message?: string; name?: string } };
async function appCreate(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await runCliAsync('app', ['create', ...args, '--json'], { ...env(), ...extra });
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`app create did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [] });
  graph = await startFakeGraph({ entra, tenantId: TENANT, domains: { 'contoso.onmicrosoft.com': TENANT }, admins: [ADMIN] });
});
afterAll(async () => {
  await graph.stop();
  await entra.stop();
});

describe('app create', () => {
  it('refuses an unknown permission with its nearest matches, exit 2, before anything is created', async () => {
    const run = await appCreate([...base, '--permission', 'User.Read.Al', '--permission', 'Organization.Read.All']);
    expect(run.status).toBe(2);
    expect(run.json.message).toMatch(/--permission User\.Read\.Al: Microsoft Graph has no such application permission; nearest: User\.Read\.All/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(graph.applications).toHaveLength(0);
    expect(graph.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('creates the app, its service principal and the consented permissions, adds no secret, and says which sign-in', async () => {
    const run = await appCreate([...base, '--permission', 'user.read.all', '--permission', 'Sites.Selected']);
    expect(run.status).toBe(0);
    const { result } = run.json;
    expect(result).toMatchObject({ signIn: 'environment', secretAdded: false, application: { displayName: 'AzureGraph', change: 'created' }, servicePrincipal: { change: 'created' } });
    expect(result.permissions).toEqual([
      expect.objectContaining({ value: 'User.Read.All', change: 'granted' }),
      expect.objectContaining({ value: 'Sites.Selected', change: 'granted' }),
    ]);
    const app = entra.apps.find((candidate) => candidate.clientId === result.application.appId);
    expect(app?.roles).toEqual(['User.Read.All', 'Sites.Selected']);
    expect(app?.secrets).toEqual([]);
    expect(graph.applications[0].requiredResourceAccess[0].resourceAccess).toHaveLength(2);
    expect(JSON.stringify(run.json)).not.toContain(ADMIN.secret);
    expect(run.stderr).not.toContain(ADMIN.secret);
  });

  it('a rerun changes nothing at Entra; a new permission is added alone; text output names each item', async () => {
    const writes = (): number => graph.requests.filter((request) => request.method !== 'GET').length;
    const before = writes();
    const again = await appCreate([...base, '--permission', 'User.Read.All', '--permission', 'Sites.Selected']);
    expect(again.status).toBe(0);
    expect(writes()).toBe(before);
    expect(again.json.result).toMatchObject({ application: { change: 'unchanged' }, servicePrincipal: { change: 'unchanged' } });
    expect(again.json.result.permissions.map((grant: { change: string }) => grant.change)).toEqual(['unchanged', 'unchanged']);

    const text = await runCliAsync('app', ['create', ...base, '--permission', 'Organization.Read.All'], env());
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/App registration AzureGraph: updated \(client id [0-9a-f-]{36}, object id [0-9a-f-]{36}\)/);
    expect(text.stdout).toMatch(/Permission Organization\.Read\.All on Microsoft Graph: granted \(admin consent\)/);
    expect(text.stdout).toMatch(/Also held, not asked for \(kept\): User\.Read\.All, Sites\.Selected/);
    expect(text.stdout).toMatch(/No client secret was added/);
    expect(text.stderr).toMatch(/Signed in to Microsoft Graph with the service principal of AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID/);
    expect(graph.applications).toHaveLength(1);
  });

  it('registers the certificate of --certificate-file once; the token endpoint then accepts assertions signed with its key', async () => {
    const args = ['--name', 'CertApp', '--tenant-id', TENANT, '--permission', 'User.Read.All', '--auth', 'certificate', '--certificate-file', CERTIFICATE_FILE];
    const first = await appCreate(args);
    expect(first.status).toBe(0);
    expect(first.json.result.certificate).toMatchObject({ change: 'added', thumbprint: expect.stringMatching(/^[0-9A-F]{40}$/) });
    const second = await appCreate(args);
    expect(second.json.result.certificate.change).toBe('unchanged');
    expect(entra.apps.find((candidate) => candidate.clientId === first.json.result.application.appId)?.certificates).toHaveLength(1);
  });

  it('names Graph refusal and bad input clearly: no admin rights (exit 30), --sign-in environment without variables (exit 2), an http login host (exit 2)', async () => {
    graph.fail({ method: 'POST', path: /^\/applications$/, status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    const denied = await appCreate(['--name', 'Denied', '--tenant-id', TENANT]);
    expect(denied.status).toBe(30);
    expect(denied.json.message).toMatch(/Microsoft Graph refused POST \/applications: HTTP 403, Authorization_RequestDenied/);
    const noEnv = await appCreate([...base, '--sign-in', 'environment'], { AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: undefined });
    expect(noEnv.status).toBe(2);
    expect(noEnv.json.message).toMatch(/--sign-in environment needs AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID/);
    const http = await appCreate(base, { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:1' });
    expect(http.status).toBe(2);
    expect(http.json.message).toMatch(/AZURE_AUTHORITY_HOST must be an origin/);
  });

  it('signs in with a device code: the page and code go to stderr, never to --json stdout', async () => {
    graph.deviceCodes.length = 0;
    const running = runCliAsync('app', ['create', '--name', 'DeviceApp', '--tenant-id', TENANT, '--sign-in', 'device-code', '--json'], { ...graph.env, PATH: `/nonexistent:${process.env.PATH ?? ''}` });
    for (let i = 0; i < 100 && graph.deviceCodes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    graph.approveDeviceCode(graph.deviceCodes[0].userCode);
    const run = await running;
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`enter the code ${graph.deviceCodes[0].userCode}`);
    expect(run.stdout).not.toContain(graph.deviceCodes[0].userCode);
    expect(JSON.parse(run.stdout).result).toMatchObject({ signIn: 'device-code', application: { displayName: 'DeviceApp', change: 'created' } });
  });
});

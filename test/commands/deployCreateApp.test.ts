/*
 * deploy --create-app from nothing, as a user runs it: ./bin/run.js against the org emulator, the fake Graph (signed
 * in through the real @azure/identity) and the fake token endpoint, which share their apps. The new secret flows
 * into the deploy in memory and appears in no output; a rerun changes nothing at Entra.
 */
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { startFakeGraph, type FakeGraph } from '../entra/fakeGraph.js';
import { loginAs } from '../helpers/orgLogin.js';
import { playPluginToken } from '../helpers/pluginToken.js';
import { filesContaining, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { TENANT } from '../helpers/values.js';

const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', secret: 'admin-Secret~value.1', roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
const home = { HOME: process.env.HOME };
let emu: Emulator;
let entra: FakeEntra;
let graph: FakeGraph;

type Run = CliRun & { json: { status: number; result: any; message?: string } };
async function deploy(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env = { ...home, ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret, ...extra };
  const result = await runCliAsync('deploy', ['--target-org', 'createApp', ...args, '--json'], env);
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`deploy did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}
const writesAtEntra = (): number => graph.requests.filter((request) => request.method !== 'GET').length;

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [], domains: { 'contoso.onmicrosoft.com': TENANT } });
  graph = await startFakeGraph({ entra, tenantId: TENANT, domains: { 'contoso.onmicrosoft.com': TENANT }, admins: [ADMIN] });
  ({ emu } = await start({ username: 'admin@createapp.example.com' }));
  // The org reaches "login.microsoftonline.com" at the fake token endpoint, as a test's DNS would send it there.
  emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  emu.org.setCalloutResponder((request) => (request.authorized ? { status: 200, body: '{"value":[]}' } : { status: 401 }));
  await loginAs(emu, 'createApp');
});
afterAll(async () => {
  await emu?.stop();
  await graph?.stop();
  await entra?.stop();
});

describe('deploy --create-app', () => {
  const flags = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--create-app', '--permission', 'Organization.Read.All', '--mode', 'native'];

  it('refuses --client-id and an unknown permission (exit 2) before anything is created at Entra or in the org', async () => {
    const conflict = await deploy([...flags, '--client-id', '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b']);
    expect(conflict.status).toBe(2);
    expect(conflict.json.message).toMatch(/--create-app sets the client id and secret itself: drop --client-id/);
    const typo = await deploy([...flags, '--permission', 'Organisation.Read.All']);
    expect(typo.status).toBe(2);
    expect(typo.json.message).toMatch(/nearest: Organization\.Read\.All/);
    expect(graph.applications).toHaveLength(0);
  });

  it('from nothing: creates the app, grants consent, adds a secret that waits out replication, deploys a Configured principal, and verify passes', async () => {
    graph.secretDelayMs = 3000;
    const deployed = await deploy(flags);
    graph.secretDelayMs = 0;
    expect(deployed.status).toBe(0);
    const { result } = deployed.json;
    expect(result.app).toMatchObject({ signIn: 'environment', application: { change: 'created' }, secret: { change: 'added' }, permissions: [{ value: 'Organization.Read.All', change: 'granted' }] });
    expect(result.providers[0]).toMatchObject({ mode: 'native', authentication: { status: 'Configured' } });
    expect(deployed.stderr).toMatch(/Waiting for Entra to accept the new secret/);
    const app = entra.apps.find((candidate) => candidate.clientId === result.app.application.appId)!;
    const secret = app.secrets![0].value;
    for (const text of [deployed.stdout, deployed.stderr]) expect(text).not.toContain(secret);
    expect(filesContaining(deployed.home, secret)).toEqual([]);

    const check = await runCliAsync('verify', ['--target-org', 'createApp', '--name', 'AzureGraph', '--json'], home);
    expect(check.status).toBe(0);
    // The org asked the token endpoint with the new secret and got the granted role.
    const asked = entra.requests.filter((request) => request.form.client_id === app.clientId);
    expect(asked.at(-1)?.form.client_secret).toBe(secret);
    expect(app.roles).toEqual(['Organization.Read.All']);
  });

  it('a second run changes nothing at Entra and keeps the secret the org holds, saying so', async () => {
    const before = writesAtEntra();
    const secrets = entra.apps.find((app) => app.clientId === graph.applications[0].appId)!.secrets!.length;
    const again = await deploy(flags);
    expect(again.status).toBe(0);
    expect(writesAtEntra()).toBe(before);
    expect(entra.apps.find((app) => app.clientId === graph.applications[0].appId)!.secrets).toHaveLength(secrets);
    expect(again.json.result).toMatchObject({ status: 'Unchanged', app: { application: { change: 'unchanged' }, secret: { change: 'kept' } } });
    const text = await runCliAsync('deploy', ['--target-org', 'createApp', ...flags], { ...home, ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret });
    expect(text.stdout).toMatch(/already uses this app.*kept, no new secret, nothing redeployed/);
  });

  it('plugin mode: a working provider whose verify passes (the in-org token step played)', async () => {
    playPluginToken(emu.org);
    const pluginFlags = ['--name', 'AzureGraphPlugin', '--tenant-id', TENANT, '--create-app', '--permission', 'User.Read.All', '--headless-auth'];
    const deployed = await deploy(pluginFlags);
    expect(deployed.status).toBe(0);
    expect(deployed.json.result.app).toMatchObject({ application: { displayName: 'AzureGraphPlugin', change: 'created' }, secret: { change: 'added' } });
    const check = await runCliAsync('verify', ['--target-org', 'createApp', '--name', 'AzureGraphPlugin', '--json'], home);
    expect(check.status).toBe(0);


    // The record keeps the added secret's key id (never its value), so rotate-secret --new then removes exactly it.
    const added = deployed.json.result.app.secret.keyId as string;
    expect(JSON.stringify(emu.org.get('CustomMetadata', 'Azure_Client_Credential.AzureGraphPlugin')?.tree)).toContain(`client secret key id: ${added}`);
    const env = { ...home, ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret };
    const rotated = await runCliAsync('rotate-secret', ['--target-org', 'createApp', '--name', 'AzureGraphPlugin', '--new', '--token-url', entra.tokenUrl(TENANT), '--json'], env);
    expect(rotated.status).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ result: { status: 'Rotated', removedKeyId: added } });
    const app = graph.applications.find((candidate) => candidate.displayName === 'AzureGraphPlugin')!;
    expect(app.passwordCredentials.map((credential) => credential.keyId)).toEqual([JSON.parse(rotated.stdout).result.newSecret.keyId]);
  }, 180000);
});

/*
 * remove --delete-app: CLI child processes against the org emulator and the fake Microsoft Graph (real
 * @azure/identity). The app registration goes with the provider, found by the provider's client id; a missing one
 * is reported, not an error.
 */
import type { FakeEntra } from '../entra/fakeEntra.js';
import type { FakeGraph } from '../entra/fakeGraph.js';
import { startEntraWorld, type EntraWorld } from '../helpers/entraWorld.js';
import type { Emulator } from '../emulator/index.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';
import { createApplication, type GraphClient } from '../../src/entra/graphClient.js';

const alias = 'removeAppOrg';
const home = { HOME: process.env.HOME };
const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-0000000000d1', secret: 'admin-secret-for-remove', roles: ['Application.ReadWrite.All'] };
let emu: Emulator;
let entra: FakeEntra;
let graph: FakeGraph;
let admin: GraphClient;
let world: EntraWorld;

type Run = CliRun & { json: { status: number; result: any } };
const adminEnv = (): NodeJS.ProcessEnv => ({ ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret, AZURE_CLIENT_SECRET: 'deployed-secret' });
async function run(command: string, args: string[]): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, ...adminEnv() }, PLUGIN_ROOT);
  return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
}

beforeAll(async () => {
  world = await startEntraWorld({ username: 'admin@remove.example.com', alias, admin: ADMIN });
  ({ emu, entra, graph, admin } = world);
}, 60000);
afterAll(async () => world?.stop());

describe('remove --delete-app', () => {
  it('lists the app registration in the plan, then deletes it with the provider (DELETE /applications/{id})', async () => {
    const app = await createApplication(admin, { displayName: 'Doomed app' });
    expect((await run('deploy', ['--name', 'DoomedGraph', '--tenant-id', TENANT, '--client-id', app.appId])).status).toBe(0);
    const dry = await runCliAsync('remove', ['--target-org', alias, '--name', 'DoomedGraph', '--delete-app', '--dry-run'], { ...home, ...adminEnv() });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`EntraApplication Doomed app (${app.appId})`);
    expect(graph.applications.map((candidate) => candidate.id)).toContain(app.id);

    const removed = await run('remove', ['--name', 'DoomedGraph', '--delete-app', '--no-prompt']);
    expect(removed.json).toMatchObject({ status: 0 });
    expect(removed.json.result.applications).toEqual([{ provider: 'DoomedGraph', clientId: app.appId, status: 'deleted', id: app.id, displayName: 'Doomed app' }]);
    expect(graph.applications.map((candidate) => candidate.id)).not.toContain(app.id);
    expect(graph.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([`/applications/${app.id}`]);
    expect(emu.org.get('AuthProvider', 'DoomedGraph')).toBeUndefined();
  }, 180000);

  it('reports an app registration that is not there, and removes the provider anyway (exit 0)', async () => {
    expect((await run('deploy', ['--name', 'GhostGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID])).status).toBe(0);
    const human = await runCliAsync('remove', ['--target-org', alias, '--name', 'GhostGraph', '--delete-app', '--no-prompt'], { ...home, ...adminEnv() });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`No app registration with client id ${CLIENT_ID} was found in Entra: nothing to delete there.`);
    expect(emu.org.get('AuthProvider', 'GhostGraph')).toBeUndefined();
  }, 180000);

  it('without --delete-app, leaves the app registration alone and never signs in to Graph', async () => {
    const app = await createApplication(admin, { displayName: 'Kept app' });
    expect((await run('deploy', ['--name', 'KeptGraph', '--tenant-id', TENANT, '--client-id', app.appId])).status).toBe(0);
    const before = graph.requests.length;
    const removed = await run('remove', ['--name', 'KeptGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(removed.json.result.applications).toBeUndefined();
    expect(graph.applications.map((candidate) => candidate.id)).toContain(app.id);
    expect(graph.requests.length).toBe(before);
  }, 180000);
});

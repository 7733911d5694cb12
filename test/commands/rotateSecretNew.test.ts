/*
 * rotate-secret --new end to end: CLI child processes against the org emulator, the fake Entra token endpoint and
 * the fake Microsoft Graph (real @azure/identity signs the administrator in over HTTPS). The fake token endpoint is
 * the judge: after a rotation it accepts the new secret and refuses the replaced one.
 */
import type { FakeEntra } from '../entra/fakeEntra.js';
import type { FakeGraph } from '../entra/fakeGraph.js';
import { startEntraWorld, type EntraWorld } from '../helpers/entraWorld.js';
import { connect, recordValue } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { TENANT } from '../helpers/values.js';
import { PLUGIN_REFRESH, playPluginToken } from '../helpers/pluginToken.js';
import { addPassword, createApplication, removePassword, type GraphClient } from '../../src/entra/graphClient.js';

const alias = 'lifeOrg';
const home = { HOME: process.env.HOME };
const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-0000000000c1', secret: 'admin-secret-for-rotation', roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
let emu: Emulator;
let entra: FakeEntra;
let graph: FakeGraph;
let admin: GraphClient;
let world: EntraWorld;

type Run = CliRun & { json: { status: number; result: any; message?: string } };
const adminEnv = (): NodeJS.ProcessEnv => ({ ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret });
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, ...adminEnv(), ...env }, PLUGIN_ROOT);
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** What the fake token endpoint answers to a client_credentials request with this secret. */
async function accepted(clientId: string, secret: string): Promise<boolean> {
  const response = await fetch(entra.tokenUrl(TENANT), { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }) });
  return response.ok;
}

/** An app registration with one secret, as an administrator made it in the portal; its secret deployed to the org. */
async function appWithDeployedSecret(name: string, model: 'external' | 'legacy'): Promise<{ appId: string; id: string; first: { keyId: string; secretText: string } }> {
  const app = await createApplication(admin, { displayName: `${name} app` });
  const first = await addPassword(admin, app.id, { displayName: 'portal', endDateTime: new Date(Date.now() + 90 * 86_400_000).toISOString() });
  const deployed = await run('deploy', ['--name', name, '--tenant-id', TENANT, '--client-id', app.appId, '--model', model], { AZURE_CLIENT_SECRET: first.secretText });
  expect(deployed.status).toBe(0);
  return { appId: app.appId, id: app.id, first };
}

const secretsAtEntra = (id: string): string[] => graph.applications.find((app) => app.id === id)!.passwordCredentials.map((credential) => credential.keyId);

beforeAll(async () => {
  world = await startEntraWorld({ username: 'admin@life.example.com', alias, admin: ADMIN, routeLogin: true, arrange: (org) => playPluginToken(org.org) });
  ({ emu, entra, graph, admin } = world);
}, 60000);
afterAll(async () => world?.stop());

describe('rotate-secret --new', () => {
  it('replaces the secret with one made at Entra, keeps its key id in the org, and the next rotation leaves exactly one valid secret', async () => {
    const { appId, id, first } = await appWithDeployedSecret('LifeGraph', 'external');
    const tokenUrl = ['--token-url', entra.tokenUrl(TENANT)];

    // First rotation: the org never held a key id (the secret was typed in), so nothing is removed; both are listed.
    const one = await run('rotate-secret', ['--name', 'LifeGraph', '--new', ...tokenUrl]);
    expect(one.json).toMatchObject({ status: 0, result: { status: 'Rotated', signIn: 'environment', keyIdStored: true, proof: { proven: true } } });
    expect(one.json.result.removedKeyId).toBeUndefined();
    const firstNew = one.json.result.newSecret.keyId as string;
    expect(one.json.result.secrets.map((secret: { keyId: string }) => secret.keyId).sort()).toEqual([first.keyId, firstNew].sort());
    expect(JSON.stringify(emu.org.get('CustomMetadata', 'Azure_Client_Credential.LifeGraph')?.tree)).toContain(`client secret key id: ${firstNew}`);
    // The administrator removes the portal's secret, as the output said to.
    await removePassword(admin, id, first.keyId);

    // Second rotation: the org's key id names the secret in use; it is removed once the org proved the new one.
    const human = await runCliAsync('rotate-secret', ['--target-org', alias, '--name', 'LifeGraph', '--new', '--secret-lifetime', '30', ...tokenUrl], { ...home, ...adminEnv() });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('Signed in to Microsoft Graph: environment.');
    expect(human.stdout).toContain(`Removed the replaced secret ${firstNew} at Entra.`);
    const remaining = secretsAtEntra(id);
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).not.toBe(firstNew);
    const stored = entra.apps.find((app) => app.clientId === appId)!.secrets!;
    expect(stored).toHaveLength(1);
    // Exactly one valid secret: the token endpoint accepts the new one and refuses the replaced ones.
    expect(await accepted(appId, stored[0].value)).toBe(true);
    expect(await accepted(appId, first.secretText)).toBe(false);
    const endDays = (Date.parse(graph.applications.find((app) => app.id === id)!.passwordCredentials[0].endDateTime) - Date.now()) / 86_400_000;
    expect(Math.round(endDays)).toBe(30);
    // The new secret's text reached the org and nowhere else.
    for (const out of [one.stdout, one.stderr, human.stdout, human.stderr]) expect(out).not.toContain(stored[0].value);
    expect(JSON.stringify(graph.requests)).not.toContain(stored[0].value);
    expect(JSON.stringify(emu.org.requests.filter((r) => r.operation !== 'updateCredential' && r.operation !== 'createCredential'))).not.toContain(stored[0].value);
  }, 180000);

  it('waits while Entra replicates the new secret, and says so once on stderr', async () => {
    await appWithDeployedSecret('SlowGraph', 'external');
    graph.secretDelayMs = 3000;
    try {
      const slow = await run('rotate-secret', ['--name', 'SlowGraph', '--new', '--token-url', entra.tokenUrl(TENANT)]);
      expect(slow.json).toMatchObject({ status: 0, result: { status: 'Rotated' } });
      expect(slow.stderr.match(/Waiting for Entra to accept the new secret/g)).toHaveLength(1);
    } finally {
      graph.secretDelayMs = 0;
    }
  }, 180000);

  it('rolls the org back and deletes the new secret when the org cannot get a token with it', async () => {
    const { appId, id, first } = await appWithDeployedSecret('RollGraph', 'legacy');
    // The org's plugin refuses the new secret for a reason that is not replication (a played run: the emulator runs no Apex).
    playPluginToken(emu.org, (body) => (body.includes(PLUGIN_REFRESH) && body.includes("'RollGraph'") ? { success: false, exceptionMessage: 'AzureClientCredentialsProvider.TokenException: Unauthorized endpoint, please check Setup->Security->Remote site settings.', exceptionStackTrace: 'AnonymousBlock: line 7, column 1' } : undefined));
    try {
      const failed = await run('rotate-secret', ['--name', 'RollGraph', '--new', '--token-url', entra.tokenUrl(TENANT)]);
      expect(failed.status).toBe(20);
      expect(failed.json.result).toMatchObject({ status: 'RolledBack', problem: expect.stringMatching(/old secret is back in Azure_Client_Credential\.RollGraph/) });
      expect(secretsAtEntra(id)).toEqual([first.keyId]);
      const conn = connect(emu);
      expect(await recordValue(conn, 'Azure_Client_Credential.RollGraph', 'Client_Secret__c')).toBe(first.secretText);
      expect(JSON.stringify(emu.org.get('CustomMetadata', 'Azure_Client_Credential.RollGraph')?.tree)).not.toContain('client secret key id');
      expect(await accepted(appId, first.secretText)).toBe(true);
    } finally {
      playPluginToken(emu.org);
    }
  }, 180000);

  it('refuses --new with a typed secret, and --secret-lifetime without --new, naming the flag (exit 2)', async () => {
    const both = await runCliAsync('rotate-secret', ['--target-org', alias, '--name', 'LifeGraph', '--new', '--client-secret', 'x'], home);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--client-secret=x cannot also be provided when using --new|cannot also be provided/);
    const lifetime = await run('rotate-secret', ['--name', 'LifeGraph', '--secret-lifetime', '30'], { AZURE_CLIENT_SECRET: 'whatever' });
    expect(lifetime.status).toBe(2);
    expect(lifetime.json.message).toMatch(/--secret-lifetime/);
    const tooLong = await runCliAsync('rotate-secret', ['--target-org', alias, '--name', 'LifeGraph', '--new', '--secret-lifetime', '731'], home);
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toMatch(/730/);
  }, 60000);
});

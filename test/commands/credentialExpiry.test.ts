/*
 * list and verify read when the provider's secret expires from the fake Microsoft Graph (CLI child processes, the
 * org emulator, the fake token endpoint; real @azure/identity). Reading Graph never prompts: without a sign-in that
 * asks nobody, the expiry is unknown and the output says how to see it.
 */
import type { FakeEntra } from '../entra/fakeEntra.js';
import type { FakeGraph } from '../entra/fakeGraph.js';
import { startEntraWorld, type EntraWorld } from '../helpers/entraWorld.js';
import type { Emulator } from '../emulator/index.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { TENANT } from '../helpers/values.js';
import { playPluginToken } from '../helpers/pluginToken.js';
import { addPassword, createApplication, type GraphClient } from '../../src/entra/graphClient.js';

const alias = 'expiryOrg';
const home = { HOME: process.env.HOME };
const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-0000000000e1', secret: 'admin-secret-for-expiry', roles: ['Application.ReadWrite.All'] };
const DAY = 86_400_000;
let emu: Emulator;
let entra: FakeEntra;
let graph: FakeGraph;
let admin: GraphClient;
let world: EntraWorld;
let app: { id: string; appId: string };

type Run = CliRun & { json: { status: number; result: any } };
const adminEnv = (): NodeJS.ProcessEnv => ({ AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: ADMIN.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: ADMIN.secret });
/** No admin sign-in in the environment and no Azure CLI on PATH: nothing that needs nobody. */
const nobody = (): NodeJS.ProcessEnv => ({ AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: undefined, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: undefined, PATH: '/usr/bin:/bin' });
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, '--json'], { ...home, ...graph.env, ...env }, PLUGIN_ROOT);
  return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
}
const secretOf = (keyId: string) => graph.applications.find((candidate) => candidate.id === app.id)!.passwordCredentials.find((credential) => credential.keyId === keyId)!;
const expiryCheck = (result: { checks: Array<{ id: string }> }) => result.checks.find((check) => check.id === 'entra-credential-expiry');

beforeAll(async () => {
  world = await startEntraWorld({ username: 'admin@expiry.example.com', alias, admin: ADMIN, routeLogin: true, arrange: (org) => playPluginToken(org.org) });
  ({ emu, entra, graph, admin } = world);
  app = await createApplication(admin, { displayName: 'Expiry app' });
}, 60000);
afterAll(async () => world?.stop());

describe('credential expiry in list and verify', () => {
  let first: { keyId: string; secretText: string };

  it('says the expiry is unknown, and how to see it, when no sign-in needs nobody; nothing fails', async () => {
    first = await addPassword(admin, app.id, { displayName: 'portal', endDateTime: new Date(Date.now() + 12 * DAY).toISOString() });
    const deployed = await run('deploy', ['--name', 'ExpiryGraph', '--tenant-id', TENANT, '--client-id', app.appId, '--headless-auth'], { AZURE_CLIENT_SECRET: first.secretText });
    expect(deployed.status).toBe(0);
    const before = graph.requests.length;
    const listed = await run('list', [], nobody());
    expect(listed.status).toBe(0);
    expect(listed.json.result.providers[0].credentialExpiry).toMatchObject({ status: 'unknown', kind: 'secret', reason: expect.stringContaining('--sign-in') });
    const human = await runCliAsync('list', ['--target-org', alias], { ...home, ...graph.env, ...nobody() });
    expect(human.stderr).toMatch(/When the providers' secrets expire is unknown: .*--sign-in device-code/);
    const verified = await run('verify', ['--name', 'ExpiryGraph'], nobody());
    expect(verified.status).toBe(0);
    expect(expiryCheck(verified.json.result)).toMatchObject({ status: 'skip', summary: expect.stringContaining('--sign-in') });
    // Graph was not asked, and no device code was started.
    expect(graph.requests.length).toBe(before);
    expect(graph.deviceCodes).toHaveLength(0);
  }, 120000);

  it('warns within 30 days: list (a field, a column and a warning) and verify (entra-credential-expiry: warn)', async () => {
    const listed = await run('list', [], adminEnv());
    expect(listed.status).toBe(0);
    expect(listed.json.result.providers[0].credentialExpiry).toMatchObject({ status: 'soon', kind: 'secret', keyId: first.keyId, expiresAt: secretOf(first.keyId).endDateTime, daysLeft: 11, matched: false, signIn: 'environment' });
    const human = await runCliAsync('list', ['--target-org', alias], { ...home, ...graph.env, ...adminEnv() });
    expect(human.stdout).toMatch(/Expires/);
    expect(human.stdout).toContain(`${secretOf(first.keyId).endDateTime.slice(0, 10)} (soon)`);
    expect(human.stderr).toMatch(/expire within 30 days[\s\S]*ExpiryGraph: The app's client secret .* expires .*, in 11 days/);

    const verified = await run('verify', ['--name', 'ExpiryGraph'], adminEnv());
    expect(verified.json.result.checks.filter((check: { status: string }) => check.status === 'fail')).toEqual([]);
    expect(verified.status).toBe(0);
    expect(expiryCheck(verified.json.result)).toMatchObject({ status: 'warn', summary: expect.stringMatching(/expires .*, in 11 days/), fix: expect.stringContaining('rotate-secret --new --name ExpiryGraph') });
  }, 120000);

  it('fails verify once the secret has expired (exit 10), and passes with the date when it is far off', async () => {
    secretOf(first.keyId).endDateTime = new Date(Date.now() - DAY).toISOString();
    const expired = await run('verify', ['--name', 'ExpiryGraph'], adminEnv());
    expect(expiryCheck(expired.json.result)).toMatchObject({ status: 'fail', category: 'credentials' });
    expect(expired.status).toBe(10);
    secretOf(first.keyId).endDateTime = new Date(Date.now() + 200 * DAY).toISOString();
    const fine = await run('verify', ['--name', 'ExpiryGraph'], adminEnv());
    expect(fine.status).toBe(0);
    expect(expiryCheck(fine.json.result)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/in 19\d days/) });
  }, 120000);

  it('matches the secret in use by the key id the org keeps: after rotate-secret --new, an older secret about to end is not it', async () => {
    const rotated = await run('rotate-secret', ['--name', 'ExpiryGraph', '--new', '--secret-lifetime', '90', '--token-url', entra.tokenUrl(TENANT)], adminEnv());
    expect(rotated.status).toBe(0);
    const newKeyId = rotated.json.result.newSecret.keyId as string;
    secretOf(first.keyId).endDateTime = new Date(Date.now() + 3 * DAY).toISOString();
    const listed = await run('list', [], adminEnv());
    expect(listed.json.result.providers[0]).toMatchObject({ secretKeyId: newKeyId, credentialExpiry: { status: 'ok', keyId: newKeyId, matched: true } });
    const verified = await run('verify', ['--name', 'ExpiryGraph'], adminEnv());
    expect(expiryCheck(verified.json.result)).toMatchObject({ status: 'pass', summary: expect.stringContaining(newKeyId) });
  }, 120000);
});

/**
 * Issue 19, item 7: the emulator runs no Apex, so it must never invent a success for anonymous Apex it has no model
 * of. Such a run fails with the emulator's own "not modeled by the emulator" (a real org never says this), unless a
 * test scripts the outcome openly; and verify against the emulator then claims no token that no token endpoint gave.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import { deployAndWait, start } from './helpers.js';
import { loadFixture, zipBundle } from './fixtures.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { runCliAsync } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

const NOT_MODELED = /^EmulatorException: anonymous Apex not modeled by the emulator: /;

describe('anonymous Apex the emulator cannot run', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeAll(async () => {
    ({ emu, conn } = await start());
    expect(await deployAndWait(conn, await zipBundle(loadFixture('valid')))).toMatchObject({ success: true });
  });
  afterAll(async () => emu.stop());
  afterEach(() => emu.org.setApexOutcome(() => undefined));

  it("fails a block that runs one of the org's classes, pointing at it, instead of reporting success", async () => {
    const result = await conn.tooling.executeAnonymous("Map<String, String> config = new Map<String, String>();\nObject token = new EmuAuthPlugin().refresh(config, null);");
    expect(result).toMatchObject({ compiled: true, success: false, line: 2, column: 20 });
    expect(result.exceptionMessage).toMatch(NOT_MODELED);
    expect(result.exceptionMessage).toContain("it runs the org's Apex class EmuAuthPlugin");
    expect(result.exceptionMessage).toContain('org.setApexOutcome');
  });

  it.each([
    ['a custom metadata read', "EmuConfig__mdt r = EmuConfig__mdt.getInstance('Default');", 'it reads custom metadata records'],
    ['DML', 'List<SObject> records = new List<SObject>();\ninsert records;', 'it changes records (DML)'],
    ['SOQL', 'List<User> users = [SELECT Id FROM User];', 'it queries records (SOQL or SOSL)'],
    ['a block with no callout', 'Integer i = 1;', 'it makes no callout through a callout: Named Credential literal'],
  ])('fails %s as not modeled', async (_what, apex, reason) => {
    const result = await conn.tooling.executeAnonymous(apex);
    expect(result).toMatchObject({ compiled: true, success: false });
    expect(result.exceptionMessage).toMatch(NOT_MODELED);
    expect(result.exceptionMessage).toContain(reason);
  });

  it('still compiles first: an unknown type is a compile problem, not "not modeled"', async () => {
    expect(await conn.tooling.executeAnonymous('Object x = new NoSuchPlugin();')).toMatchObject({ compiled: false, compileProblem: 'Invalid type: NoSuchPlugin' });
  });

  it('reads only code: a class name in a string or a comment does not make a callout unmodeled', async () => {
    emu.org.setCalloutResponder(() => ({ status: 200, body: '{}' }));
    const apex = "// asks what EmuAuthPlugin would\nHttpRequest r = new HttpRequest();\nr.setEndpoint('callout:EmuGraph/EmuAuthPlugin');\nHttpResponse s = new Http().send(r);";
    const result = await conn.tooling.executeAnonymous(apex);
    expect(result.exceptionMessage ?? '').not.toMatch(/not modeled/);
  });

  it('runs an outcome a test scripted openly, and says "not modeled" again once the script is lifted', async () => {
    const apex = "Object token = new EmuAuthPlugin().refresh(new Map<String, String>(), null);";
    emu.org.setApexOutcome((body) => (body.includes('new EmuAuthPlugin()') ? { success: true } : undefined));
    expect(await conn.tooling.executeAnonymous(apex)).toMatchObject({ success: true });
    emu.org.setApexOutcome(() => undefined);
    expect((await conn.tooling.executeAnonymous(apex)).exceptionMessage).toMatch(NOT_MODELED);
  });
});

describe('verify against the emulator claims no token it did not get', () => {
  let emu: Emulator;
  let entra: FakeEntra;
  const alias = 'unmodeledorg';
  const home = { HOME: process.env.HOME };
  beforeAll(async () => {
    ({ emu } = await start({ username: `admin@${alias}.example.com` }));
    entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['Organization.Read.All'] }] });
    emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
    emu.org.setCalloutResponder((request) => (request.authorized ? { status: 200, body: '{"value":[]}' } : { status: 401 }));
    await loginAs(emu, alias);
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...validFlags, '--headless-auth', '--json'], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
  });
  afterAll(async () => {
    await emu.stop();
    await entra.stop();
  });
  afterEach(() => emu.org.setApexOutcome(() => undefined));

  type Check = { id: string; status: string; summary: string; category?: string };
  async function verify(): Promise<{ status: number | null; stdout: string; checks: Check[] }> {
    const run = await runCliAsync('verify', ['--target-org', alias, '--name', 'AzureGraph', '--json'], home);
    const json = JSON.parse(run.stdout) as { result?: { checks: Check[] } };
    return { status: run.status, stdout: run.stdout, checks: json.result?.checks ?? [] };
  }

  it("fails the in-org token check as not modeled: the plugin's refresh never ran, and no token was claimed", async () => {
    const before = entra.requests.length;
    const run = await verify();
    const token = run.checks.find((c) => c.id === 'token-in-org');
    expect(token).toMatchObject({ status: 'fail', summary: expect.stringMatching(/not modeled by the emulator: it runs the org's Apex class AzureClientCredentialsProvider/) });
    expect(run.stdout).not.toMatch(/obtained a token/);
    expect(run.status).not.toBe(0);
    // What is modeled still ran for real: the token request through the token credential reached the fake Entra once.
    expect(run.checks.find((c) => c.id === 'token-credential-request')).toMatchObject({ status: 'pass' });
    expect(entra.requests.length - before).toBe(1);
    expect(run.checks.find((c) => c.id === 'callout')).toMatchObject({ status: 'pass' });
  });

  it('passes the token check only when a test scripts the plugin returning a token', async () => {
    emu.org.setApexOutcome((body) => (body.includes('new AzureClientCredentialsProvider().refresh(') ? { success: true } : undefined));
    const run = await verify();
    expect(run.status).toBe(0);
    expect(run.checks.find((c) => c.id === 'token-in-org')).toMatchObject({ status: 'pass' });
  });
});

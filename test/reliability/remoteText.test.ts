/*
 * What a remote party sends back reaches the user scrubbed: a token endpoint that echoes the request (secret
 * included) in error_description, sends megabytes of it or terminal escape sequences; an org whose component
 * failure, test failure or Apex exception message carries the secret; a config file whose syntax error would quote
 * the secret typed into it. Each run is searched for the secret in every form, and for the escapes sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEntra, type EntraReply, type FakeEntra } from '../entra/fakeEntra.js';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';

const SECRET = HOSTILE_SECRET;
/** Escape sequences that would clear the screen, retitle the terminal, hide a link and move the cursor. */
const ESCAPES = '\u001b[2J\u001b]0;pwned\u0007\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\\u001b[1A\u009b31m';
const provider = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID];

let emu: Emulator;
let entra: FakeEntra;
/** How the token endpoint words its errors in the current test. */
let wording: (reply: EntraReply, body: string) => EntraReply = (reply) => reply;
const alias = 'remote';

beforeAll(async () => {
  ({ emu } = await start({ username: 'admin@remote.example.com', orgType: 'production' }));
  await loginAs(emu, alias);
  // The app's secret is another one: every request with SECRET is refused, and its body echoed back.
  entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: 'the-right-one', roles: ['User.Read.All'] }], describeError: (s, b) => wording(s, b) });
});
afterAll(async () => {
  await emu.stop();
  await entra.stop();
});
beforeEach(() => {
  wording = (reply) => reply;
  emu.org.rejections.clear();
  emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: true });
  emu.org.setApexOutcome(() => undefined);
});

/** Runs a command with SECRET in the environment and its own temp directory, human output or --json. */
async function run(command: string, args: string[], json: boolean): Promise<CliRun & { tmp: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'aap-remote-'));
  const result = await runCliAsync(command, [...args, ...(json ? ['--json'] : [])], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: SECRET, TMPDIR: tmp });
  return { ...result, tmp };
}

/** Nothing of the secret, no escape sequence, and a bounded size in everything the run printed or left. */
function expectScrubbed(result: CliRun & { tmp: string }): void {
  const output = `${result.stdout}${result.stderr}`;
  expect(findSecret(SECRET, { texts: { stdout: result.stdout, stderr: result.stderr }, dirs: [result.tmp] })).toEqual([]);
  expect(output).not.toMatch(/pwned|evil\.example|\u001b\[2J|\u001b\[1A|\u009b/);
  expect(output.length).toBeLessThan(20_000);
}

describe('a token endpoint that echoes the request', () => {
  // An AADSTS code the plugin has no explanation of, so that Entra's own sentence is what the user sees.
  const echo = (sentence: (body: string) => string) => (_reply: EntraReply, body: string): EntraReply => ({ code: 9999999, sentence: sentence(body) });
  const echoes: Array<[string, (reply: EntraReply, body: string) => EntraReply]> = [
    ['the request body', echo((body) => `Bad request: ${body}`)],
    ['the request body, 5 MB of it', echo((body) => `Bad request: ${body} ${'A'.repeat(5 * 1024 * 1024)} ${body}`)],
    ['terminal escape sequences around the secret', echo((body) => `${ESCAPES}Bad request: ${decodeURIComponent(body.replace(/\+/g, ' '))}${ESCAPES}`)],
  ];

  for (const [what, reply] of echoes) {
    for (const json of [false, true]) {
      it(`verify: ${what}${json ? ' (--json)' : ''}`, async () => {
        wording = reply;
        const result = await run('verify', [...provider.slice(2), '--token-url', entra.tokenUrl(TENANT)], json);
        expect(result.status).toBe(10);
        expectScrubbed(result);
        // What Entra said is still shown, only without the secret.
        expect(result.stdout + result.stderr).toMatch(/\[secret removed\]/);
      });
    }
  }

  it.each([false, true])('rotate-secret refuses a secret Entra refused, and shows the echo scrubbed (--json: %s)', async (json) => {
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...provider, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: 'first-secret-value' });
    expect(deployed.status).toBe(0);
    wording = echoes[2][1];
    const result = await run('rotate-secret', ['--target-org', alias, '--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT)], json);
    expect(result.status).toBe(10);
    expectScrubbed(result);
  });
});

describe('an org whose messages carry the secret', () => {
  it.each([false, true])('deploy: a component failure quoting the secret (--json: %s)', async (json) => {
    emu.org.rejectComponent('AuthProvider', 'Refused', `Invalid value ${SECRET} for consumerSecret${ESCAPES}`);
    const result = await run('deploy', ['--target-org', alias, '--name', 'Refused', '--tenant-id', TENANT, '--client-id', CLIENT_ID], json);
    expect(result.status).toBe(1);
    expectScrubbed(result);
    expect(result.stdout + result.stderr).toMatch(/Invalid value \[secret removed\] for consumerSecret/);
  });

  it.each([false, true])('deploy: a test failure quoting the secret (--json: %s)', async (json) => {
    emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: false, message: `System.AssertException: Expected: ${JSON.stringify(SECRET)}${ESCAPES}`, stackTrace: `Class.X: line 1${ESCAPES}` });
    const result = await run('deploy', ['--target-org', alias, '--name', 'Tested', '--tenant-id', TENANT, '--client-id', CLIENT_ID], json);
    expect(result.status).toBe(1);
    expectScrubbed(result);
  });

  it.each([false, true])('verify: the plugin throws in the org with the secret in its message and debug log (--json: %s)', async (json) => {
    const deployed = await runCliAsync('deploy', ['--target-org', alias, ...provider, '--headless-auth', '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: SECRET });
    expect(deployed.status).toBe(0);
    emu.org.setApexOutcome((body) =>
      body.includes('.refresh(')
        ? {
            success: false,
            exceptionMessage: `AzureClientCredentialsProvider.TokenException: The token request failed with HTTP 401: client_secret=${encodeURIComponent(SECRET)}${ESCAPES}`,
            exceptionStackTrace: 'AnonymousBlock: line 9, column 1',
            log: `USER_DEBUG|[1]|DEBUG|body: client_secret=${new URLSearchParams({ s: SECRET }).toString().slice(2)}\n`,
          }
        : undefined
    );
    const result = await run('verify', ['--target-org', alias, '--name', 'AzureGraph'], json);
    expect(result.status).toBe(10);
    // The debug log is saved for the user, without the secret.
    expect(filesBelow(result.tmp).some((file) => /-token\.log$/.test(file) && readFileSync(file, 'utf8').includes('[secret removed]'))).toBe(true);
    expectScrubbed(result);
  });
});

describe('a config file whose syntax error would quote the secret', () => {
  const work = mkdtempSync(join(tmpdir(), 'aap-remote-config-'));

  it.each([
    ['JSON, the secret typed unquoted', 'bad.json', `{\n  "providers": [\n    { "name": "A", "clientSecret": ${SECRET} }\n  ]\n}\n`, /line 3, column 36/],
    ['JSON, the secret cut off at the end', 'cut.json', `{ "providers": [ { "name": "A", "clientSecret": ${SECRET}`, /line 1, column 49/],
    ['YAML, the secret as an alias', 'bad.yaml', `providers:\n  - name: A\n    clientSecret: *${SECRET.replace(/[^\w-]/g, '')}\n`, /line 3/],
  ])('%s: names the file, line and column, and what is wrong, without quoting it', async (_what, file, text, where) => {
    const path = join(work, file);
    writeFileSync(path, text);
    for (const json of [false, true]) {
      // eslint-disable-next-line no-await-in-loop
      const result = await run('generate', ['--config-file', path, '--output-dir', join(work, 'out')], json);
      expect(result.status).toBe(2);
      expect(result.stdout + result.stderr).toContain(path);
      expect(result.stdout + result.stderr).toMatch(where);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expectScrubbed(result);
      expect(findSecret(SECRET.replace(/[^\w-]/g, ''), { texts: { stdout: result.stdout, stderr: result.stderr } })).toEqual([]);
      record({ tried: 1, refused: 1 });
    }
  });
});

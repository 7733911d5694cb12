/*
 * Waiting for a credential Entra has not replicated yet, as a user meets it: ./bin/run.js in child processes against
 * the fake Entra token endpoint (a secret added with `usableAfter` is refused with AADSTS7000215 until then) and the
 * org emulator, whose native External Credential asks that endpoint for its tokens. Each secret is held back until
 * the command has been refused once, then released, so the command must ask again to succeed; the CLI keeps its real
 * 2 s backoff.
 */
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeApp, type FakeEntra, type FakeSecret } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync, spawnCli, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, TENANT, validFlags } from '../helpers/values.js';
import { EXIT_CODES } from '../../src/errors/exitCodes.js';

const alias = 'waitOrg';
const home = { HOME: process.env.HOME };
const FIRST = 'first-Secret~1';
const NEVER = Number.MAX_SAFE_INTEGER;
let emu: Emulator;
let entra: FakeEntra;
const app: FakeApp = { tenantId: TENANT, clientId: CLIENT_ID, secret: FIRST, secrets: [], roles: ['Organization.Read.All'] };

/** A secret just added at Entra, not usable until `release` is called. */
function pendingSecret(value: string): FakeSecret {
  const secret: FakeSecret = { value, usableAfter: NEVER };
  app.secrets!.push(secret);
  return secret;
}
const triesWith = (value: string): number => entra.requests.filter((request) => request.form.client_secret === value).length;

/** Replicates the secret shortly after Entra first refused it; returns a stop for the watch. */
function releaseAfterFirstRefusal(secret: FakeSecret, delayMs = 300): () => void {
  const before = triesWith(secret.value);
  const timer = setInterval(() => {
    if (triesWith(secret.value) === before) return;
    secret.usableAfter = Date.now() + delayMs;
    clearInterval(timer);
  }, 20);
  return () => clearInterval(timer);
}

async function cli(command: string, args: string[], secret: string, json = false): Promise<CliRun> {
  return runCliAsync(command, [...args, ...(json ? ['--json'] : [])], { ...home, AZURE_CLIENT_SECRET: secret }, PLUGIN_ROOT, undefined, 120_000);
}
const local = (): string[] => ['--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)];
const WAITING = /Waiting for Entra to accept the new secret \(AADSTS7000215: a new secret takes seconds to minutes to reach every Entra region\); trying again for up to \d+ (s|min)/;

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [app] });
  ({ emu } = await start({ username: 'admin@wait.example.com', orgType: 'production' }));
  // The org reaches "login.microsoftonline.com" at the fake Entra endpoint, as a test's DNS would send it there.
  emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  await loginAs(emu, alias);
  const deployed = await cli('deploy', ['--target-org', alias, ...validFlags, '--mode', 'native'], FIRST, true);
  expect(deployed.status).toBe(0);
});
afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});

describe('verify --wait: the local token check', () => {
  it('without --wait, asks once and fails, its fix saying that a new secret may still be replicating', async () => {
    pendingSecret('fresh-unwaited');
    const run = await cli('verify', local(), 'fresh-unwaited', true);
    expect(run.status).toBe(EXIT_CODES.credentials);
    const check = (JSON.parse(run.stdout) as { result: { checks: Array<{ id: string; fix?: string }> } }).result.checks.find((entry) => entry.id === 'token-request');
    expect(check?.fix).toMatch(/A secret created minutes ago may not have reached every Entra region yet: run the command again with --wait 5/);
    expect(triesWith('fresh-unwaited')).toBe(1);
    expect(run.stderr).not.toMatch(/Waiting for Entra/);
  });

  it('with --wait, says once on stderr that it waits, asks again and passes once Entra accepts the secret', async () => {
    const stop = releaseAfterFirstRefusal(pendingSecret('fresh-human'));
    try {
      const run = await cli('verify', [...local(), '--wait', '1'], 'fresh-human');
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(WAITING);
      expect(run.stderr.match(/Waiting for Entra/g)).toHaveLength(1);
      expect(run.stdout).not.toMatch(/Waiting for Entra/);
      expect(run.stdout).toContain('Roles granted to the app: Organization.Read.All.');
      expect(triesWith('fresh-human')).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
  });

  it('with --json, stdout holds the JSON result alone', async () => {
    const stop = releaseAfterFirstRefusal(pendingSecret('fresh-json'));
    try {
      const run = await cli('verify', [...local(), '--wait', '1'], 'fresh-json', true);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 0, result: { status: 'Passed' } });
      expect(run.stdout).not.toMatch(/Waiting for Entra/);
      expect(triesWith('fresh-json')).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
  });

  it('stops at the first signal while it waits (exit 130), without waiting out --wait', async () => {
    const { child, done } = spawnCli('verify', [...local(), '--wait', '5', '--json'], { ...home, AZURE_CLIENT_SECRET: 'never-right' });
    const watch = setInterval(() => {
      if (triesWith('never-right') > 0) {
        clearInterval(watch);
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    }, 20);
    const started = Date.now();
    const run = await done;
    clearInterval(watch);
    expect(run.status).toBe(EXIT_CODES.interrupted);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'InterruptedError', data: { status: 'Interrupted', signal: 'SIGINT' } });
  });

  it.each([['abc'], ['-1'], ['61'], ['1.5']])('refuses --wait %s as bad input (exit 2), naming the flag, before asking Entra', async (value) => {
    const before = entra.requests.length;
    const run = await cli('verify', [...local(), '--wait', value], FIRST, true);
    expect(run.status).toBe(EXIT_CODES['invalid-input']);
    expect((JSON.parse(run.stdout) as { message: string }).message).toContain(`--wait must be a whole number of minutes from 0 to 60, not "${value}".`);
    expect(entra.requests.length).toBe(before);
  });
});

describe('verify --wait: the token request the org makes (native principal)', () => {
  it("asks the org again while Entra refuses the principal's just-stored secret, and passes once it is accepted", async () => {
    // The org now holds a secret Entra has not replicated: stored unchecked, as right after it was created.
    const secret = pendingSecret('fresh-native');
    const stored = await cli('rotate-secret', ['--target-org', alias, '--name', 'AzureGraph', '--no-verify'], 'fresh-native', true);
    expect(stored.status).toBe(0);
    emu.org.principalTokens.clear();

    const refused = await cli('verify', ['--target-org', alias, '--name', 'AzureGraph'], FIRST, true);
    expect(refused.status).toBe(EXIT_CODES.credentials);
    expect(triesWith('fresh-native')).toBe(1);

    const before = triesWith('fresh-native');
    const stop = releaseAfterFirstRefusal(secret);
    try {
      const run = await cli('verify', ['--target-org', alias, '--name', 'AzureGraph', '--wait', '1'], FIRST);
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(WAITING);
      expect(run.stdout).toMatch(/Verified: \d+ checks passed/);
      expect(triesWith('fresh-native') - before).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
  });
});

describe('rotate-secret waits for the just-created secret by default', () => {
  it('checks the new secret again until Entra accepts it, then writes it', async () => {
    const stop = releaseAfterFirstRefusal(pendingSecret('fresh-rotated'));
    emu.org.requests.length = 0;
    try {
      const run = await cli('rotate-secret', ['--target-org', alias, '--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT)], 'fresh-rotated');
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(WAITING);
      expect(run.stderr).toMatch(/trying again for up to 3 min/);
      expect(run.stdout).toMatch(/^Replaced the client secret of AzureGraph .*after Entra issued a token with it/m);
      expect(emu.org.requests.filter((request) => request.operation === 'updateCredential')).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain('fresh-rotated');
    } finally {
      stop();
    }
  });

  it('with --wait 0, refuses a secret Entra refuses after one try and writes nothing', async () => {
    pendingSecret('fresh-refused');
    emu.org.requests.length = 0;
    const run = await cli('rotate-secret', ['--target-org', alias, '--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT), '--wait', '0'], 'fresh-refused', true);
    expect(run.status).toBe(EXIT_CODES.credentials);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: { status: 'Refused' } });
    expect(triesWith('fresh-refused')).toBe(1);
    expect(emu.org.requests.filter((request) => request.operation === 'updateCredential')).toHaveLength(0);
  });
});

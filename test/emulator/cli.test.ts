/**
 * `npm run emulator` and `npm run fake-entra`: each prints one JSON line and serves until stopped, also when the
 * signal goes to npm alone; --alias stores the org in the sf auth store; --route sends the org's token requests to
 * a fake Entra started by hand, as the README's by-hand steps do.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'node:net';
import { runCliAsync } from '../helpers/runCli.js';

const repo = join(process.cwd());

function launch(args: string[], env: NodeJS.ProcessEnv = process.env, script = 'emulator'): { child: ChildProcess; line: Promise<string> } {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${stderr}`)));
  });
  return { child, line };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM'); // the emulator's own process group (npm -> tsx -> node)
  await exited;
}

describe('emulator CLI', () => {
  it('prints exactly one JSON line with the org and serves on 127.0.0.1 until SIGTERM', async () => {
    const { child, line } = launch(['--port', '0', '--api-version', '62.0', '--org-type', 'sandbox', '--fail', 'query:500:1']);
    try {
      const info = JSON.parse(await line) as Record<string, string>;
      expect(Object.keys(info)).toEqual(['instanceUrl', 'accessToken', 'username', 'orgId']);
      expect(info.instanceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const versions = (await (await fetch(`${info.instanceUrl}/services/data/`)).json()) as Array<{ version: string }>;
      expect(versions[versions.length - 1].version).toBe('62.0');
      const headers = { Authorization: `Bearer ${info.accessToken}` };
      const q = `${info.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent('SELECT IsSandbox FROM Organization')}`;
      expect((await fetch(q, { headers })).status).toBe(500);
      const org = (await (await fetch(q, { headers })).json()) as { records: Array<{ IsSandbox: boolean }> };
      expect(org.records[0].IsSandbox).toBe(true);
    } finally {
      await stop(child);
    }
  });

  it('--alias stores the org in the sf auth store under HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'emu-home-'));
    const env = { ...process.env, HOME: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_DISABLE_TELEMETRY: 'true' };
    const { child, line } = launch(['--port', '0', '--alias', 'emu-org'], env);
    try {
      const info = JSON.parse(await line) as Record<string, string>;
      const aliases = JSON.parse(readFileSync(join(home, '.sfdx', 'alias.json'), 'utf8')) as { orgs: Record<string, string> };
      expect(aliases.orgs['emu-org']).toBe(info.username);
      const auth = JSON.parse(readFileSync(join(home, '.sfdx', `${info.username}.json`), 'utf8')) as Record<string, unknown>;
      expect(auth).toMatchObject({ instanceUrl: info.instanceUrl, orgId: info.orgId, username: info.username });
      expect(readdirSync(join(home, '.sfdx'))).toContain(`${info.username}.json`);
      // what `--target-org emu-org` does in an sf command: resolve the alias and use the org's connection
      const script = [
        "import { Org } from '@salesforce/core';",
        "const org = await Org.create({ aliasOrUsername: 'emu-org' });",
        'const conn = org.getConnection();',
        "const r = await conn.query('SELECT Username FROM User');",
        "const l = await conn.metadata.list({ type: 'ApexClass' });",
        'console.log(JSON.stringify({ user: r.records[0].Username, orgId: org.getOrgId(), version: conn.getApiVersion(), listed: Array.isArray(l) }));',
      ].join('\n');
      const out = await new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let o = '';
        let e = '';
        p.stdout.on('data', (d: Buffer) => (o += d.toString()));
        p.stderr.on('data', (d: Buffer) => (e += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(o) : reject(new Error(e))));
      });
      expect(JSON.parse(out)).toEqual({ user: info.username, orgId: info.orgId, version: '64.0', listed: true });
    } finally {
      await stop(child);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

/** Whether something still listens at the origin. */
function listening(origin: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends the signal to npm alone, as a terminal's Ctrl-C reaches it through `npm run ... &` or a supervisor does. */
async function signalNpm(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

describe('stopping the tools through npm', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to npm stops the emulator and the fake Entra and frees their ports', async (signal) => {
    const emulator = launch(['--port', '0']);
    const entra = launch(['--port', '0'], { ...process.env, AZURE_CLIENT_SECRET: 'by-hand-secret' }, 'fake-entra');
    const { instanceUrl } = JSON.parse(await emulator.line) as { instanceUrl: string };
    const { origin } = JSON.parse(await entra.line) as { origin: string };
    try {
      await Promise.all([signalNpm(emulator.child, signal), signalNpm(entra.child, signal)]);
      // The servers close on the signal their processes get once npm is gone; give them a moment.
      const deadline = Date.now() + 5000;
      // eslint-disable-next-line no-await-in-loop
      while (Date.now() < deadline && ((await listening(instanceUrl)) || (await listening(origin)))) await new Promise((r) => setTimeout(r, 100));
      expect([await listening(instanceUrl), await listening(origin)]).toEqual([false, false]);
    } finally {
      for (const { child } of [emulator, entra]) if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

describe('trying it by hand: npm run fake-entra, npm run emulator --route, then the plugin', () => {
  it('prints the token URL, takes the secret from the environment only, and lets deploy and verify run end to end', async () => {
    const secret = 'by-hand~Secret.value_1';
    const entra = launch(['--port', '0', '--role', 'Organization.Read.All'], { ...process.env, AZURE_CLIENT_SECRET: secret }, 'fake-entra');
    const info = JSON.parse(await entra.line) as { tokenUrl: string; tenantId: string; clientId: string; origin: string };
    expect(info.tokenUrl).toBe(`${info.origin}/${info.tenantId}/oauth2/v2.0/token`);
    const home = mkdtempSync(join(tmpdir(), 'emu-home-'));
    const env = { ...process.env, HOME: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_DISABLE_TELEMETRY: 'true' };
    const emulator = launch(['--port', '0', '--org-type', 'sandbox', '--alias', 'byhand', '--route', `https://login.microsoftonline.com=${info.origin}`], env);
    try {
      await emulator.line;
      const provider = ['--name', 'AzureGraph', '--tenant-id', info.tenantId, '--client-id', info.clientId];
      const deployed = await runCliAsync('deploy', ['--target-org', 'byhand', ...provider, '--headless-auth', '--json'], { HOME: home, AZURE_CLIENT_SECRET: secret });
      expect([deployed.status, deployed.stderr]).toEqual([0, expect.any(String)]);
      const verified = await runCliAsync('verify', ['--target-org', 'byhand', ...provider, '--token-url', info.tokenUrl, '--json'], { HOME: home, AZURE_CLIENT_SECRET: secret });
      const checks = (JSON.parse(verified.stdout) as { result: { checks: Array<{ id: string; status: string; summary: string }> } }).result.checks;
      // The local token request and the org's own one (through the routed origin) both reached the fake Entra. The
      // plugin's refresh in the org is Apex the emulator cannot run, and nothing scripts it here: it says so.
      expect(checks.filter((check) => check.status === 'fail')).toEqual([
        expect.objectContaining({ id: 'token-in-org', status: 'fail', category: 'org-setup', summary: expect.stringContaining('not modeled by the emulator') }),
      ]);
      expect(verified.status).toBe(20);
      expect(checks.map((check) => check.id)).toEqual(expect.arrayContaining(['token-request', 'token-credential-request']));
      const refused = await runCliAsync('verify', ['--target-org', 'byhand', ...provider, '--token-url', info.tokenUrl, '--json'], { HOME: home, AZURE_CLIENT_SECRET: 'wrong' });
      expect(refused.status).toBe(10);
    } finally {
      await stop(emulator.child);
      await stop(entra.child);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses to start without a secret in the environment, and never takes one as a flag', async () => {
    const { AZURE_CLIENT_SECRET: _unset, ...env } = process.env;
    const entra = launch(['--port', '0'], env, 'fake-entra');
    await expect(entra.line).rejects.toThrow(/exited \(2\): fake-entra: set AZURE_CLIENT_SECRET/);
    const flagged = launch(['--port', '0', '--secret', 'x'], { ...env, AZURE_CLIENT_SECRET: 'x' }, 'fake-entra');
    await expect(flagged.line).rejects.toThrow(/exited \(1\)/);
  });
});

/**
 * `npm run emulator`: prints one JSON line, serves until killed; --alias stores the org in the sf auth store.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const repo = join(process.cwd());

function launch(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; line: Promise<string> } {
  const child = spawn('npm', ['run', '--silent', 'emulator', '--', ...args], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)));
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

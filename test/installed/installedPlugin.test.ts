/*
 * The package as users get it: `npm pack`, then `sf plugins install file:<tarball>` into the pinned sf CLI
 * (scripts/sf-cli) under a private HOME, then the commands through `sf` itself: help, generate, deploy against the
 * org emulator, `sf project retrieve start` of what it deployed, list, verify's local check against the fake Entra
 * endpoint, and remove. This is what catches a
 * dependency that resolves differently in a user's install than in this clone (npm `overrides` apply only here).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { installPlugin, type InstalledSf, type SfRun } from '../helpers/installedSf.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, filesContaining } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';

const work = mkdtempSync(join(tmpdir(), 'aap-installed-'));
const home = join(work, 'home');
let installed: InstalledSf;
let emu: Emulator;
let entra: FakeEntra;
const alias = 'installed';
const sf = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<SfRun> => installed.run(args, env);

async function sfJson<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SfRun & { json: { status: number; result: T } }> {
  const run = await sf([...args, '--json'], env);
  try {
    return { ...run, json: JSON.parse(run.stdout) as { status: number; result: T } };
  } catch {
    throw new Error(`sf ${args.join(' ')} did not print JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
}

beforeAll(async () => {
  installed = await installPlugin(work, home);
  ({ emu } = await start({ username: 'admin@installed.example.com', orgType: 'sandbox' }));
  // loginAs stores the login under HOME as `sf org login web` does (a refresh token), where sf then finds it.
  await loginAs(emu, alias, home);
  entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All'] }] });
});

afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});

describe('the packed tarball', () => {
  it('holds what a user needs and nothing else', () => {
    const paths = installed.packed.files.map((file) => file.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'oclif.manifest.json', 'lib/commands/azure-authprovider/deploy.js', 'messages/deploy.md', 'templates/classes/AzureClientCredentialsProvider.cls.hbs', 'schemas/config.schema.json']) {
      expect(paths).toContain(needed);
    }
    const unexpected = paths.filter((path) => !/^(lib|messages|templates|schemas)\//.test(path) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'oclif.manifest.json'].includes(path));
    expect(unexpected).toEqual([]);
    expect(paths.filter((path) => /(^|\/)test\/|emulator|fixtures|\.(pem|key|p12|pfx)$/.test(path))).toEqual([]);
  });
});

describe('under the real sf CLI', () => {
  it('is installed, and its topic and commands show help', async () => {
    const plugins = await sf(['plugins']);
    expect(plugins.stdout).toContain('plugin-azure-authprovider');
    const topic = await sf(['azure-authprovider', '--help']);
    expect(topic.status).toBe(0);
    for (const command of ['generate', 'deploy', 'verify', 'list', 'rotate-secret', 'remove']) expect(topic.stdout).toContain(`azure-authprovider ${command}`);
    const help = await sf(['azure-authprovider', 'deploy', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--target-org');
  });

  it('generates the bundle, with no secret on disk', async () => {
    const out = join(work, 'generated');
    const run = await sfJson<{ files: Array<{ path: string }> }>(
      ['azure-authprovider', 'generate', '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--output-dir', out],
      { AZURE_CLIENT_SECRET: HOSTILE_SECRET }
    );
    expect(run.status).toBe(0);
    expect(existsSync(join(out, 'main', 'default', 'classes', 'AzureClientCredentialsProvider.cls'))).toBe(true);
    expect(filesContaining(out, HOSTILE_SECRET)).toEqual([]);
  });

  it('deploys what generate wrote, and `sf project retrieve start` of it changes no generated file', async () => {
    // An SFDX project as users keep one; the provider's files come from generate, with the values deploy would fill in
    // (the execution user, the org's API version), so that the org holds exactly what is on disk.
    const project = join(work, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0' }));
    const provider = ['--name', 'RetrievedGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--execution-user', 'admin@installed.example.com', '--api-version', '64.0'];
    const generated = await sf(['azure-authprovider', 'generate', ...provider, '--output-dir', join(project, 'force-app')], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(generated.status).toBe(0);
    const before = new Map(filesBelow(join(project, 'force-app')).map((path) => [path, readFileSync(path, 'utf8')]));
    const deployed = await sfJson<{ status: string }>(['azure-authprovider', 'deploy', '--target-org', alias, ...provider], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(deployed.json.result.status).toBe('Succeeded');

    const retrieved = await installed.run(['project', 'retrieve', 'start', '--source-dir', 'force-app', '--target-org', alias, '--json'], {}, project);
    const result = (JSON.parse(retrieved.stdout) as { status: number; result: { files: Array<{ state: string; filePath: string }> } }).result;
    expect(retrieved.status).toBe(0);
    expect(result.files.filter((file) => file.state === 'Failed')).toEqual([]);
    // Every generated file came back from the org (the zip's files, written over the project's).
    expect(result.files.length).toBeGreaterThanOrEqual(before.size);
    const after = new Map(filesBelow(join(project, 'force-app')).map((path) => [path, readFileSync(path, 'utf8')]));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...before].filter(([path, text]) => after.get(path) !== text).map(([path]) => path);
    expect(changed).toEqual([]);
    expect(filesContaining(project, HOSTILE_SECRET)).toEqual([]);
    await sf(['azure-authprovider', 'remove', '--target-org', alias, '--name', 'RetrievedGraph', '--no-prompt']);
  });

  it('deploys to the emulator, lists, verifies with Entra and removes', async () => {
    const provider = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID];
    const deployed = await sfJson<{ status: string }>(['azure-authprovider', 'deploy', '--target-org', alias, ...provider], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(deployed.json.result.status).toBe('Succeeded');
    expect(deployed.status).toBe(0);
    expect(emu.org.list('AuthProvider').map((component) => component.fullName)).toEqual(['AzureGraph']);

    const listed = await sfJson<{ providers: Array<{ name: string }> }>(['azure-authprovider', 'list', '--target-org', alias]);
    expect(listed.status).toBe(0);
    expect(listed.json.result.providers.map((entry) => entry.name)).toEqual(['AzureGraph']);

    const verified = await sfJson<{ status: string }>(
      ['azure-authprovider', 'verify', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)],
      { AZURE_CLIENT_SECRET: HOSTILE_SECRET }
    );
    expect(verified.json.result.status).toBe('Passed');
    expect(verified.status).toBe(0);

    const removed = await sfJson<{ status: string }>(['azure-authprovider', 'remove', '--target-org', alias, '--name', 'AzureGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(emu.org.list('AuthProvider')).toEqual([]);

    for (const text of [deployed.stdout, deployed.stderr, verified.stdout, verified.stderr]) expect(text).not.toContain(HOSTILE_SECRET);
    expect(filesContaining(home, HOSTILE_SECRET)).toEqual([]);
  });
});

/*
 * The secret never leaves the secret's own path. Every command runs in every mode (success and its failures, human
 * and --json output, SF_LOG_LEVEL=trace) with a recognizable secret, and it must appear in none of: stdout, stderr,
 * the --json result, error messages, the files generate writes (Apex included), the sf logs under HOME, and the
 * debug logs verify saves. A second matrix turns logging up as users do when something fails (SF_LOG_LEVEL debug
 * and trace, DEBUG=*, NODE_DEBUG=http,https) for deploy and rotate-secret in plugin and native mode, where the
 * secret travels to the org: a deploy zip, a Metadata API upsert, a Connect REST body; and for deploy, verify,
 * list and remove of a certificate provider and of a config file with several providers, each with its own secret.
 */
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { connect, recordValue, start, tokenCredentialSecret } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, PLUGIN_ROOT, runCliAsync } from '../helpers/runCli.js';
import { CERTIFICATE_FILE, CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';
import { playPluginToken } from '../helpers/pluginToken.js';

const SECRET = HOSTILE_SECRET;
const provider = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID];

let emu: Emulator;
let entra: FakeEntra;
const alias = 'hygiene';

beforeAll(async () => {
  ({ emu } = await start({ username: 'admin@hygiene.example.com', orgType: 'production' }));
  await loginAs(emu, alias);
  entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: SECRET, roles: ['User.Read.All'] }] });
});
afterAll(async () => {
  await emu.stop();
  await entra.stop();
});

/** The modes run in order: the verify modes check the provider the deploy modes put in the org. */
/** `leaves` names a file the run must leave in its temp directory, so that the search covers it. */
type Mode = { title: string; command: string; args: () => string[]; arrange?: () => void; secret?: string; exit: number; leaves?: RegExp };

const MODES: Mode[] = [
  { title: 'generate succeeds', command: 'generate', args: () => provider, exit: 0, leaves: /AzureClientCredentialsProvider\.cls$/ },
  { title: 'generate refuses its input', command: 'generate', args: () => [...provider, '--token-url', 'http://x'], exit: 2 },
  { title: 'generate refuses the secret', command: 'generate', args: () => provider, secret: `${SECRET}\n`, exit: 2 },
  { title: 'deploy succeeds', command: 'deploy', args: () => ['--target-org', alias, ...provider, '--headless-auth'], exit: 0 },
  {
    title: 'deploy fails on a component',
    command: 'deploy',
    args: () => ['--target-org', alias, '--name', 'Refused', '--tenant-id', TENANT, '--client-id', CLIENT_ID],
    arrange: () => emu.org.rejectComponent('AuthProvider', 'Refused', 'You do not have the level of access necessary'),
    exit: 1,
  },
  {
    title: 'deploy fails its Apex tests',
    command: 'deploy',
    args: () => ['--target-org', alias, '--name', 'Tested', '--tenant-id', TENANT, '--client-id', CLIENT_ID],
    arrange: () => emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: false, message: 'System.AssertException: Assertion Failed' }),
    exit: 1,
  },
  {
    title: 'deploy fails after the deploy',
    command: 'deploy',
    args: () => ['--target-org', alias, '--name', 'Assigned', '--tenant-id', TENANT, '--client-id', CLIENT_ID],
    arrange: () => emu.org.injectFault('create', 503, 50),
    exit: 4,
  },
  { title: 'deploy refuses the secret', command: 'deploy', args: () => ['--target-org', alias, ...provider], secret: `${SECRET}\u0007`, exit: 2 },
  // The emulator runs no Apex: the plugin's refresh in the org is played as returning a token (pluginToken.ts).
  { title: 'verify passes', command: 'verify', args: () => ['--target-org', alias, ...provider, '--token-url', entra.tokenUrl(TENANT)], arrange: () => playPluginToken(emu.org), exit: 0 },
  { title: 'verify: Entra refuses the secret', command: 'verify', args: () => [...provider.slice(2), '--token-url', entra.tokenUrl(TENANT)], secret: `${SECRET}-wrong`, exit: 10 },
  {
    title: 'verify: the plugin fails in the org (debug log saved)',
    command: 'verify',
    args: () => ['--target-org', alias, '--name', 'AzureGraph'],
    arrange: () =>
      emu.org.setApexOutcome((body) =>
        body.includes('.refresh(')
          ? { success: false, exceptionMessage: 'AzureClientCredentialsProvider.TokenException: The token request failed with HTTP 401: AADSTS7000215', exceptionStackTrace: 'AnonymousBlock: line 9, column 1' }
          : undefined
      ),
    exit: 10,
    leaves: /azure-authprovider-verify-\w{6}\/AzureGraph-token\.log$/,
  },
];

/** Undoes what a mode arranged, so the next starts from a working org. */
function reset(): void {
  emu.org.rejections.clear();
  emu.org.faults.clear();
  emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: true });
  emu.org.setApexOutcome(() => undefined);
}

describe('the secret stays secret', () => {
  for (const mode of MODES) {
    for (const json of [false, true]) {
      it(`${mode.title}${json ? ' (--json)' : ''}`, async () => {
        reset();
        mode.arrange?.();
        const work = mkdtempSync(join(tmpdir(), 'aap-hygiene-'));
        const outputDir = join(work, 'force-app');
        const args = [...mode.args(), ...(mode.command === 'generate' ? ['--output-dir', outputDir] : []), ...(json ? ['--json'] : [])];
        const run = await runCliAsync(mode.command, args, {
          HOME: process.env.HOME,
          AZURE_CLIENT_SECRET: mode.secret ?? SECRET,
          SF_LOG_LEVEL: 'trace',
          // verify saves debug logs in the temp directory: give it one of its own to search.
          TMPDIR: work,
        });
        expect(run.status).toBe(mode.exit);
        if (json) expect(JSON.parse(run.stdout)).toMatchObject({ status: mode.exit });
        if (mode.leaves) expect(filesBelow(work).some((file) => mode.leaves!.test(file))).toBe(true);
        const secrets = [mode.secret ?? SECRET, SECRET];
        for (const secret of secrets) {
          expect(findSecret(secret, { texts: { stdout: run.stdout, stderr: run.stderr }, dirs: [work, process.env.HOME!] })).toEqual([]);
        }
        reset();
      });
    }
  }
});

describe('the secret arrives in the org whole', () => {
  /** The secret the token credential's principal holds (form-encoded, as the token request's body wants it). */
  const stored = async (name: string): Promise<unknown> => {
    expect(await recordValue(connect(emu), `Azure_Client_Credential.${name}`, 'Client_Secret__c')).toBeUndefined();
    return tokenCredentialSecret(emu, name);
  };

  it.each([
    ['the environment', 'FromEnv', { AZURE_CLIENT_SECRET: SECRET }, undefined],
    ['standard input (--client-secret-stdin)', 'FromStdin', { AZURE_CLIENT_SECRET: undefined }, `${SECRET}\n`],
  ])('from %s, byte for byte, with XML, Apex, Handlebars and URL specials', async (_source, name, env, input) => {
    reset();
    const args = ['--target-org', alias, '--name', name, '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--json', ...(input ? ['--client-secret-stdin'] : [])];
    const run = await runCliAsync('deploy', args, { HOME: process.env.HOME, ...env }, PLUGIN_ROOT, input);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: { secretSource: input ? 'stdin' : 'AZURE_CLIENT_SECRET' } });
    expect(await stored(name)).toBe(SECRET);
    expect(findSecret(SECRET, { texts: { stdout: run.stdout, stderr: run.stderr } })).toEqual([]);
    record({ tried: 1, roundTripped: 1 });
  });

  it('refuses --client-secret with --client-secret-stdin, naming both', async () => {
    const run = await runCliAsync('deploy', ['--target-org', alias, ...provider, '--client-secret', 'x', '--client-secret-stdin'], { HOME: process.env.HOME }, PLUGIN_ROOT, 'y');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--client-secret=x cannot also be provided when using --client-secret-stdin|--client-secret-stdin.*--client-secret/);
    record({ tried: 1, refused: 1 });
  });
});

/** Logging as users turn it up when something fails; every variable the jest process holds is cleared first. */
const LOGGING: Array<{ title: string; env: NodeJS.ProcessEnv; logs: (run: { stdout: string; stderr: string; files: string[] }) => boolean }> = [
  { title: 'SF_LOG_LEVEL unset', env: {}, logs: () => true },
  { title: 'SF_LOG_LEVEL=debug', env: { SF_LOG_LEVEL: 'debug' }, logs: ({ files }) => files.some((file) => /sf-[\d-]+\.log$/.test(file)) },
  { title: 'SF_LOG_LEVEL=trace', env: { SF_LOG_LEVEL: 'trace' }, logs: ({ files }) => files.some((file) => /sf-[\d-]+\.log$/.test(file)) },
  { title: 'DEBUG=*', env: { DEBUG: '*' }, logs: ({ stderr }) => stderr.includes('oclif:main') },
  { title: 'DEBUG=* SF_LOG_LEVEL=trace', env: { DEBUG: '*', SF_LOG_LEVEL: 'trace' }, logs: ({ stdout, stderr }) => /\b(DEBUG|TRACE)\b/.test(`${stdout}${stderr}`.replace(/\u001b\[[\d;]*m/g, '')) },
  // jsforce and the plugin send with undici, which node:http's debug log never sees: undici's own is turned on too.
  { title: 'NODE_DEBUG=http,https,undici,fetch', env: { NODE_DEBUG: 'http,https,undici,fetch' }, logs: ({ stderr }) => /^(UNDICI|FETCH) \d+:/m.test(stderr) },
];
const QUIET = { SF_LOG_LEVEL: undefined, DEBUG: undefined, NODE_DEBUG: undefined, SF_LOG_STDERR: undefined, JSFORCE_LOG_LEVEL: undefined };

type Cell = { logging: number; mode: 'plugin' | 'native' | 'certificate' | 'config'; command: 'deploy' | 'rotate-secret' | 'verify' | 'list' | 'remove' };
type Ran = { status: number | null; stdout: string; stderr: string; home: string; tmp: string };

/** The second provider of each config file keeps its own secret, searched for as well. */
const SECOND_SECRET = 'second-Secret~Value.9&x';

/** What each mode runs after its deploy: certificate and config file go through verify, list and remove too. */
const COMMANDS: Record<Cell['mode'], Array<Cell['command']>> = {
  plugin: ['deploy', 'rotate-secret'],
  native: ['deploy', 'rotate-secret'],
  certificate: ['deploy', 'verify'],
  config: ['deploy', 'verify', 'list', 'remove'],
};
/** Run after every chain: they read all providers in the org. */
const LATER: Array<Cell['command']> = ['list', 'remove'];
const MODE_NAMES = Object.keys(COMMANDS) as Array<Cell['mode']>;

describe('no secret at any log level', () => {
  const ran = new Map<string, Ran>();
  const key = (cell: Cell): string => `${cell.logging}/${cell.mode}/${cell.command}`;
  let loginHome: string;

  /** A HOME of its own for each run (its sf log searched alone), holding a copy of the one login. */
  const homeWithLogin = (): string => {
    const home = mkdtempSync(join(tmpdir(), 'aap-hygiene-home-'));
    // The login's state folders; .sf holds only sf's log until a command has run, and the login process may not have.
    for (const dir of ['.sf', '.sfdx']) if (existsSync(join(loginHome, dir))) cpSync(join(loginHome, dir), join(home, dir), { recursive: true });
    return home;
  };

  /** A config file of two providers, plugin and native mode, each with its own secret variable. */
  const configFile = (logging: number): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'aap-hygiene-config-')), 'providers.yaml');
    const providers = [`LogF${logging}a`, `LogF${logging}b`].map((name, index) =>
      [`  - name: ${name}`, `    tenantId: ${TENANT}`, `    clientId: ${CLIENT_ID}`, `    mode: ${index === 0 ? 'plugin' : 'native'}`, `    clientSecretEnv: ${index === 0 ? 'FIRST_SECRET' : 'SECOND_SECRET'}`].join('\n')
    );
    writeFileSync(file, `providers:\n${providers.join('\n')}\n`);
    return file;
  };

  function argsOf(cell: Cell): string[] {
    const org = ['--target-org', 'matrix'];
    const app = ['--tenant-id', TENANT, '--client-id', CLIENT_ID];
    const letter = { plugin: 'P', native: 'N', certificate: 'C', config: 'F' }[cell.mode];
    const name = `Log${letter}${cell.logging}${cell.mode === 'config' ? 'a' : ''}`;
    if (cell.command === 'rotate-secret') return [...org, '--name', name, '--token-url', entra.tokenUrl(TENANT)];
    if (cell.command === 'list') return org;
    // Config file: the native provider goes, the plugin one stays (its shared pieces with it).
    if (cell.command === 'remove') return [...org, '--name', cell.mode === 'config' ? `LogF${cell.logging}b` : name, '--no-prompt'];
    // The certificate provider is checked in the org; the config file's plugin provider also from here, with its secret.
    if (cell.command === 'verify') return [...org, '--name', name, ...(cell.mode === 'config' ? [...app, '--token-url', entra.tokenUrl(TENANT)] : [])];
    if (cell.mode === 'config') return [...org, '--config-file', configFile(cell.logging), '--headless-auth'];
    if (cell.mode === 'certificate') return [...org, '--name', name, ...app, '--auth', 'certificate', '--certificate', 'Entra_Signing', '--certificate-file', join(PLUGIN_ROOT, CERTIFICATE_FILE), '--headless-auth'];
    return [...org, '--name', name, ...app, '--mode', cell.mode];
  }

  async function runCell(cell: Cell): Promise<void> {
    const args = argsOf(cell);
    // Human output and --json take turns down the rows.
    if (cell.logging % 2 === 1) args.push('--json');
    const home = homeWithLogin();
    const tmp = mkdtempSync(join(tmpdir(), 'aap-hygiene-tmp-'));
    const secrets = { AZURE_CLIENT_SECRET: SECRET, FIRST_SECRET: SECRET, SECOND_SECRET };
    const run = await runCliAsync(cell.command, args, { ...QUIET, ...LOGGING[cell.logging].env, HOME: home, TMPDIR: tmp, ...secrets });
    ran.set(key(cell), { ...run, home, tmp });
  }

  beforeAll(async () => {
    // verify checks plugin providers in the org: the plugin's refresh there is played (the emulator runs no Apex).
    playPluginToken(emu.org);
    loginHome = mkdtempSync(join(tmpdir(), 'aap-hygiene-login-'));
    await loginAs(emu, 'matrix', loginHome);
    // One chain per logging setting and mode (deploy, then what works on what it deployed); a few chains at a time.
    const chains = LOGGING.flatMap((_, logging) =>
      MODE_NAMES.map((mode) => async (): Promise<void> => {
        // eslint-disable-next-line no-await-in-loop
        for (const command of COMMANDS[mode]) if (!LATER.includes(command)) await runCell({ logging, mode, command });
      })
    );
    const inParallel = async (jobs: Array<() => Promise<void>>): Promise<void> => {
      const workers = Array.from({ length: 4 }, async () => {
        for (let job = jobs.shift(); job; job = jobs.shift()) await job(); // eslint-disable-line no-await-in-loop
      });
      await Promise.all(workers);
    };
    await inParallel(chains);
    // list and remove read every provider in the org: they run once nothing is being deployed, and the removals one
    // at a time, since a provider half removed by another run is not what this matrix tests.
    const later = (command: Cell['command']): Array<() => Promise<void>> =>
      LOGGING.flatMap((_, logging) => MODE_NAMES.filter((mode) => COMMANDS[mode].includes(command)).map((mode) => () => runCell({ logging, mode, command })));
    await inParallel(later('list'));
    for (const removal of later('remove')) await removal(); // eslint-disable-line no-await-in-loop
  }, 900_000);

  for (const [logging, { title, logs }] of LOGGING.entries()) {
    for (const mode of MODE_NAMES) {
      for (const command of COMMANDS[mode]) {
        it(`${command}, ${mode} mode, ${title}${logging % 2 === 1 ? ' (--json)' : ''}`, () => {
          const run = ran.get(key({ logging, mode, command }))!;
          const output = `${run.stdout}\n${run.stderr}`;
          expect({ status: run.status, output: run.status === 0 ? '' : output }).toEqual({ status: 0, output: '' });
          // Under DEBUG, @salesforce/core's pretty log goes to stdout too: the JSON is whole only without it.
          if (logging % 2 === 1 && !LOGGING[logging].env.DEBUG) expect(JSON.parse(run.stdout)).toMatchObject({ status: 0, result: command === 'rotate-secret' ? { status: 'Rotated', mode, verified: true } : {} });
          // The setting took effect: otherwise finding nothing would prove nothing.
          expect(logs({ stdout: run.stdout, stderr: run.stderr, files: filesBelow(run.home) })).toBe(true);
          for (const secret of [SECRET, SECOND_SECRET]) {
            expect(findSecret(secret, { texts: { stdout: run.stdout, stderr: run.stderr }, dirs: [run.home, run.tmp] })).toEqual([]);
          }
        });
      }
    }
  }

  it('native mode: a session that expires just before the secret is sent is refreshed, and the secret still stays out of the logs', async () => {
    emu.org.expireSessionsOn('updateCredential');
    const home = homeWithLogin();
    const tmp = mkdtempSync(join(tmpdir(), 'aap-hygiene-tmp-'));
    const args = ['--target-org', 'matrix', '--name', 'LogN0', '--token-url', entra.tokenUrl(TENANT), '--json'];
    const run = await runCliAsync('rotate-secret', args, { ...QUIET, SF_LOG_LEVEL: 'trace', HOME: home, TMPDIR: tmp, AZURE_CLIENT_SECRET: SECRET });
    expect(emu.org.sessionExpiries.size).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 0, result: { status: 'Rotated', mode: 'native' } });
    const writes = emu.org.requests.filter((request) => request.operation === 'updateCredential').slice(-2);
    expect(writes.map((request) => request.status)).toEqual([401, 200]);
    expect(findSecret(SECRET, { texts: { stdout: run.stdout, stderr: run.stderr }, dirs: [home, tmp] })).toEqual([]);
  });
});

describe('--client-secret under DEBUG', () => {
  // Plain, so that util.inspect in oclif's debug output prints it unescaped and every copy is counted.
  const FLAG_SECRET = 'flag-Secret~Value.7';

  it.each([
    ['generate', provider],
    ['deploy', ['--target-org', alias, ...provider]],
    ['verify', ['--target-org', alias, ...provider]],
    ['rotate-secret', ['--target-org', alias, '--name', 'AzureGraph']],
  ])('%s refuses it before parsing flags, naming what to use instead, and touches nothing', async (command, args) => {
    const work = mkdtempSync(join(tmpdir(), 'aap-hygiene-'));
    const before = emu.org.requests.length;
    const run = await runCliAsync(command, [...args, ...(command === 'generate' ? ['--output-dir', join(work, 'out')] : []), '--client-secret', FLAG_SECRET], {
      ...QUIET,
      DEBUG: '*',
      HOME: process.env.HOME,
      TMPDIR: work,
      AZURE_CLIENT_SECRET: undefined,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--client-secret.*DEBUG[\s\S]*AZURE_CLIENT_SECRET[\s\S]*--client-secret-stdin/);
    // (DEBUG makes the CLI print every error's stack, ours included: not checked here.)
    expect(emu.org.requests.length).toBe(before);
    expect(filesBelow(work)).toEqual([]);
    // oclif prints argv three times (main, runCommand, the command's init) before any plugin code runs; that is
    // all: no parse output, no error, no log of ours repeats it.
    expect(run.stderr.split(FLAG_SECRET).length - 1).toBe(3);
    record({ tried: 1, refused: 1 });
  });
});

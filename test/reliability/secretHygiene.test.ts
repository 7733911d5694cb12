/*
 * The secret never leaves the secret's own path. Every command runs in every mode (success and its failures, human
 * and --json output, SF_LOG_LEVEL=trace) with a recognizable secret, and it must appear in none of: stdout, stderr,
 * the --json result, error messages, the files generate writes (Apex included), the sf logs under HOME, and the
 * debug logs verify saves.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { connect, recordValue, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, PLUGIN_ROOT, runCliAsync } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';

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
  { title: 'verify passes', command: 'verify', args: () => ['--target-org', alias, ...provider, '--token-url', entra.tokenUrl(TENANT)], exit: 0 },
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
    leaves: /azure-authprovider-verify-AzureGraph-\d+-token\.log$/,
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
  const stored = (name: string): Promise<unknown> => recordValue(connect(emu), `Azure_Client_Credential.${name}`, 'Client_Secret__c');

  it.each([
    ['the environment', 'FromEnv', { AZURE_CLIENT_SECRET: SECRET }, undefined],
    ['standard input (--client-secret-stdin)', 'FromStdin', { AZURE_CLIENT_SECRET: undefined }, `${SECRET}\n`],
  ])('from %s, byte for byte, with XML, Apex and Handlebars specials', async (_source, name, env, input) => {
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

/**
 * The committed result schemas describe what the commands really print with --json: ./bin/run.js runs in child
 * processes against the org emulator and a fake Entra, and each `result` (successes and failures that still carry
 * one) must validate against schemas/<command>.json. The schemas forbid properties they do not name, so a field
 * added to a result without `npm run schemas:update` fails here as well as in commandContract.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync } from '../helpers/runCli.js';
import { certificateFlags, CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

const alias = 'schemaOrg';
const work = mkdtempSync(join(tmpdir(), 'aap-json-'));
const validators = new Map<string, ValidateFunction>();
let emu: Emulator;
let entra: FakeEntra;

beforeAll(async () => {
  const { Ajv } = await import('ajv');
  // Strict: a schema with a keyword Ajv does not know is itself an error.
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const command of ['generate', 'deploy', 'verify', 'list', 'rotate-secret', 'remove']) {
    const file = join(PLUGIN_ROOT, 'schemas', `azure__authprovider-${command.replaceAll('-', '__')}.json`);
    validators.set(command, ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object));
  }
  ({ emu } = await start({ username: 'admin@schemas.example.com' }));
  await loginAs(emu, alias);
  entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All'] }] });
});
afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});

/** Runs a command with --json and checks its result against the command's schema; returns the exit code and result. */
async function runAndValidate(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<{ status: number | null; result: Record<string, unknown> }> {
  const run = await runCliAsync(command, [...args, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...env }, PLUGIN_ROOT, input);
  let printed: { result?: Record<string, unknown> };
  try {
    printed = JSON.parse(run.stdout) as typeof printed;
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
  if (!printed.result) throw new Error(`${command} printed no result (exit ${String(run.status)}):\n${run.stdout}`);
  const validate = validators.get(command)!;
  if (!validate(printed.result)) {
    const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '(result)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    throw new Error(`${command}'s --json result does not match its committed schema:\n  ${errors.join('\n  ')}\n${JSON.stringify(printed.result, null, 2)}`);
  }
  return { status: run.status, result: printed.result };
}

const out = (name: string): string => join(work, name, 'force-app');
const org = ['--target-org', alias];

describe('--json results match the committed schemas', () => {
  it.each([
    ['a plugin provider with a secret', [...validFlags, '--execution-user', 'admin@contoso.com']],
    ['a native provider', [...validFlags, '--mode', 'native']],
    ['a legacy Named Credential', [...validFlags, '--model', 'legacy']],
    ['a certificate credential', certificateFlags],
  ])('generate: %s', async (name, flags) => {
    const { status, result } = await runAndValidate('generate', [...flags, '--output-dir', out(name)]);
    expect(status).toBe(0);
    expect(result.files).not.toHaveLength(0);
  });

  it('generate: two providers from a config file, run again (files unchanged)', async () => {
    const config = join(work, 'providers.json');
    writeFileSync(config, JSON.stringify({ providers: [{ name: 'One', tenantId: TENANT, clientId: CLIENT_ID }, { name: 'Two', tenantId: TENANT, clientId: CLIENT_ID, mode: 'native' }] }));
    await runAndValidate('generate', ['--config-file', config, '--output-dir', out('config')]);
    const again = await runAndValidate('generate', ['--config-file', config, '--output-dir', out('config')]);
    expect((again.result.files as Array<{ state: string }>).every((file) => file.state === 'unchanged')).toBe(true);
  });

  it('deploy: --dry-run, then a deploy with the headless flow', async () => {
    expect((await runAndValidate('deploy', [...org, ...validFlags, '--dry-run'])).status).toBe(0);
    const { status, result } = await runAndValidate('deploy', [...org, ...validFlags, '--headless-auth']);
    expect(status).toBe(0);
    expect(result.status).toBe('Succeeded');
  });

  it('deploy: failing Apex tests (exit 1)', async () => {
    emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: false, message: 'System.AssertException: Assertion Failed', stackTrace: 'Class.AzureClientCredentialsProviderTest.x: line 12, column 1' });
    try {
      const { status, result } = await runAndValidate('deploy', [...org, '--name', 'Broken', '--tenant-id', TENANT, '--client-id', CLIENT_ID]);
      expect(status).toBe(1);
      expect(result.status).toBe('Failed');
    } finally {
      emu.org.setTestOutcome('AzureClientCredentialsProviderTest', { pass: true });
    }
  });

  it('list', async () => {
    const { result } = await runAndValidate('list', org);
    expect(result.providers).toEqual([expect.objectContaining({ name: 'AzureGraph' })]);
  });

  it('verify: the local token check, passing and refused (exit 10), and the check in the org', async () => {
    const local = ['--tenant-id', TENANT, '--client-id', CLIENT_ID, '--token-url', entra.tokenUrl(TENANT)];
    expect((await runAndValidate('verify', local)).status).toBe(0);
    expect((await runAndValidate('verify', local, { AZURE_CLIENT_SECRET: 'not-the-secret' })).status).toBe(10);
    const inOrg = await runAndValidate('verify', [...org, '--name', 'AzureGraph', '--path', '/']);
    expect(inOrg.result.checks).not.toHaveLength(0);
  });

  it('rotate-secret: refused by Entra (exit 10), then rotated from stdin', async () => {
    const rotate = [...org, '--name', 'AzureGraph', '--token-url', entra.tokenUrl(TENANT)];
    expect((await runAndValidate('rotate-secret', [...rotate, '--wait', '0'], { AZURE_CLIENT_SECRET: 'not-the-secret' })).status).toBe(10);
    const rotated = await runAndValidate('rotate-secret', [...rotate, '--client-secret-stdin'], { AZURE_CLIENT_SECRET: undefined }, `${HOSTILE_SECRET}\n`);
    expect(rotated.result.status).toBe('Rotated');
  });

  it('remove: planned with --dry-run, then everything', async () => {
    expect((await runAndValidate('remove', [...org, '--name', 'AzureGraph', '--dry-run'])).status).toBe(0);
    const { status, result } = await runAndValidate('remove', [...org, '--all', '--no-prompt']);
    expect(status).toBe(0);
    expect(result.status).toBe('Removed');
  });
});

/*
 * What a user sees when a command refuses: the exit code from the plugin's one exit-code table (2 for every kind of
 * bad input, whether oclif, @salesforce/core or the plugin finds it), sf's "Try this:" actions under the message,
 * and --help sections that list each command's exit codes and the environment variables it reads. All through
 * ./bin/run.js in child processes, with a fresh HOME (so no org is logged in and none is the default).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';
import { EXIT_CODES } from '../../src/errors/exitCodes.js';

const provider = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID];
const work = mkdtempSync(join(tmpdir(), 'aap-errors-'));

type JsonError = { status: number; name: string; message: string; actions?: string[]; stack?: string };
const jsonOf = (stdout: string): JsonError => JSON.parse(stdout) as JsonError;

describe('bad input exits 2, with one message naming the flag', () => {
  it.each([
    ['a missing --config-file', 'generate', ['--config-file', join(work, 'nope.yaml')], '--config-file'],
    ['an unknown --target-org', 'list', ['--target-org', 'nobody@nowhere.example.com'], '--target-org'],
    ['an unknown --target-org of deploy', 'deploy', ['--target-org', 'nope', ...provider], '--target-org'],
    ['--wait abc', 'deploy', ['--wait', 'abc', ...provider], '--wait'],
    ['--wait abc of remove', 'remove', ['--wait', 'abc', '--name', 'AzureGraph'], '--wait'],
    ['--api-version abc', 'deploy', ['--api-version', 'abc', ...provider], '--api-version'],
    ['no --target-org and no default org', 'list', [], '--target-org'],
    ['a value outside the options', 'generate', ['--cloud', 'mars', ...provider], '--cloud'],
    ['an unknown flag', 'generate', ['--bogus'], '--bogus'],
    ['an invalid tenant', 'generate', ['--name', 'AzureGraph', '--tenant-id', 'not a tenant', '--client-id', CLIENT_ID], '--tenant-id'],
  ])('%s', (_what, command, args, flag) => {
    const run = runCli(command, command === 'generate' ? [...args, '--output-dir', join(work, 'out')] : args);
    expect(run.stderr).toContain(flag);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.status).toBe(2);
  });

  it('--json says the same: status 2, naming the flag', () => {
    const run = runCli('deploy', ['--wait', 'abc', ...provider, '--json']);
    expect(run.status).toBe(2);
    expect(jsonOf(run.stdout)).toMatchObject({ status: 2, message: expect.stringContaining('--wait') });
  });
});

describe('errors carry what to do next', () => {
  it('prints "Try this:" with the action under an invalid value', () => {
    const run = runCli('generate', ['--name', 'AzureGraph', '--tenant-id', 'not a tenant', '--client-id', CLIENT_ID, '--output-dir', join(work, 'out')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--tenant-id must be the directory \(tenant\) ID[\s\S]*Try this:[\s\S]*--help describes what each flag accepts/);
  });

  it('names the flag to add when verify has nothing to check, and the action is in --json too', () => {
    const human = runCli('verify', []);
    expect(human.status).toBe(2);
    expect(human.stderr).toMatch(/Nothing to verify[\s\S]*Try this:[\s\S]*--client-id/);
    const json = runCli('verify', ['--json']);
    expect(json.status).toBe(2);
    expect(jsonOf(json.stdout)).toMatchObject({ name: 'NothingToVerifyError', actions: [expect.stringContaining('--client-id')] });
  });

  it('points to sf org login when the org is unknown', () => {
    const run = runCli('list', ['--target-org', 'nobody@nowhere.example.com']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Try this:[\s\S]*sf org login/);
  });

  it('tells the user to give a directory when --output-dir is a file', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const run = runCli('generate', [...provider, '--output-dir', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is a file[\s\S]*Try this:[\s\S]*--output-dir/);
  });

  it('asks for --target-org when verify --name has no org', () => {
    const run = runCli('verify', ['--name', 'AzureGraph']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Try this:[\s\S]*--target-org/);
  });
});

describe('--help lists the exit codes and the environment variables', () => {
  const codeLine = (name: keyof typeof EXIT_CODES): RegExp => new RegExp(`${name} \\(${EXIT_CODES[name]}\\)`);

  it.each([
    ['generate', ['success', 'invalid-input', 'failed'], ['AZURE_CLIENT_SECRET']],
    ['deploy', ['success', 'failed', 'invalid-input', 'org-too-old', 'after-deploy', 'timeout', 'no-answer'], ['AZURE_CLIENT_SECRET', 'BROWSER', 'SF_TARGET_ORG', 'AZURE_AUTHPROVIDER_REQUEST_TIMEOUT']],
    ['verify', ['success', 'invalid-input', 'credentials', 'unreachable', 'org-setup', 'api-access'], ['AZURE_CLIENT_SECRET', 'SF_TARGET_ORG']],
    ['rotate-secret', ['success', 'invalid-input', 'credentials', 'unreachable', 'org-setup', 'no-answer'], ['AZURE_CLIENT_SECRET', 'SF_TARGET_ORG', 'AZURE_AUTHPROVIDER_REQUEST_TIMEOUT']],
    ['list', ['success', 'invalid-input'], ['SF_TARGET_ORG']],
    ['remove', ['success', 'failed', 'invalid-input'], ['SF_TARGET_ORG']],
  ] as Array<[string, Array<keyof typeof EXIT_CODES>, string[]]>)('%s', (command, codes, variables) => {
    const run = runCli(command, ['--help']);
    expect(run.status).toBe(0);
    const errorCodes = run.stdout.split('ERROR CODES')[1] ?? '';
    for (const code of codes) expect(errorCodes).toMatch(codeLine(code));
    const env = run.stdout.split('ENVIRONMENT VARIABLES')[1]?.split('ERROR CODES')[0] ?? '';
    for (const variable of variables) expect(env).toContain(variable);
  });
});

describe('--help reads as sf help does', () => {
  it.each(['deploy', 'verify', 'rotate-secret', 'remove', 'generate', 'list'])('%s: every example is a command line after "$ ", and --wait shows its default', (command) => {
    const help = runCli(command, ['--help']).stdout;
    const examples = help.split('EXAMPLES')[1]?.split(/\n[A-Z][A-Z ]+\n/)[0] ?? '';
    // oclif puts "$ " before an example only when it starts with the command; one that starts with VAR=... loses it.
    const commandLines = examples.split('\n').filter((line) => /\bsf azure-authprovider\b/.test(line));
    expect(commandLines.length).toBeGreaterThan(0);
    for (const line of commandLines) expect(line).toMatch(/^\s+\$ sf azure-authprovider /);
    // deploy and remove wait 33 minutes for a deploy; verify (0) and rotate-secret (3) for Entra to replicate a credential.
    const waitDefaults: Record<string, number> = { verify: 0, 'rotate-secret': 3 };
    const waitDefault = waitDefaults[command] ?? 33;
    if (/--wait=/.test(help)) expect(help).toMatch(new RegExp(`--wait=<value>\\s+[\\s\\S]*?\\(default ${waitDefault}\\)`));
  });
});

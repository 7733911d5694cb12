/*
 * Progress outside a terminal, as CI logs and pipes get it: deploy runs as a child process whose standard error is a
 * pipe, against the org emulator, and its stages must come one to a line, each status change on a line of its own.
 */
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from '../helpers/orgLogin.js';
import { runCliAsync } from '../helpers/runCli.js';
import { HOSTILE_SECRET, validFlags } from '../helpers/values.js';

let emu: Emulator;
beforeAll(async () => {
  // Polls that answer Pending, then InProgress, before the deploy succeeds: several status changes in one stage.
  ({ emu } = await start({ username: 'admin@progress.example.com', orgType: 'production', queuedPolls: 2, inProgressPolls: 3 }));
  await loginAs(emu, 'progress');
});
afterAll(async () => emu?.stop());

const deploy = (...extra: string[]) =>
  runCliAsync('deploy', ['--target-org', 'progress', ...validFlags, ...extra], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET, CI: undefined });

describe('deploy progress on a standard error that is not a terminal', () => {
  it('prints each stage on its own line and each status change indented under it, none repeated', async () => {
    const run = await deploy();
    expect(run.status).toBe(0);
    const lines = run.stderr.split('\n');
    const stages = lines.filter((line) => line.endsWith('...'));
    expect(stages).toEqual([
      'Reading the target org...',
      'Deploying (API 64.0, tests: RunSpecifiedTests)...',
      'Assigning permission set AzureGraph_Callout...',
      'Storing the client secret in the token credential AzureGraph_Token, principal NamedPrincipal (Connect REST, encrypted)...',
      'Checking the principal of AzureGraph...',
    ]);
    const deploying = lines.indexOf('Deploying (API 64.0, tests: RunSpecifiedTests)...');
    const statuses = lines.slice(deploying + 1, lines.indexOf('Assigning permission set AzureGraph_Callout...'));
    expect(statuses[0]).toMatch(/^ {2}Deploy ID: 0Af\w{15}$/);
    expect(statuses.slice(1)).toEqual(
      expect.arrayContaining(['  Pending: 0/0 components, 0/0 tests', '  InProgress: 0/0 components, 0/0 tests', '  Succeeded: 11/11 components, 29/29 tests'])
    );
    for (const status of statuses.slice(1)) expect(status).toMatch(/^ {2}\w+: \d+\/\d+ components, \d+\/\d+ tests$/);
    // The same status polled again is not printed again.
    expect(lines.filter((line, index) => line !== '' && line === lines[index - 1])).toEqual([]);
    expect(run.stderr).not.toMatch(/\.\.\. ?\S.*\.\.\./);
    expect(run.stdout).toContain('Deployed AzureGraph');
  });

  it('prints no progress with --json', async () => {
    const run = await deploy('--json');
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('Deploying');
    expect(run.stderr).not.toContain('Deploy ID');
  });
});

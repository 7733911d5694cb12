/*
 * Faults injected by the org emulator while `deploy` runs as a user runs it. After each, the command has either
 * completed (every piece in the org, the permission set assigned, the principal authenticated) or failed clearly
 * (exit code, one message, no stack trace) with the org as it was or completed by a re-run: never half-configured.
 * Also: two deploys of different providers into one org at the same time.
 */
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import { freshSandbox } from '../helpers/orgLogin.js';
import { runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';

let emu: Emulator;
let alias: string;
async function freshOrg(options: EmulatorOptions = {}): Promise<void> {
  ({ emu, alias } = await freshSandbox('fault', options));
}
afterEach(async () => emu?.stop());

const provider = (name: string): string[] => ['--name', name, '--tenant-id', TENANT, '--client-id', CLIENT_ID];

async function deploy(name = 'AzureGraph'): Promise<CliRun & { json: { status: number; name?: string; message?: string; actions?: string[]; result?: unknown } }> {
  const run = await runCliAsync('deploy', ['--target-org', alias, ...provider(name), '--headless-auth', '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at \S+ \(|TypeError|Cannot read properties/);
  expect(findSecret(HOSTILE_SECRET, { texts: { stdout: run.stdout, stderr: run.stderr } })).toEqual([]);
  return { ...run, json: JSON.parse(run.stdout) as { status: number; name?: string; message?: string; result?: unknown } };
}

/** How much of a provider the org holds: none of its components, all of them, or (never acceptable) some. */
function state(name = 'AzureGraph'): 'none' | 'deployed' | 'configured' | 'partial' {
  const pieces: Array<[string, string]> = [
    ['ApexClass', 'AzureClientCredentialsProvider'],
    ['ApexClass', 'AzureClientCredentialsProviderTest'],
    ['CustomObject', 'Azure_Client_Credential__mdt'],
    ['CustomMetadata', `Azure_Client_Credential.${name}`],
    ['RemoteSiteSetting', 'TokenHost_login_microsoftonline_com'],
    ['AuthProvider', name],
    ['NamedCredential', name],
    ['ExternalCredential', name],
    ['PermissionSet', `${name}_Callout`],
  ];
  const present = pieces.filter(([type, fullName]) => emu.org.get(type, fullName)).length;
  if (present === 0) return 'none';
  if (present < pieces.length) return 'partial';
  const ps = emu.org.get('PermissionSet', `${name}_Callout`)!;
  const assigned = emu.org.permissionSetAssignments.filter((a) => a.permissionSetId === ps.id && a.assigneeId === emu.org.adminUser.id).length;
  const authenticated = emu.org.configuredPrincipals.has(`${name}|namedprincipal`.toLowerCase());
  return assigned === 1 && authenticated ? 'configured' : 'deployed';
}

const survived = (): void => record({ faultsSurvived: 1 });

describe('deploy under injected faults', () => {
  it.each([
    ['a 503 answer to deploy', 'deploy', 503, 1],
    ['a dropped connection on deploy', 'deploy', 'reset', 1],
    ['500 answers to checkDeployStatus', 'checkDeployStatus', 500, 2],
    ['dropped connections on checkDeployStatus', 'checkDeployStatus', 'reset', 2],
    ['a 503 answer to the Connect status call', 'getExternalCredential', 503, 1],
  ] as const)('completes after %s', async (_title, operation, status, count) => {
    await freshOrg({ queuedPolls: 2, inProgressPolls: 2 });
    emu.org.injectFault(operation, status, count);
    const run = await deploy();
    expect(run.status).toBe(0);
    expect(state()).toBe('configured');
    // The faults happened: answers of 5xx, or no answer at all (a dropped connection).
    expect(emu.org.requests.filter((request) => request.operation === operation && (request.status === undefined || request.status >= 500)).length).toBeGreaterThanOrEqual(count);
    // One deploy reached the org: the retried submission did not queue a second.
    expect(emu.org.requests.filter((request) => request.operation === 'deploy' && request.status === 200)).toHaveLength(1);
    survived();
  });

  it('completes with slow answers (400 ms each)', async () => {
    await freshOrg({ latencyMs: 400 });
    const run = await deploy();
    expect(run.status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });

  it('completes when the session expires while it polls, by refreshing it', async () => {
    await freshOrg({ queuedPolls: 3, inProgressPolls: 3 });
    const firstPoll = (): number => emu.org.requests.findIndex((request) => request.operation === 'checkDeployStatus');
    // Count the calls a deploy makes before its first poll, then let the session die two polls later.
    const probe = await deploy();
    expect(probe.status).toBe(0);
    const callsBeforePolling = firstPoll();
    await emu.stop();
    await freshOrg({ queuedPolls: 3, inProgressPolls: 3 });
    emu.org.expireSessionAfter(callsBeforePolling + 2);
    const run = await deploy();
    expect(run.status).toBe(0);
    expect(state()).toBe('configured');
    const refresh = emu.org.requests.findIndex((request) => request.operation === 'token');
    expect(refresh).toBeGreaterThan(firstPoll());
    expect(emu.org.requests[refresh - 1]).toMatchObject({ operation: 'checkDeployStatus', status: 500 });
    survived();
  });

  it('fails clearly and changes nothing when the last component is refused; a re-run completes', async () => {
    await freshOrg();
    emu.org.rejectComponent('PermissionSet', 'AzureGraph_Callout', 'duplicate value found: Label duplicates value on record with id: 0PS000000000042');
    const failed = await deploy();
    expect(failed.status).toBe(1);
    expect(failed.json).toMatchObject({
      status: 1,
      result: { status: 'Failed', componentFailures: [{ type: 'PermissionSet', name: 'AzureGraph_Callout', problem: expect.stringContaining('duplicate value found') }] },
    });
    expect(state()).toBe('none');
    emu.org.rejectComponent('PermissionSet', 'AzureGraph_Callout', undefined);
    expect((await deploy()).status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });

  it('reports a failed permission set assignment after the deploy (exit 4); a re-run completes it once', async () => {
    await freshOrg();
    emu.org.injectFault('create', 503, 20);
    const failed = await deploy();
    expect(failed.status).toBe(4);
    expect(failed.json.message).toMatch(/failed: An unexpected error occurred \(emulated HTTP 503\)\.$/);
    expect(failed.json.actions).toEqual([expect.stringMatching(/^Run the same deploy command again/)]);
    expect(state()).toBe('deployed');
    emu.org.faults.clear();
    expect((await deploy()).status).toBe(0);
    expect(state()).toBe('configured');
    survived();
  });

  it('gives up clearly when deploy keeps failing, with nothing changed', async () => {
    await freshOrg();
    emu.org.injectFault('deploy', 503, 20);
    const failed = await deploy();
    expect(failed.status).not.toBe(0);
    expect(failed.json.message).toBeTruthy();
    expect(state()).toBe('none');
    survived();
  });

  it('lets two deploys of different providers run into one org at the same time', async () => {
    await freshOrg({ deployMs: 300 });
    const [graph, sharepoint] = await Promise.all([deploy('AzureGraph'), deploy('SharePoint')]);
    expect([graph.status, sharepoint.status]).toEqual([0, 0]);
    expect(state('AzureGraph')).toBe('configured');
    expect(state('SharePoint')).toBe('configured');
    // The shared class and type exist once, whole: the type still has every field the plugin reads.
    expect(emu.org.list('ApexClass').map((c) => c.fullName).sort()).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);
    expect(emu.org.list('CustomField').map((f) => f.fullName.split('.')[1]).sort()).toEqual(
      [
        'Auth_Method__c',
        'Auth_Provider_Name__c',
        'Certificate_Name__c',
        'Certificate_Thumbprint__c',
        'Client_ID__c',
        'Client_Secret__c',
        'Resource__c',
        'Scope__c',
        'Tenant_ID__c',
        'Token_Credential__c',
        'Token_URL__c',
      ].sort()
    );
    expect(emu.org.list('CustomMetadata').map((r) => r.fullName).sort()).toEqual(['Azure_Client_Credential.AzureGraph', 'Azure_Client_Credential.SharePoint']);
    survived();
  });
});

/*
 * remove finishes what it started: runs that stopped half-way (the org refused one deletion, or the destructive
 * deploy of the shared class), and pieces deleted behind the plugin's back through the emulator's own API, as an
 * admin in Setup would. Each case ends with `remove` through the real CLI and compares the whole org with how it
 * was before the first deploy.
 */
import { connect, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { loginAs } from '../helpers/orgLogin.js';
import { PLUGIN_ROOT, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';

const alias = 'leftovers';
const home = { HOME: process.env.HOME };
const RECORD = 'Azure_Client_Credential.AzureGraph';
const DROPPED = 'Simulated: the connection to the org dropped';
let emu: Emulator;
let entra: FakeEntra;
let before: string;
const outputs: string[] = [];

function snapshot(): string {
  const types = [...emu.org.metadata.keys()].sort();
  const components = types.flatMap((type) => emu.org.list(type).map((c) => `${type}:${c.fullName}:${JSON.stringify(c.tree)}:${c.source ?? ''}`).sort());
  return [...components, ...emu.org.permissionSetAssignments.map((a) => `assignment:${a.permissionSetId}:${a.assigneeId}`).sort()].join('\n');
}
const names = (type: string): string[] => emu.org.list(type).map((c) => c.fullName).sort();
const planned = (result: { removals: Array<{ type: string; name: string; orphan: boolean }> }): string[] =>
  result.removals.map((r) => `${r.type} ${r.name}${r.orphan ? ' (orphan)' : ''}`);

type Run = CliRun & { json: { status: number; result: any; message?: string; warnings?: string[] } };
async function run(command: string, args: string[], json = true): Promise<Run> {
  const result = await runCliAsync(command, ['--target-org', alias, ...args, ...(json ? ['--json'] : [])], { ...home, AZURE_CLIENT_SECRET: HOSTILE_SECRET }, PLUGIN_ROOT);
  outputs.push(result.stdout, result.stderr);
  if (!json) return { ...result, json: { status: result.status ?? -1, result: undefined } };
  try {
    return { ...result, json: JSON.parse(result.stdout) as Run['json'] };
  } catch {
    throw new Error(`${command} did not print JSON (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}
async function deploy(args: string[]): Promise<void> {
  const deployed = await run('deploy', [...args, '--headless-auth']);
  expect(deployed.json).toMatchObject({ status: 0 });
}
/** A remove that the org stops at this component, as a dropped connection would. */
async function removeStoppedAt(type: string, name: string, args: string[]): Promise<Run> {
  emu.org.rejectComponent(type, name, DROPPED);
  const stopped = await run('remove', [...args, '--no-prompt']);
  emu.org.rejectComponent(type, name, undefined);
  expect(stopped.status).toBe(1);
  expect(stopped.json.message).toContain(DROPPED);
  return stopped;
}
/** Deletes a component behind the plugin's back (no reference check), as a test's stand-in for Setup. */
function deleteDirectly(type: string, name: string): void {
  const component = emu.org.get(type, name);
  expect(component).toBeDefined();
  emu.org.remove(type, name);
  if (type === 'PermissionSet') {
    for (let i = emu.org.permissionSetAssignments.length - 1; i >= 0; i -= 1) {
      if (emu.org.permissionSetAssignments[i].permissionSetId === component!.id) emu.org.permissionSetAssignments.splice(i, 1);
    }
  }
}

beforeAll(async () => {
  entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: HOSTILE_SECRET, roles: ['User.Read.All'] }] });
  ({ emu } = await start({ username: 'admin@leftovers.example.com' }));
  emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  await loginAs(emu, alias);
  before = snapshot();
});
afterAll(async () => {
  await emu?.stop();
  await entra?.stop();
});
afterEach(() => {
  // The record holds the secret; finding it must not print it.
  expect(outputs.join('\n')).not.toContain(HOSTILE_SECRET);
  outputs.length = 0;
});

describe('remove after a remove that stopped half-way', () => {
  it('remove --all stopped at the record: list and --dry-run show the record, and remove --all leaves nothing of the plugin', async () => {
    await deploy(validFlags);
    await removeStoppedAt('CustomMetadata', RECORD, ['--all']);
    expect(names('AuthProvider')).toEqual([]);
    expect(names('CustomMetadata')).toEqual([RECORD]);

    const listed = await run('list', []);
    expect(listed.json.result.providers).toEqual([]);
    expect(listed.json.result.orphans).toEqual([
      { name: 'AzureGraph', mode: 'plugin', record: RECORD, tokenUrl: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, permissionSets: [], namedCredentials: [], externalCredentials: [] },
    ]);
    const human = await run('list', [], false);
    expect(human.stderr).toMatch(/Left behind by an unfinished remove[\s\S]*AzureGraph: CustomMetadata Azure_Client_Credential\.AzureGraph/);

    const dry = await run('remove', ['--all', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.json.result.providers).toEqual(['AzureGraph']);
    expect(planned(dry.json.result)).toEqual([
      `CustomMetadata ${RECORD} (orphan)`,
      'RemoteSiteSetting TokenHost_login_microsoftonline_com (orphan)',
      'ApexClass AzureClientCredentialsProviderTest (orphan)',
      'ApexClass AzureClientCredentialsProvider (orphan)',
      'CustomObject Azure_Client_Credential__mdt (orphan)',
    ]);

    const finished = await run('remove', ['--all', '--no-prompt']);
    expect(finished.json).toMatchObject({ status: 0, result: { status: 'Removed', remaining: [], untouched: [] } });
    expect(snapshot()).toBe(before);
  });

  it('remove --name stopped at the record: remove --name finishes it and leaves the other provider, its host and the shared class', async () => {
    await deploy(validFlags);
    await deploy(['--name', 'SharePoint', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--scope', 'https://contoso.sharepoint.com/.default']);
    await removeStoppedAt('CustomMetadata', RECORD, ['--name', 'AzureGraph']);

    const human = await run('remove', ['--name', 'AzureGraph', '--dry-run'], false);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`CustomMetadata ${RECORD} (left behind)`);
    const finished = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(finished.json.result).toMatchObject({
      status: 'Removed',
      providers: ['AzureGraph'],
      remaining: ['SharePoint'],
      removals: [{ type: 'CustomMetadata', name: RECORD, state: 'deleted', orphan: true }],
    });
    expect(names('CustomMetadata')).toEqual(['Azure_Client_Credential.SharePoint']);
    expect(names('AuthProvider')).toEqual(['SharePoint']);
    expect(names('RemoteSiteSetting')).toEqual(['TokenHost_login_microsoftonline_com']);
    expect(names('ApexClass')).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);

    expect((await run('remove', ['--all', '--no-prompt'])).status).toBe(0);
    expect(snapshot()).toBe(before);
  });

  it('the destructive deploy of the shared class failed: the next remove --all deletes what is left', async () => {
    await deploy(validFlags);
    await removeStoppedAt('ApexClass', 'AzureClientCredentialsProvider', ['--all']);
    expect(names('AuthProvider')).toEqual([]);
    expect(names('ApexClass')).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);
    expect((await run('remove', ['--all', '--no-prompt'])).status).toBe(0);
    expect(snapshot()).toBe(before);
  });
});

describe('pieces left when others were deleted behind the plugin', () => {
  it('plugin mode, Auth. Provider and record gone: the assigned permission set, its External and Named Credential go with remove --all', async () => {
    await deploy(validFlags);
    expect(emu.org.permissionSetAssignments).toHaveLength(1);
    deleteDirectly('AuthProvider', 'AzureGraph');
    deleteDirectly('CustomMetadata', RECORD);

    const listed = await run('list', []);
    expect(listed.json.result.orphans).toEqual([
      // The token credential goes with them: its principal holds the secret.
      { name: 'AzureGraph', mode: 'plugin', permissionSets: ['AzureGraph_Callout'], namedCredentials: ['AzureGraph', 'AzureGraph_Token'], externalCredentials: ['AzureGraph', 'AzureGraph_Token'] },
    ]);
    const finished = await run('remove', ['--all', '--no-prompt']);
    expect(finished.status).toBe(0);
    expect(planned(finished.json.result).slice(0, 5)).toEqual([
      'PermissionSet AzureGraph_Callout (orphan)',
      'NamedCredential AzureGraph (orphan)',
      'NamedCredential AzureGraph_Token (orphan)',
      'ExternalCredential AzureGraph (orphan)',
      'ExternalCredential AzureGraph_Token (orphan)',
    ]);
    expect(snapshot()).toBe(before);
  });

  it('a token credential left alone still holds the secret: list finds it by its mark, remove --all deletes it with the secret', async () => {
    await deploy(validFlags);
    for (const [type, name] of [['PermissionSet', 'AzureGraph_Callout'], ['NamedCredential', 'AzureGraph'], ['ExternalCredential', 'AzureGraph'], ['AuthProvider', 'AzureGraph'], ['CustomMetadata', RECORD]]) {
      deleteDirectly(type, name);
    }
    expect(emu.org.principalCredentials.get(emu.org.principalKey('AzureGraph_Token', 'NamedPrincipal'))).toBeDefined();
    const listed = await run('list', []);
    expect(listed.json.result.orphans).toEqual([
      { name: 'AzureGraph', mode: 'plugin', permissionSets: [], namedCredentials: ['AzureGraph_Token'], externalCredentials: ['AzureGraph_Token'] },
    ]);
    const finished = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(planned(finished.json.result).slice(0, 2)).toEqual(['NamedCredential AzureGraph_Token (orphan)', 'ExternalCredential AzureGraph_Token (orphan)']);
    expect(emu.org.principalCredentials.get(emu.org.principalKey('AzureGraph_Token', 'NamedPrincipal'))).toBeUndefined();
    expect((await run('remove', ['--all', '--no-prompt'])).status).toBe(0);
    expect(snapshot()).toBe(before);
  });

  it('native mode, External Credential gone: remove --name deletes its assigned permission set and its Named Credential', async () => {
    await deploy([...validFlags, '--mode', 'native']);
    expect(emu.org.permissionSetAssignments).toHaveLength(1);
    deleteDirectly('ExternalCredential', 'AzureGraph');

    const listed = await run('list', []);
    expect(listed.json.result).toMatchObject({
      providers: [],
      orphans: [{ name: 'AzureGraph', mode: 'native', permissionSets: ['AzureGraph_Callout'], namedCredentials: ['AzureGraph'], externalCredentials: [] }],
      untouched: [],
    });
    const removed = await run('remove', ['--name', 'AzureGraph', '--no-prompt']);
    expect(removed.status).toBe(0);
    expect(planned(removed.json.result)).toEqual(['PermissionSet AzureGraph_Callout (orphan)', 'NamedCredential AzureGraph (orphan)']);
    expect(emu.org.permissionSetAssignments).toEqual([]);
    expect(snapshot()).toBe(before);
  });

  it('a Named Credential that only points at a gone External Credential is listed with the reason, and never deleted', async () => {
    await deploy([...validFlags, '--mode', 'native']);
    deleteDirectly('PermissionSet', 'AzureGraph_Callout');
    deleteDirectly('ExternalCredential', 'AzureGraph');
    const untouched = [{ type: 'NamedCredential', name: 'AzureGraph', refersTo: 'AzureGraph', reason: expect.stringMatching(/External Credential AzureGraph, which is gone, and nothing marks it/) }];

    expect((await run('list', [])).json.result).toMatchObject({ orphans: [], untouched });
    const notOurs = await run('remove', ['--name', 'AzureGraph', '--dry-run']);
    expect(notOurs.json.status).toBe(0);
    expect(notOurs.json.result).toMatchObject({ removals: [], untouched });
    const all = await run('remove', ['--all', '--no-prompt'], false);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/Not touched[\s\S]*NamedCredential AzureGraph: it uses the External Credential AzureGraph/);
    expect(names('NamedCredential')).toEqual(['AzureGraph']);

    deleteDirectly('NamedCredential', 'AzureGraph');
    expect(snapshot()).toBe(before);
  });
});

describe('nothing else is touched', () => {
  it('a permission set and a remote site that do not carry the plugin mark stay through remove --all', async () => {
    const conn = connect(emu);
    emu.org.addMetadata('PermissionSet', 'AzureGraph_Callout', '<PermissionSet><label>Someone else</label><hasActivationRequired>false</hasActivationRequired></PermissionSet>');
    emu.org.addMetadata('RemoteSiteSetting', 'TokenHost_example_com', '<RemoteSiteSetting><isActive>true</isActive><url>https://example.com</url><disableProtocolSecurity>false</disableProtocolSecurity></RemoteSiteSetting>');
    const state = snapshot();
    expect((await conn.query("SELECT Name FROM PermissionSet WHERE Name = 'AzureGraph_Callout'")).totalSize).toBe(1);
    const removed = await run('remove', ['--all', '--no-prompt']);
    expect(removed.json.result).toMatchObject({ removals: [], untouched: [] });
    expect(snapshot()).toBe(state);
    emu.org.remove('PermissionSet', 'AzureGraph_Callout');
    emu.org.remove('RemoteSiteSetting', 'TokenHost_example_com');
  });
});

/*
 * Takes providers out of an org, the pieces that depend on others first: the permission set (after its assignments),
 * the Named Credentials, the External Credential, the Auth. Provider, its record; then the token host's remote site
 * when no remaining provider uses that host, and the shared class and type when no provider remains. Every step
 * skips what is already gone, so a run that stopped half-way is completed by running it again.
 */
import { Messages, type Connection, type Org } from '@salesforce/core';
import { parseProviderNames, remoteSiteNameFor, type ProviderInput } from '../spec/providerSpec.js';
import { SHARED, defaultPermissionSet } from '../spec/platform.js';
import { describeOrg, soqlString } from '../org/orgProfile.js';
import { findProviders, type ProviderInOrg } from '../org/providersInOrg.js';
import { asList, crudProblem, readComponents } from '../org/metadataRead.js';
import { destructivePackage, metadataZip } from '../deploy/metadataPackage.js';
import { deployPackage } from '../deploy/deployPackage.js';
import { deployReport } from '../deploy/deployReport.js';
import { DEFAULT_RETRY } from '../deploy/retry.js';
import { EXIT_CODES } from '../exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

export type Removal = { type: string; name: string; state: 'deleted' | 'to delete' };

export type RemoveOptions = {
  org: Org;
  input: ProviderInput;
  all: boolean;
  dryRun: boolean;
  waitMs: number;
  /** Asked once the plan is known, unless the user said not to; false stops without changing anything. */
  confirm: (plan: Removal[]) => Promise<boolean>;
  onStage?: (stage: string) => void;
};

export type RemoveOutcome = {
  status: 'Removed' | 'Planned' | 'Cancelled';
  providers: string[];
  removals: Removal[];
  /** Providers of this plugin still in the org afterwards. */
  remaining: string[];
};

const originOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** The components to delete, in order, that exist now. */
async function plan(conn: Connection, targets: ProviderInOrg[], remaining: ProviderInOrg[], permissionSetOf: (name: string) => string): Promise<Removal[]> {
  const wanted: Array<[string, string]> = [];
  for (const provider of targets) {
    wanted.push(['PermissionSet', permissionSetOf(provider.name)]);
    for (const nc of provider.namedCredentials) wanted.push(['NamedCredential', nc.name]);
    if (provider.tokenCredential) wanted.push(['NamedCredential', provider.tokenCredential]);
    // Deleting an External Credential also deletes the credentials stored in its principal: a native one's client ID
    // and secret, a token credential's secret.
    if (provider.externalCredential) wanted.push(['ExternalCredential', provider.externalCredential]);
    if (provider.tokenCredential) wanted.push(['ExternalCredential', provider.tokenCredential]);
    if (provider.mode === 'plugin') wanted.push(['AuthProvider', provider.name], ['CustomMetadata', provider.record ?? '']);
  }
  // Remote sites and the shared Apex serve plugin providers only.
  const plugins = (list: ProviderInOrg[]): ProviderInOrg[] => list.filter((provider) => provider.mode === 'plugin');
  const keptHosts = new Set(plugins(remaining).map((provider) => originOf(provider.tokenUrl)));
  for (const origin of new Set(plugins(targets).map((provider) => originOf(provider.tokenUrl)))) {
    if (origin && !keptHosts.has(origin)) wanted.push(['RemoteSiteSetting', remoteSiteNameFor(origin)]);
  }
  if (plugins(remaining).length === 0) {
    wanted.push(['ApexClass', SHARED.testClass], ['ApexClass', SHARED.pluginClass], ['CustomObject', `${SHARED.metadataType}__mdt`]);
  }
  // One read per type (readMetadata takes several names), then the wanted order again.
  const types = [...new Set(wanted.map(([type]) => type))];
  const found = await Promise.all(
    types.map(async (type) => {
      const names = wanted.filter(([t]) => t === type).map(([, name]) => name);
      const components = await readComponents(conn, type, names);
      return names.filter((_name, index) => components[index] !== undefined).map((name) => `${type}:${name}`);
    })
  );
  const present = new Set(found.flat());
  return wanted.filter(([type, name]) => present.has(`${type}:${name}`)).map(([type, name]) => ({ type, name, state: 'to delete' }));
}

/** A permission set can only go once nobody holds it. */
async function unassign(conn: Connection, permissionSet: string): Promise<void> {
  const { records } = await conn.query<{ Id: string }>(`SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = ${soqlString(permissionSet)}`);
  // Assignments are independent records, removed at once as deploy creates them.
  await Promise.all(records.map((row) => conn.sobject('PermissionSetAssignment').destroy(row.Id)));
}

async function deleteOne(conn: Connection, removal: Removal): Promise<void> {
  if (removal.type === 'PermissionSet') await unassign(conn, removal.name);
  const [result] = asList(await conn.metadata.delete(removal.type as 'PermissionSet', [removal.name]));
  if (!result?.success) {
    throw messages.createError('error.DeleteFailed', [removal.type, removal.name, crudProblem(result)], [], EXIT_CODES.failed);
  }
}

/** Apex classes cannot be deleted by the CRUD calls: the shared class, test class and type go in one destructive deploy. */
async function deleteShared(org: Org, removals: Removal[], waitMs: number): Promise<void> {
  const conn = org.getConnection();
  const profile = await describeOrg(conn);
  const zip = await metadataZip(destructivePackage(removals.map((removal) => ({ type: removal.type, fullName: removal.name })), profile.maxApiVersion));
  const result = await deployPackage(conn, zip, {
    checkOnly: false,
    testLevel: profile.orgType === 'production' ? 'RunLocalTests' : 'NoTestRun',
    runTests: [],
    waitMs,
    retry: DEFAULT_RETRY,
  });
  const report = deployReport(result, 'NoTestRun');
  if (!report.success) {
    const problem = report.componentFailures.map((failure) => `${failure.type} ${failure.name}: ${failure.problem}`).join('; ') || report.errorMessage || '';
    throw messages.createError('error.SharedDeleteFailed', [report.deployId, problem], [], EXIT_CODES.failed);
  }
}

export async function removeProvider(options: RemoveOptions): Promise<RemoveOutcome> {
  if (!options.all && options.input.name === undefined) throw messages.createError('error.NameOrAll', [], [], EXIT_CODES['invalid-input']);
  const names = options.all ? undefined : parseProviderNames(options.input);
  const conn = options.org.getConnection();
  options.onStage?.(messages.getMessage('stage.Find'));
  const providers = await findProviders(conn);
  const targets = options.all ? providers : providers.filter((provider) => provider.name.toLowerCase() === names!.name.toLowerCase());
  if (!options.all && targets.length === 0) throw messages.createError('error.NotOurProvider', [names!.name, SHARED.pluginClass], [], EXIT_CODES['invalid-input']);
  const remaining = providers.filter((provider) => !targets.includes(provider));
  const permissionSetOf = (name: string): string => (names && name.toLowerCase() === names.name.toLowerCase() ? names.permissionSet : defaultPermissionSet(name));
  const removals = await plan(conn, targets, remaining, permissionSetOf);
  const outcome = { providers: targets.map((provider) => provider.name), remaining: remaining.map((provider) => provider.name), removals };
  if (options.dryRun) return { ...outcome, status: 'Planned' };
  if (!(await options.confirm(removals))) return { ...outcome, status: 'Cancelled', remaining: providers.map((provider) => provider.name) };

  const shared = removals.filter((removal) => removal.type === 'ApexClass' || removal.type === 'CustomObject');
  for (const removal of removals.filter((candidate) => !shared.includes(candidate))) {
    options.onStage?.(messages.getMessage('stage.Delete', [removal.type, removal.name]));
    // One at a time, in the planned order: a component goes only after the ones that refer to it.
    // eslint-disable-next-line no-await-in-loop
    await deleteOne(conn, removal);
    removal.state = 'deleted';
  }
  if (shared.length > 0) {
    options.onStage?.(messages.getMessage('stage.DeleteShared'));
    await deleteShared(options.org, shared, options.waitMs);
    for (const removal of shared) removal.state = 'deleted';
  }
  return { ...outcome, status: 'Removed' };
}

/*
 * Takes providers out of an org, the pieces that depend on others first: the permission set (after its assignments),
 * the Named Credentials, the External Credential, the Auth. Provider, its record; then the token host's remote site
 * when no remaining provider uses that host, and the shared class and type when no provider remains. Every step
 * skips what is already gone, and what an earlier run left behind (orphans, see orphansInOrg.ts) is listed like a
 * provider, so a run that stopped half-way is completed by running it again.
 */
import { Messages, type Connection, type Org } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { parseProviderNames, remoteSiteNameFor } from '../input/names.js';
import type { ProviderInput } from '../input/providerFields.js';
import { SHARED, defaultPermissionSet } from '../input/platform.js';
import { describeOrg, soqlString } from '../salesforce/orgProfile.js';
import { findProviders, readInventory, type FoundProvider } from '../inventory/providersInOrg.js';
import { findLeftovers, type Leftovers, type Orphan, type Untouched } from '../inventory/orphansInOrg.js';
import { crudProblem, readComponents } from '../salesforce/metadataRead.js';
import { destructivePackage, metadataZip } from '../salesforce/metadataPackage.js';
import { deployPackage } from '../salesforce/deployPackage.js';
import { deployReport } from '../salesforce/deployReport.js';
import { DEFAULT_RETRY } from '../salesforce/retry.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { deleteApps, findApps, type AppRemoval, type SessionFor } from './appRemoval.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

/** `orphan`: left behind by an earlier run (or a hand-made deletion), not part of a provider that is still whole. */
export type Removal = { type: string; name: string; state: 'deleted' | 'to delete'; orphan: boolean };

export type RemoveOptions = {
  org: Org;
  input: ProviderInput;
  all: boolean;
  dryRun: boolean;
  waitMs: number;
  /** Asked once the removals are known, unless the user said not to; false stops without changing anything. */
  confirm: (removals: Removal[]) => Promise<boolean>;
  onStage?: (stage: string) => void;
  /** The destructive deploy of the shared pieces was queued. */
  onSubmitted?: (deployId: string) => void;
  /** --delete-app: the Graph session for a provider's app registration, which goes too. */
  deleteApps?: SessionFor;
};

export type RemoveOutcome = {
  status: 'Removed' | 'Planned' | 'Cancelled';
  providers: string[];
  removals: Removal[];
  /** Providers of this plugin still in the org afterwards, those only partly left included. */
  remaining: string[];
  /** Credentials that point at a piece that is gone but that nothing marks as this plugin's: never deleted. */
  untouched: Untouched[];
  /** --delete-app: each provider's app registration at Entra, deleted, to delete, or not found. */
  applications?: AppRemoval[];
};

const originOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

type Scope = {
  targets: FoundProvider[];
  remaining: FoundProvider[];
  orphans: Orphan[];
  remainingOrphans: Orphan[];
  leftovers: Leftovers;
  all: boolean;
  permissionSetOf: (name: string) => string;
};

/** The components to delete, in order, that exist now. */
async function listRemovals(conn: Connection, scope: Scope): Promise<Removal[]> {
  const wanted: Array<[string, string, boolean]> = [];
  const want = (orphan: boolean, type: string, ...names: string[]): void => {
    for (const name of names) if (!wanted.some(([t, n]) => t === type && n.toLowerCase() === name.toLowerCase())) wanted.push([type, name, orphan]);
  };
  for (const provider of scope.targets) {
    // The permission set named at deploy, and any other the plugin marked that grants this provider's principal.
    const marked = scope.leftovers.permissionSets.filter((set) => set.externalCredentials.some((ec) => ec.toLowerCase() === provider.externalCredential?.toLowerCase()));
    want(false, 'PermissionSet', scope.permissionSetOf(provider.name), ...marked.map((set) => set.name));
    const token = provider.tokenCredential ? [provider.tokenCredential] : [];
    want(false, 'NamedCredential', ...provider.namedCredentials.map((nc) => nc.name), ...token);
    // Deleting an External Credential also deletes the credentials stored in its principal: a native one's client ID
    // and secret, a token credential's secret.
    want(false, 'ExternalCredential', ...(provider.externalCredential ? [provider.externalCredential] : []), ...token);
    if (provider.mode === 'plugin') {
      want(false, 'AuthProvider', provider.name);
      want(false, 'CustomMetadata', provider.record ?? '');
    }
  }
  for (const orphan of scope.orphans) {
    want(true, 'PermissionSet', ...orphan.permissionSets);
    want(true, 'NamedCredential', ...orphan.namedCredentials);
    want(true, 'ExternalCredential', ...orphan.externalCredentials);
    if (orphan.record) want(true, 'CustomMetadata', orphan.record);
  }
  // Remote sites and the shared Apex serve plugin providers only; a record left behind still counts as one.
  const plugins = (list: FoundProvider[]): FoundProvider[] => list.filter((provider) => provider.mode === 'plugin');
  const records = (list: Orphan[]): Orphan[] => list.filter((orphan) => orphan.record !== undefined);
  const keptHosts = new Set([...plugins(scope.remaining), ...records(scope.remainingOrphans)].map((provider) => originOf(provider.tokenUrl)));
  const liveHosts = new Set(plugins(scope.targets).map((provider) => originOf(provider.tokenUrl)));
  for (const origin of new Set([...plugins(scope.targets), ...records(scope.orphans)].map((provider) => originOf(provider.tokenUrl)))) {
    if (origin && !keptHosts.has(origin)) want(!liveHosts.has(origin), 'RemoteSiteSetting', remoteSiteNameFor(origin));
  }
  // --all takes every remote site the plugin marked, also one whose providers are all gone.
  if (scope.all) want(true, 'RemoteSiteSetting', ...scope.leftovers.remoteSites.map((site) => site.name));
  if (plugins(scope.remaining).length === 0 && records(scope.remainingOrphans).length === 0) {
    want(plugins(scope.targets).length === 0, 'ApexClass', SHARED.testClass, SHARED.pluginClass);
    want(plugins(scope.targets).length === 0, 'CustomObject', `${SHARED.metadataType}__mdt`);
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
  return wanted.filter(([type, name]) => present.has(`${type}:${name}`)).map(([type, name, orphan]) => ({ type, name, state: 'to delete', orphan }));
}

/** A permission set can only go once nobody holds it. */
async function unassign(conn: Connection, permissionSet: string): Promise<void> {
  const { records } = await conn.query<{ Id: string }>(`SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = ${soqlString(permissionSet)}`);
  // Assignments are independent records, removed at once as deploy creates them.
  await Promise.all(records.map((row) => conn.sobject('PermissionSetAssignment').destroy(row.Id)));
}

async function deleteOne(conn: Connection, removal: Removal): Promise<void> {
  if (removal.type === 'PermissionSet') await unassign(conn, removal.name);
  const [result] = ensureArray(await conn.metadata.delete(removal.type as 'PermissionSet', [removal.name]));
  if (!result?.success) {
    throw messages.createError('error.DeleteFailed', [removal.type, removal.name, crudProblem(result)], [], EXIT_CODES.failed);
  }
}

/** Apex classes cannot be deleted by the CRUD calls: the shared class, test class and type go in one destructive deploy. */
async function deleteShared(org: Org, removals: Removal[], waitMs: number, onSubmitted?: (deployId: string) => void): Promise<void> {
  const conn = org.getConnection();
  const profile = await describeOrg(conn);
  const zip = await metadataZip(destructivePackage(removals.map((removal) => ({ type: removal.type, fullName: removal.name })), profile.maxApiVersion));
  const result = await deployPackage(conn, zip, {
    checkOnly: false,
    testLevel: profile.orgType === 'production' ? 'RunLocalTests' : 'NoTestRun',
    runTests: [],
    waitMs,
    onSubmitted,
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
  const inventory = await readInventory(conn);
  const providers = await findProviders(conn, inventory);
  const leftovers = await findLeftovers(conn, inventory, providers);
  const chosen = (name: string): boolean => options.all || name.toLowerCase() === names!.name.toLowerCase();
  const targets = providers.filter((provider) => chosen(provider.name));
  const orphans = leftovers.orphans.filter((orphan) => chosen(orphan.name));
  const untouched = leftovers.untouched.filter((piece) => chosen(piece.refersTo) || chosen(piece.name));
  // A name that matches only untouched pieces gets no removals and a reason, not "no such provider".
  if (targets.length === 0 && orphans.length === 0 && untouched.length === 0 && !options.all) {
    throw messages.createError('error.NotOurProvider', [names!.name, SHARED.pluginClass], [], EXIT_CODES['invalid-input']);
  }
  const remaining = providers.filter((provider) => !targets.includes(provider));
  const remainingOrphans = leftovers.orphans.filter((orphan) => !orphans.includes(orphan));
  const permissionSetOf = (name: string): string => (names && name.toLowerCase() === names.name.toLowerCase() ? names.permissionSet : defaultPermissionSet(name));
  const removals = await listRemovals(conn, { targets, remaining, orphans, remainingOrphans, leftovers, all: options.all, permissionSetOf });
  const named = (list: Array<{ name: string }>): string[] => [...new Set(list.map((provider) => provider.name))];
  const applications = options.deleteApps ? await findApps(conn, targets, options.deleteApps) : undefined;
  // The confirmation and --dry-run list the app registrations with the org's pieces.
  const appRows: Removal[] = (applications ?? []).filter((app) => app.status === 'to delete').map((app) => ({ type: 'EntraApplication', name: `${app.displayName ?? ''} (${app.clientId ?? ''})`, state: 'to delete', orphan: false }));
  const outcome = {
    ...(applications ? { applications } : {}),
    providers: named([...targets, ...orphans]),
    remaining: named([...remaining, ...remainingOrphans]),
    removals,
    untouched,
  };
  if (options.dryRun) return { ...outcome, removals: [...removals, ...appRows], status: 'Planned' };
  if (!(await options.confirm([...removals, ...appRows]))) return { ...outcome, status: 'Cancelled', remaining: named([...providers, ...leftovers.orphans]) };

  const shared = removals.filter((removal) => removal.type === 'ApexClass' || removal.type === 'CustomObject');
  for (const removal of removals.filter((candidate) => !shared.includes(candidate))) {
    options.onStage?.(messages.getMessage('stage.Delete', [removal.type, removal.name]));
    // One at a time, in the listed order: a component goes only after the ones that refer to it.
    // eslint-disable-next-line no-await-in-loop
    await deleteOne(conn, removal);
    removal.state = 'deleted';
  }
  if (shared.length > 0) {
    options.onStage?.(messages.getMessage('stage.DeleteShared'));
    await deleteShared(options.org, shared, options.waitMs, options.onSubmitted);
    for (const removal of shared) removal.state = 'deleted';
  }
  if (applications && options.deleteApps) {
    options.onStage?.(messages.getMessage('stage.DeleteApps'));
    await deleteApps(applications, targets, options.deleteApps);
    for (const row of appRows) row.state = 'deleted';
  }
  return { ...outcome, removals: [...removals, ...appRows], status: 'Removed' };
}

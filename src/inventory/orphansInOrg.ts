/*
 * Finds what this plugin left in an org without the component a provider hangs on (its Auth. Provider, or a native
 * External Credential): a removal that stopped half-way, or a piece deleted by hand in Setup. Only what positively
 * carries the plugin's mark becomes an orphan, for remove to finish: a record of the plugin's custom metadata type,
 * a permission set, remote site or token credential (Custom External Credential) whose description names the plugin,
 * and the credentials these name. A credential
 * that merely points at something gone, with nothing of the plugin naming it, is reported as untouched, with why.
 */
import { Messages, type Connection } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { FIELDS, NATIVE_MARKER, SHARED, defaultPermissionSet } from '../input/platform.js';
import { soqlString } from '../salesforce/orgProfile.js';
import { listNames, parameters, readComponents, recordRef, textValue, type Component, recordFields } from '../salesforce/metadataRead.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { usesExternalCredential, type Inventory, type FoundProvider } from './providersInOrg.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

/** What is left of one provider. `name` is its Auth. Provider's name (plugin mode) or its External Credential's. */
export type Orphan = {
  name: string;
  mode: 'plugin' | 'native';
  /** `Type.Record`, a record of the plugin's type that no Auth. Provider uses. */
  record?: string;
  /** From the record, so that remove knows the token host's remote site. */
  tokenUrl?: string;
  permissionSets: string[];
  namedCredentials: string[];
  externalCredentials: string[];
};

/** A credential that points at a piece that is gone, which nothing marks as this plugin's: listed, never deleted. */
export type Untouched = { type: string; name: string; refersTo: string; reason: string };

/** A permission set the plugin marked, and the External Credentials its principal accesses name. */
export type MarkedPermissionSet = { name: string; externalCredentials: string[] };

export type Leftovers = {
  orphans: Orphan[];
  untouched: Untouched[];
  /** Every permission set the plugin marked, orphaned or not: remove takes a live provider's along by this too. */
  permissionSets: MarkedPermissionSet[];
  /** Every remote site the plugin marked, with the origin it allows. */
  remoteSites: Array<{ name: string; origin?: string }>;
};

const lower = (value: string): string => value.toLowerCase();
const marked = (component: Component | undefined): boolean => (textValue(component?.description) ?? '').includes(NATIVE_MARKER);

/** Records of the plugin's custom metadata type that no Auth. Provider uses, with the provider name each gives. */
async function orphanRecords(conn: Connection, inventory: Inventory): Promise<Array<{ record: string; provider: string; tokenUrl?: string; tokenCredential?: string }>> {
  const used = new Set(inventory.authProviders.map((provider) => lower(recordRef(textValue(provider.customMetadataTypeRecord) ?? '').fullName)));
  const prefix = lower(`${SHARED.metadataType}.`);
  const names = (await listNames(conn, 'CustomMetadata')).filter((name) => lower(name).startsWith(prefix) && !used.has(lower(name)));
  // The records hold the secret too; only the provider name and token URL are kept.
  const records = await readComponents(conn, 'CustomMetadata', names);
  return names.map((record, index) => {
    const values = recordFields(records[index]);
    return {
      record,
      provider: values.get(FIELDS.providerName.apiName) ?? record.slice(prefix.length),
      tokenUrl: values.get(FIELDS.tokenUrl.apiName),
      tokenCredential: values.get(FIELDS.tokenCredential.apiName),
    };
  });
}

/** Permission sets whose description names the plugin (as deploy writes it), found by one query. */
async function markedPermissionSets(conn: Connection): Promise<MarkedPermissionSet[]> {
  const { records } = await conn.query<{ Name: string }>(
    `SELECT Name FROM PermissionSet WHERE IsOwnedByProfile = false AND Description LIKE ${soqlString(`%${NATIVE_MARKER}%`)}`
  );
  const names = records.map((row) => row.Name);
  const sets = await readComponents(conn, 'PermissionSet', names);
  return names.map((name, index) => ({
    name,
    // An access is named ExternalCredential-Principal; API names hold no hyphen.
    externalCredentials: ensureArray(sets[index]?.externalCredentialPrincipalAccesses as Component | Component[] | undefined)
      .map((access) => (textValue(access.externalCredentialPrincipal) ?? '').split('-')[0])
      .filter((ec) => ec !== ''),
  }));
}

async function markedRemoteSites(conn: Connection): Promise<Leftovers['remoteSites']> {
  const names = (await listNames(conn, 'RemoteSiteSetting')).filter((name) => /^TokenHost_/i.test(name));
  const sites = await readComponents(conn, 'RemoteSiteSetting', names);
  return names.flatMap((name, index) => {
    if (!marked(sites[index])) return [];
    try {
      return [{ name, origin: new URL(textValue(sites[index]?.url) ?? '').origin }];
    } catch {
      return [{ name }];
    }
  });
}

export async function findLeftovers(conn: Connection, inventory: Inventory, providers: FoundProvider[]): Promise<Leftovers> {
  const [records, permissionSets, remoteSites] = await Promise.all([orphanRecords(conn, inventory), markedPermissionSets(conn), markedRemoteSites(conn)]);
  const authProviders = new Set(inventory.authProviders.map((provider) => lower(String(provider.fullName))));
  const liveCredentials = new Set(providers.flatMap((provider) => (provider.externalCredential ? [lower(provider.externalCredential)] : [])));
  const liveNamed = new Set(providers.flatMap((provider) => provider.namedCredentials.map((nc) => lower(nc.name))));
  const existing = new Map(inventory.externalCredentials.map((ec) => [lower(String(ec.fullName)), ec]));
  const authProviderOf = (ec: Component | undefined): string | undefined =>
    parameters(ec ?? {}, 'externalCredentialParameters').find((p) => p.parameterType === 'AuthProvider')?.authProvider;

  // Dead: not a live provider's, and what it points at (an Auth. Provider) is gone.
  const deadCredentials = inventory.externalCredentials.filter((ec) => {
    const authProvider = authProviderOf(ec);
    return !liveCredentials.has(lower(String(ec.fullName))) && authProvider !== undefined && !authProviders.has(lower(authProvider));
  });
  // A token credential is the plugin's by its mark and protocol; dead once no live provider's record names it.
  const liveTokens = new Set(providers.flatMap((provider) => (provider.tokenCredential ? [lower(provider.tokenCredential)] : [])));
  const deadTokens = inventory.externalCredentials.filter((ec) => marked(ec) && textValue(ec.authenticationProtocol) === 'Custom' && !liveTokens.has(lower(String(ec.fullName))));
  const deadOnes = new Set([...deadCredentials, ...deadTokens]);
  const isDeadOrGone = (name: string): boolean =>
    !liveCredentials.has(lower(name)) && !liveTokens.has(lower(name)) && (!existing.has(lower(name)) || deadOnes.has(existing.get(lower(name))!));
  const tokenNamed = (tokens: string[]): string[] =>
    inventory.namedCredentials.filter((nc) => tokens.some((ec) => usesExternalCredential(ec)(nc))).map((nc) => String(nc.fullName));
  const danglingNamed = inventory.namedCredentials.filter((nc) => {
    if (liveNamed.has(lower(String(nc.fullName)))) return false;
    const authProvider = textValue(nc.authProvider);
    if (authProvider) return !authProviders.has(lower(authProvider));
    const ec = parameters(nc, 'namedCredentialParameters').find((p) => p.parameterType === 'Authentication')?.externalCredential;
    return ec !== undefined && isDeadOrGone(ec);
  });
  const namedPointingAt = (authProvider: string | undefined, credentials: string[]): string[] =>
    danglingNamed
      .filter((nc) => (authProvider !== undefined && sameName(textValue(nc.authProvider), authProvider)) || credentials.some((ec) => usesExternalCredential(ec)(nc)))
      .map((nc) => String(nc.fullName));

  const claimed = new Set<string>();
  /** Each piece belongs to one orphan only: the first that names it. */
  const claim = (type: string, names: string[]): string[] =>
    names.filter((name) => {
      const key = `${type}:${lower(name)}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    });
  const orphanSets = permissionSets.filter((set) => set.externalCredentials.every(isDeadOrGone));
  const orphans: Orphan[] = [];

  // A record names its provider; the provider's credentials are those that point at that Auth. Provider.
  for (const { record, provider, tokenUrl, tokenCredential } of records) {
    const token = deadTokens.filter((ec) => sameName(String(ec.fullName), tokenCredential)).map((ec) => String(ec.fullName));
    const credentials = claim('ExternalCredential', [...deadCredentials.filter((ec) => sameName(authProviderOf(ec), provider)).map((ec) => String(ec.fullName)), ...token]);
    const sets = orphanSets.filter((set) => sameName(set.name, defaultPermissionSet(provider)) || set.externalCredentials.some((ec) => credentials.some((own) => sameName(own, ec))));
    orphans.push({
      name: provider,
      mode: 'plugin',
      record,
      tokenUrl,
      permissionSets: claim('PermissionSet', sets.map((set) => set.name)),
      namedCredentials: claim('NamedCredential', [...namedPointingAt(provider, credentials), ...tokenNamed(token)]),
      externalCredentials: credentials,
    });
  }
  // A marked permission set names its External Credential, and through it the Named Credentials that used it.
  for (const set of orphanSets.filter((candidate) => !claimed.has(`PermissionSet:${lower(candidate.name)}`))) {
    const dead = set.externalCredentials.map((ec) => existing.get(lower(ec))).filter((ec): ec is Component => ec !== undefined);
    const authProvider = dead.map(authProviderOf).find((name) => name !== undefined);
    const name = authProvider ?? set.externalCredentials[0] ?? set.name;
    const known = orphans.find((orphan) => sameName(orphan.name, name));
    const orphan = known ?? { name, mode: authProvider ? 'plugin' : 'native', permissionSets: [], namedCredentials: [], externalCredentials: [] };
    orphan.permissionSets.push(...claim('PermissionSet', [set.name]));
    orphan.externalCredentials.push(...claim('ExternalCredential', dead.map((ec) => String(ec.fullName))));
    orphan.namedCredentials.push(...claim('NamedCredential', namedPointingAt(authProvider, set.externalCredentials)));
    if (!known) orphans.push(orphan);
  }

  // A token credential that nothing else led to: it still holds the secret.
  for (const ec of deadTokens.filter((candidate) => !claimed.has(`ExternalCredential:${lower(String(candidate.fullName))}`))) {
    const name = String(ec.fullName);
    const provider = name.replace(/_Token$/i, '');
    const known = orphans.find((orphan) => sameName(orphan.name, provider));
    const orphan = known ?? { name: provider, mode: 'plugin' as const, permissionSets: [], namedCredentials: [], externalCredentials: [] };
    orphan.namedCredentials.push(...claim('NamedCredential', tokenNamed([name])));
    orphan.externalCredentials.push(...claim('ExternalCredential', [name]));
    if (!known) orphans.push(orphan);
  }

  const untouched: Untouched[] = [
    ...deadCredentials
      .filter((ec) => !claimed.has(`ExternalCredential:${lower(String(ec.fullName))}`))
      .map((ec) => {
        const refersTo = authProviderOf(ec) ?? '';
        return { type: 'ExternalCredential', name: String(ec.fullName), refersTo, reason: messages.getMessage('untouched.AuthProviderGone', [refersTo]) };
      }),
    ...danglingNamed
      .filter((nc) => !claimed.has(`NamedCredential:${lower(String(nc.fullName))}`))
      .map((nc) => {
        const authProvider = textValue(nc.authProvider);
        const refersTo = authProvider ?? parameters(nc, 'namedCredentialParameters').find((p) => p.parameterType === 'Authentication')?.externalCredential ?? '';
        const reason = authProvider ? messages.getMessage('untouched.AuthProviderGone', [refersTo]) : messages.getMessage('untouched.ExternalCredentialGone', [refersTo]);
        return { type: 'NamedCredential', name: String(nc.fullName), refersTo, reason };
      }),
  ];
  return { orphans, untouched, permissionSets, remoteSites };
}

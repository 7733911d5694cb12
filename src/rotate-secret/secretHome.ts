/*
 * Where a provider's client secret lives, and how rotate-secret writes it there: the principal of its token
 * credential (Connect REST), the custom metadata record of a legacy-model provider (Metadata API upsert, only the
 * secret changed), or a native External Credential's principal (Connect REST). Plugin providers keep the key id of
 * the secret in use in their record (salesforce/secretKeyId.ts); `proof` is how the org shows it can get a token.
 */
import { Messages, type Org } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { DEFAULT_PRINCIPAL, FIELDS, SHARED } from '../input/platform.js';
import { parameters, readComponent, recordRef, textValue, type Component } from '../salesforce/metadataRead.js';
import { isOurNativeCredential, isOurProvider, nativeSettings, readInventory, usesExternalCredential } from '../inventory/providersInOrg.js';
import { storedClientId, storeClientCredentials, storeTokenSecret } from '../salesforce/nativeCredentials.js';
import { secretKeyIdIn, upsertRecordKeyId } from '../salesforce/secretKeyId.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { remoteText } from '../ux/remoteText.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

/** How the org proves a token with the secret it holds (the same anonymous Apex verify runs). */
export type OrgProof =
  | { kind: 'plugin'; className: string; type: string; record: string }
  | { kind: 'token-credential'; name: string; clientId: string; scope?: string; resource?: string }
  | { kind: 'native'; namedCredential: string }
  | { kind: 'none' };

export type SecretHome = {
  mode: 'plugin' | 'native';
  /** The record's full name, or the native principal. */
  where: string;
  token: { clientId?: string; tokenUrl?: string; scope?: string; resource?: string; tenantId?: string };
  /** Writes the secret; `keyId` is recorded where the org can hold it (plugin mode), or cleared when unknown. */
  write: (secret: string, keyId?: string) => Promise<void>;
  /** Key id of the secret in use, when the org holds it. */
  keyId?: string;
  /** Whether the org can hold a key id (a plugin provider's record). */
  holdsKeyId: boolean;
  /** The secret in use, when the org gives it back (a legacy record): the only case a failed rotation can undo. */
  current?: string;
  proof: OrgProof;
};

/** Plugin mode: the custom metadata record, written back through CRUD upsert with only the secret (and key id) changed. */
async function recordHome(org: Org, name: string, provider: Component): Promise<SecretHome> {
  const conn = org.getConnection();
  const ref = recordRef(textValue(provider.customMetadataTypeRecord) ?? '');
  const { fullName } = ref;
  const component = await readComponent(conn, 'CustomMetadata', fullName);
  if (!component) throw messages.createError('error.RecordMissing', [fullName, name], [], EXIT_CODES['org-setup']);
  const values = ensureArray(component.values as Component | Component[] | undefined).map((entry) => ({ field: textValue(entry.field) ?? '', value: textValue(entry.value) }));
  const value = (field: string): string | undefined => values.find((entry) => entry.field === field)?.value;
  // A certificate provider has no secret: writing one would change nothing the plugin uses.
  if (value(FIELDS.authMethod.apiName) === 'certificate') {
    throw messages.createError('error.CertificateProvider', [name, value(FIELDS.certificateName.apiName) ?? '-'], [], EXIT_CODES['invalid-input']);
  }
  const description = textValue(component.description);
  const token = { clientId: value(FIELDS.clientId.apiName), tokenUrl: value(FIELDS.tokenUrl.apiName), scope: value(FIELDS.scope.apiName), resource: value(FIELDS.resource.apiName), tenantId: value(FIELDS.tenantId.apiName) };
  const upsert = async (secret: string | undefined, keyId: string | undefined, known: string[]): Promise<void> => {
    const problem = await upsertRecordKeyId(conn, fullName, component, keyId, secret === undefined ? undefined : { field: FIELDS.clientSecret.apiName, value: secret });
    // The org's refusal may quote the value it was sent.
    if (problem !== undefined) throw messages.createError('error.WriteFailed', [fullName, remoteText(problem, known)], [], EXIT_CODES.failed);
  };
  const base = { mode: 'plugin' as const, token, keyId: secretKeyIdIn(description), holdsKeyId: true };
  const tokenCredential = value(FIELDS.tokenCredential.apiName);
  if (tokenCredential) {
    // The record holds no secret: its token credential's principal does; the record keeps the key id alone.
    const target = { externalCredential: tokenCredential, principal: DEFAULT_PRINCIPAL };
    return {
      ...base,
      where: messages.getMessage('rotate.PrincipalOf', [target.principal, tokenCredential]),
      write: async (secret, keyId): Promise<void> => {
        await storeTokenSecret(conn, target, secret);
        if (keyId !== base.keyId) await upsert(undefined, keyId, [secret]);
      },
      proof: token.clientId ? { kind: 'token-credential', name: tokenCredential, clientId: token.clientId, scope: token.scope, resource: token.resource } : { kind: 'none' },
    };
  }
  return {
    ...base,
    where: fullName,
    write: (secret, keyId) => upsert(secret, keyId, [secret, ...(value(FIELDS.clientSecret.apiName) ? [value(FIELDS.clientSecret.apiName)!] : [])]),
    current: value(FIELDS.clientSecret.apiName),
    proof: { kind: 'plugin', className: textValue(provider.plugin) ?? SHARED.pluginClass, type: ref.type, record: ref.record },
  };
}

/** Native mode: the principal's credentials, replaced through Connect REST with the client ID it already holds. */
async function principalHome(org: Org, name: string, externalCredential: Component): Promise<SecretHome> {
  const conn = org.getConnection();
  const principal = parameters(externalCredential, 'externalCredentialParameters').find((param) => param.parameterType === 'NamedPrincipal')?.parameterName ?? DEFAULT_PRINCIPAL;
  const target = { externalCredential: name, principal };
  const clientId = await storedClientId(conn, target);
  if (!clientId) throw messages.createError('error.NoStoredClientId', [principal, name], [], EXIT_CODES['org-setup']);
  const settings = nativeSettings(externalCredential);
  const { namedCredentials } = await readInventory(conn);
  const namedCredential = namedCredentials.find(usesExternalCredential(name));
  return {
    mode: 'native',
    where: messages.getMessage('rotate.PrincipalOf', [principal, name]),
    token: { clientId, tokenUrl: settings.tokenUrl, scope: settings.scope },
    write: (secret) => storeClientCredentials(conn, target, clientId, secret, true),
    holdsKeyId: false,
    proof: namedCredential ? { kind: 'native', namedCredential: String(namedCredential.fullName) } : { kind: 'none' },
  };
}

/** The provider's secret home, after checking that this plugin set the provider up. */
export async function secretHome(org: Org, name: string): Promise<SecretHome> {
  const conn = org.getConnection();
  const [provider, externalCredential] = await Promise.all([readComponent(conn, 'AuthProvider', name), readComponent(conn, 'ExternalCredential', name)]);
  if (isOurProvider(provider)) return recordHome(org, name, provider);
  if (isOurNativeCredential(externalCredential)) return principalHome(org, name, externalCredential);
  throw messages.createError('error.NotOurProvider', [name, SHARED.pluginClass], [], EXIT_CODES['invalid-input']);
}

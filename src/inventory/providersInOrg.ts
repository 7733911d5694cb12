/*
 * Finds the providers this plugin set up in an org: the Auth. Providers whose plugin is the generated class, each with
 * its custom metadata record (never its secret), the credentials that use it, and its principals' status; and the
 * native External Credentials it set up (client-credentials variant, marked in their description).
 */
import type { Connection } from '@salesforce/core';
import { FIELDS, NATIVE_MARKER, SHARED } from '../input/platform.js';
import { principalStatuses, type PrincipalStatus } from '../salesforce/principalAuthentication.js';
import { listNames, parameters, readComponents, recordRef, textValue, type Component, recordFields } from '../salesforce/metadataRead.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { secretKeyIdIn } from '../salesforce/secretKeyId.js';

export type FoundProvider = {
  name: string;
  mode: 'plugin' | 'native';
  label?: string;
  /** `Type.Record`, the custom metadata record's full name; plugin mode only. */
  record?: string;
  tokenUrl?: string;
  tenantId?: string;
  clientId?: string;
  model: 'external' | 'legacy' | 'none';
  namedCredentials: Array<{ name: string; url?: string }>;
  externalCredential?: string;
  principals: Array<{ principal: string; status: PrincipalStatus }>;
  /** Where the client secret lives: encrypted in a principal (native, or a plugin's token credential), in the record, or nowhere (certificate). */
  secretStorage: 'credential' | 'record' | 'none';
  /** The plugin provider's token credential, when one holds its secret. */
  tokenCredential?: string;
  /** Key id at Entra of the secret in use, when the record keeps it (rotate-secret --new). */
  secretKeyId?: string;
};

async function readAll(conn: Connection, type: string): Promise<Component[]> {
  return (await readComponents(conn, type, await listNames(conn, type))).filter((component): component is Component => component !== undefined);
}

/** Whether an Auth. Provider is one this plugin set up: its plugin is the generated class. */
export const isOurProvider = (provider: Component | undefined): provider is Component => sameName(textValue(provider?.plugin), SHARED.pluginClass);

/** What a native External Credential says about its token request: the protocol variant, the token URL and the scope. */
export function nativeSettings(ec: Component): { variant?: string; tokenUrl?: string; scope?: string } {
  const params = parameters(ec, 'externalCredentialParameters');
  const value = (type: string, name?: string): string | undefined =>
    params.find((p) => p.parameterType === type && (name === undefined || p.parameterName === name))?.parameterValue;
  return { variant: value('AuthProtocolVariant'), tokenUrl: value('AuthProviderUrl'), scope: value('AuthParameter', 'Scope') };
}

/** Whether an External Credential is a native one this plugin set up: the client-credentials variant and our mark. */
export const isOurNativeCredential = (ec: Component | undefined): ec is Component =>
  ec !== undefined && (textValue(ec.description) ?? '').includes(NATIVE_MARKER) && (nativeSettings(ec).variant ?? '').startsWith('ClientCredentials');

const namedCredentialsOf = (namedCredentials: Component[], uses: (nc: Component) => boolean): FoundProvider['namedCredentials'] =>
  namedCredentials.filter(uses).map((nc) => ({
    name: String(nc.fullName),
    url: parameters(nc, 'namedCredentialParameters').find((p) => p.parameterType === 'Url')?.parameterValue ?? textValue(nc.endpoint),
  }));

export const usesExternalCredential = (name: string | undefined) => (nc: Component): boolean =>
  name !== undefined && parameters(nc, 'namedCredentialParameters').some((p) => p.parameterType === 'Authentication' && sameName(p.externalCredential, name));

async function nativeProviders(conn: Connection, externalCredentials: Component[], namedCredentials: Component[]): Promise<FoundProvider[]> {
  return Promise.all(
    externalCredentials.filter(isOurNativeCredential).map(async (ec) => {
      const name = String(ec.fullName);
      return {
        name,
        mode: 'native' as const,
        label: textValue(ec.label),
        tokenUrl: nativeSettings(ec).tokenUrl,
        model: 'external' as const,
        namedCredentials: namedCredentialsOf(namedCredentials, usesExternalCredential(name)),
        externalCredential: name,
        principals: await principalStatuses(conn, name),
        secretStorage: 'credential' as const,
      };
    })
  );
}

function secretOf(values: Map<string | undefined, string | undefined>): Pick<FoundProvider, 'secretStorage' | 'tokenCredential'> {
  const tokenCredential = values.get(FIELDS.tokenCredential.apiName);
  if (tokenCredential) return { secretStorage: 'credential', tokenCredential };
  return { secretStorage: values.get(FIELDS.authMethod.apiName) === 'certificate' ? 'none' : 'record' };
}

/** Every Auth. Provider, Named Credential and External Credential of the org, read once for providers and leftovers. */
export type Inventory = { authProviders: Component[]; namedCredentials: Component[]; externalCredentials: Component[] };

export async function readInventory(conn: Connection): Promise<Inventory> {
  const [authProviders, namedCredentials, externalCredentials] = await Promise.all([
    readAll(conn, 'AuthProvider'),
    readAll(conn, 'NamedCredential'),
    readAll(conn, 'ExternalCredential'),
  ]);
  return { authProviders, namedCredentials, externalCredentials };
}

export async function findProviders(conn: Connection, inventory?: Inventory): Promise<FoundProvider[]> {
  const { authProviders, namedCredentials, externalCredentials } = inventory ?? (await readInventory(conn));
  const ours = authProviders.filter(isOurProvider);
  const records = ours.map((provider) => recordRef(textValue(provider.customMetadataTypeRecord) ?? '').fullName);
  const recordValues = ours.length > 0 ? await readComponents(conn, 'CustomMetadata', records) : [];
  // Each provider's principals are read at once, as the native providers' are.
  const plugins = Promise.all(
    ours.map(async (provider, index): Promise<FoundProvider> => {
      const name = String(provider.fullName);
      const values = recordFields(recordValues[index]);
      const external = externalCredentials.find((ec) => parameters(ec, 'externalCredentialParameters').some((p) => p.parameterType === 'AuthProvider' && sameName(p.authProvider, name)));
      const externalName = external ? String(external.fullName) : undefined;
      const credentials = namedCredentialsOf(namedCredentials, (nc) => sameName(textValue(nc.authProvider), name) || usesExternalCredential(externalName)(nc));
      return {
        name,
        mode: 'plugin',
        label: textValue(provider.friendlyName),
        record: records[index],
        tokenUrl: values.get(FIELDS.tokenUrl.apiName),
        tenantId: values.get(FIELDS.tenantId.apiName),
        clientId: values.get(FIELDS.clientId.apiName),
        model: externalName ? 'external' : credentials.length > 0 ? 'legacy' : 'none',
        namedCredentials: credentials,
        externalCredential: externalName,
        principals: externalName ? await principalStatuses(conn, externalName) : [],
        ...secretOf(values),
        ...(secretKeyIdIn(textValue(recordValues[index]?.description)) ? { secretKeyId: secretKeyIdIn(textValue(recordValues[index]?.description)) } : {}),
      };
    })
  );
  const [plugin, native] = await Promise.all([plugins, nativeProviders(conn, externalCredentials, namedCredentials)]);
  return [...plugin, ...native];
}

/*
 * Finds the providers this plugin set up in an org: the Auth. Providers whose plugin is the generated class, each with
 * its custom metadata record (never its secret), the credentials that use it, and its principals' status.
 */
import type { Connection } from '@salesforce/core';
import { FIELDS, SHARED } from '../spec/platform.js';
import { principalStatuses, type PrincipalStatus } from '../deploy/principalAuthentication.js';
import { asList, listNames, parameters, readComponents, recordRef, textValue, type Component } from './metadataRead.js';

export type ProviderInOrg = {
  name: string;
  label?: string;
  /** `Type.Record`, the custom metadata record's full name. */
  record: string;
  tokenUrl?: string;
  tenantId?: string;
  clientId?: string;
  model: 'external' | 'legacy' | 'none';
  namedCredentials: Array<{ name: string; url?: string }>;
  externalCredential?: string;
  principals: Array<{ principal: string; status: PrincipalStatus }>;
};

const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

async function readAll(conn: Connection, type: string): Promise<Component[]> {
  return (await readComponents(conn, type, await listNames(conn, type))).filter((component): component is Component => component !== undefined);
}

/** Whether an Auth. Provider is one this plugin set up: its plugin is the generated class. */
export const isOurProvider = (provider: Component | undefined): provider is Component => same(textValue(provider?.plugin), SHARED.pluginClass);

export async function findProviders(conn: Connection): Promise<ProviderInOrg[]> {
  const ours = (await readAll(conn, 'AuthProvider')).filter(isOurProvider);
  if (ours.length === 0) return [];
  const records = ours.map((provider) => recordRef(textValue(provider.customMetadataTypeRecord) ?? '').fullName);
  const [recordValues, namedCredentials, externalCredentials] = await Promise.all([
    readComponents(conn, 'CustomMetadata', records),
    readAll(conn, 'NamedCredential'),
    readAll(conn, 'ExternalCredential'),
  ]);
  const found: ProviderInOrg[] = [];
  for (const [index, provider] of ours.entries()) {
    const name = String(provider.fullName);
    const values = new Map(asList(recordValues[index]?.values as Component | Component[] | undefined).map((entry) => [textValue(entry.field), textValue(entry.value)]));
    const external = externalCredentials.find((ec) => parameters(ec, 'externalCredentialParameters').some((p) => p.parameterType === 'AuthProvider' && same(p.authProvider, name)));
    const externalName = external ? String(external.fullName) : undefined;
    const usesProvider = (nc: Component): boolean =>
      same(textValue(nc.authProvider), name) ||
      (externalName !== undefined && parameters(nc, 'namedCredentialParameters').some((p) => p.parameterType === 'Authentication' && same(p.externalCredential, externalName)));
    const credentials = namedCredentials.filter(usesProvider).map((nc) => ({
      name: String(nc.fullName),
      url: parameters(nc, 'namedCredentialParameters').find((p) => p.parameterType === 'Url')?.parameterValue ?? textValue(nc.endpoint),
    }));
    found.push({
      name,
      label: textValue(provider.friendlyName),
      record: records[index],
      tokenUrl: values.get(FIELDS.tokenUrl.apiName),
      tenantId: values.get(FIELDS.tenantId.apiName),
      clientId: values.get(FIELDS.clientId.apiName),
      model: externalName ? 'external' : credentials.length > 0 ? 'legacy' : 'none',
      namedCredentials: credentials,
      externalCredential: externalName,
      // eslint-disable-next-line no-await-in-loop
      principals: externalName ? await principalStatuses(conn, externalName) : [],
    });
  }
  return found;
}

/*
 * Before a deploy replaces a provider the org already holds: does it now get its tokens from another tenant or
 * client? Plugin mode reads the custom metadata records (one readMetadata for all of them); native mode reads the
 * External Credentials' token URLs, then the client ID of each principal that exists (Connect REST). A provider the
 * org does not hold costs no further read.
 */
import type { Connection } from '@salesforce/core';
import type { ProviderSpec } from '../input/providerSpec.js';
import { FIELDS, SHARED } from '../input/platform.js';
import { refuseOrWarn, repointing, tenantOf, type Identity } from '../input/repointing.js';
import { parameters, readComponents, recordFields } from '../salesforce/metadataRead.js';
import { nativeSettings } from '../inventory/providersInOrg.js';
import { storedClientId } from '../salesforce/nativeCredentials.js';

async function recordIdentities(conn: Connection, plugins: ProviderSpec[]): Promise<Array<Identity | undefined>> {
  if (plugins.length === 0) return [];
  const records = await readComponents(conn, 'CustomMetadata', plugins.map((provider) => `${SHARED.metadataType}.${provider.name}`));
  return records.map((record) => {
    if (!record) return undefined;
    const values = recordFields(record);
    return { tenant: tenantOf(values.get(FIELDS.tokenUrl.apiName), values.get(FIELDS.tenantId.apiName)), clientId: values.get(FIELDS.clientId.apiName) };
  });
}

async function nativeIdentities(conn: Connection, natives: ProviderSpec[]): Promise<Array<Identity | undefined>> {
  if (natives.length === 0) return [];
  const credentials = await readComponents(conn, 'ExternalCredential', natives.map((provider) => provider.externalCredential!));
  return Promise.all(
    credentials.map(async (ec, index) => {
      if (!ec) return undefined;
      const [externalCredential, principal] = [natives[index].externalCredential!, natives[index].principal!];
      const hasPrincipal = parameters(ec, 'externalCredentialParameters').some((p) => p.parameterType === 'NamedPrincipal' && p.parameterName === principal);
      const clientId = hasPrincipal ? await storedClientId(conn, { externalCredential, principal }) : undefined;
      return { tenant: tenantOf(nativeSettings(ec).tokenUrl), clientId };
    })
  );
}

/**
 * Refuses (exit invalid-input) a provider the org holds with another tenant or client, unless `force`; with it,
 * returns the warning that says what is repointed.
 */
export async function refuseRepointing(conn: Connection, providers: readonly ProviderSpec[], force: boolean): Promise<string[]> {
  const plugins = providers.filter((provider) => provider.mode === 'plugin');
  const natives = providers.filter((provider) => provider.mode === 'native');
  const [inRecords, inCredentials] = await Promise.all([recordIdentities(conn, plugins), nativeIdentities(conn, natives)]);
  const found = [...plugins.map((provider, i) => [provider, inRecords[i]] as const), ...natives.map((provider, i) => [provider, inCredentials[i]] as const)].flatMap(
    ([provider, old]) => {
      const repointed = old ? repointing(provider, old, 'deploy') : undefined;
      return repointed ? [repointed] : [];
    }
  );
  return refuseOrWarn(found, force, 'Org');
}

/* What reading a provider's credential expiry at Entra needs, from what the org holds. */
import type { Connection } from '@salesforce/core';
import { storedClientId } from '../salesforce/nativeCredentials.js';
import type { ExpiryTarget } from '../entra/expiryReading.js';
import type { FoundProvider } from './providersInOrg.js';

/** The app's client id is the record's or, for a native provider, the one its principal holds. */
export async function expiryTargetOf(conn: Connection, provider: FoundProvider): Promise<ExpiryTarget> {
  let clientId = provider.clientId;
  const principal = provider.principals[0]?.principal;
  if (!clientId && provider.mode === 'native' && provider.externalCredential && principal) {
    clientId = await storedClientId(conn, { externalCredential: provider.externalCredential, principal });
  }
  return { tokenUrl: provider.tokenUrl, tenantId: provider.tenantId, clientId, kind: provider.secretStorage === 'none' ? 'certificate' : 'secret', keyId: provider.secretKeyId };
}

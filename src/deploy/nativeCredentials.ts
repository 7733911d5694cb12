/*
 * --mode native: the client ID and secret live in the External Credential's principal, set through Connect REST
 * (named-credentials/credential), where Salesforce stores the secret encrypted. No metadata file ever holds them.
 */
import type { Connection } from '@salesforce/core';
import { NATIVE_VARIANT } from '../spec/platform.js';

export type NativePrincipal = { externalCredential: string; principal: string };

const CREDENTIAL_PATH = 'named-credentials/credential';

function credentialUrl(conn: Connection): string {
  return `/services/data/v${conn.getApiVersion()}/${CREDENTIAL_PATH}`;
}

/**
 * Stores the client ID and secret in the principal: POST when it holds none yet, PUT to replace them (Salesforce
 * refuses a POST over existing credentials). `configured` is the principal's status read from the org.
 */
export async function storeClientCredentials(
  conn: Connection,
  target: NativePrincipal,
  clientId: string,
  secret: string,
  configured: boolean
): Promise<void> {
  await conn.request({
    method: configured ? 'PUT' : 'POST',
    url: credentialUrl(conn),
    body: JSON.stringify({
      externalCredential: target.externalCredential,
      principalName: target.principal,
      principalType: 'NamedPrincipal',
      authenticationProtocol: 'OAuth',
      authenticationProtocolVariant: NATIVE_VARIANT,
      credentials: {
        clientId: { value: clientId, encrypted: false },
        clientSecret: { value: secret, encrypted: true },
      },
    }),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The client ID stored in the principal (the secret never comes back), or undefined when it holds none. */
export async function storedClientId(conn: Connection, target: NativePrincipal): Promise<string | undefined> {
  const query = new URLSearchParams({ externalCredential: target.externalCredential, principalName: target.principal, principalType: 'NamedPrincipal' });
  const credential = await conn.request<{ credentials?: Record<string, { value?: string } | undefined> }>(`${credentialUrl(conn)}?${query.toString()}`);
  return credential.credentials?.clientId?.value ?? undefined;
}

/*
 * Credentials of External Credential principals, set through Connect REST (named-credentials/credential), where
 * Salesforce stores the secret encrypted. --mode native: the client ID and secret of Salesforce's own client-credentials
 * flow. Plugin mode: the client secret alone, in the principal of the provider's Custom token credential. No metadata
 * file ever holds them.
 */
import { Messages, type Connection } from '@salesforce/core';
import { EXIT_CODES } from '../exitCodes.js';
import { NATIVE_VARIANT, SECRET_PARAMETER } from '../spec/platform.js';
import { networkFailure, proxiedFetch, type Response } from '../network/proxiedFetch.js';
import { remoteText } from '../ux/remoteText.js';
import { formValue } from '../render/escape.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type NativePrincipal = { externalCredential: string; principal: string };

const CREDENTIAL_PATH = 'named-credentials/credential';

function credentialUrl(conn: Connection): string {
  return `/services/data/v${conn.getApiVersion()}/${CREDENTIAL_PATH}`;
}

/**
 * Sends the one request whose body holds the secret. Not through the Connection: @salesforce/core's
 * Connection.request logs every request object, body included, at debug through its unfiltered raw logger (to the sf
 * log file, or to stdout under DEBUG). proxiedFetch logs nothing and takes the proxy jsforce takes. An expired session
 * is refreshed through the Connection (a bodiless GET that jsforce answers with a token refresh) and the request sent
 * once more.
 */
async function sendSecretBearing(conn: Connection, method: 'POST' | 'PUT', body: string, secret: string): Promise<void> {
  const send = (): Promise<Response> =>
    proxiedFetch(`${conn.instanceUrl}${credentialUrl(conn)}`, {
      method,
      body,
      headers: { 'Authorization': `Bearer ${conn.accessToken ?? ''}`, 'Content-Type': 'application/json', 'Accept': 'application/json' },
    }).catch((error: unknown) => {
      throw messages.createError('error.CredentialsUnreachable', [remoteText(networkFailure(error), [secret])], [], EXIT_CODES.failed);
    });
  let response = await send();
  if (response.status === 401) {
    await conn.refreshAuth();
    response = await send();
  }
  if (response.ok) return;
  // Salesforce's error shape: [{ errorCode, message }]. Salesforce does not quote the body back; should anything on
  // the way do so, the secret is removed.
  const text = await response.text();
  let problem = `HTTP ${response.status}`;
  try {
    const [first] = JSON.parse(text) as Array<{ errorCode?: string; message?: string }>;
    if (first?.message) problem = remoteText(`${first.errorCode ?? problem}: ${first.message}`, [secret]);
  } catch {
    // Not JSON: the status says enough.
  }
  throw messages.createError('error.CredentialsRefused', [problem], [], EXIT_CODES.failed);
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
  const body = JSON.stringify({
    externalCredential: target.externalCredential,
    principalName: target.principal,
    principalType: 'NamedPrincipal',
    authenticationProtocol: 'OAuth',
    authenticationProtocolVariant: NATIVE_VARIANT,
    credentials: {
      clientId: { value: clientId, encrypted: false },
      clientSecret: { value: secret, encrypted: true },
    },
  });
  await sendSecretBearing(conn, configured ? 'PUT' : 'POST', body, secret);
}

type StoredCredentials = Record<string, { value?: string } | undefined>;

/**
 * The credentials a principal holds. Salesforce's documentation does not say that an encrypted value is masked in
 * the answer, so only names and unencrypted values leave this module.
 */
async function storedCredentials(conn: Connection, target: NativePrincipal): Promise<StoredCredentials> {
  const query = new URLSearchParams({ externalCredential: target.externalCredential, principalName: target.principal, principalType: 'NamedPrincipal' });
  const credential = await conn.request<{ credentials?: StoredCredentials }>(`${credentialUrl(conn)}?${query.toString()}`);
  return credential.credentials ?? {};
}

/** The client ID stored in the principal (the secret never comes back), or undefined when it holds none. */
export async function storedClientId(conn: Connection, target: NativePrincipal): Promise<string | undefined> {
  return (await storedCredentials(conn, target)).clientId?.value ?? undefined;
}

/** Plugin mode: the client secret, encrypted, in the token credential's principal (POST the first time, PUT after). */
export async function storeTokenSecret(conn: Connection, target: NativePrincipal, secret: string): Promise<void> {
  const exists = Object.keys(await storedCredentials(conn, target)).length > 0;
  const body = JSON.stringify({
    externalCredential: target.externalCredential,
    principalName: target.principal,
    principalType: 'NamedPrincipal',
    authenticationProtocol: 'Custom',
    // Form-encoded, as the token request's body wants it: Salesforce merges the stored value as it is (a body merge
    // field may not be wrapped in URLENCODE). Secrets Entra generates encode to themselves.
    credentials: { [SECRET_PARAMETER]: { value: formValue(secret), encrypted: true } },
  });
  await sendSecretBearing(conn, exists ? 'PUT' : 'POST', body, secret);
}

/** Whether the token credential's principal holds a secret (its value is never read). */
export async function holdsTokenSecret(conn: Connection, target: NativePrincipal): Promise<boolean> {
  return Object.hasOwn(await storedCredentials(conn, target), SECRET_PARAMETER);
}

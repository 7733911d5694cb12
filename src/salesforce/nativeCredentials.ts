/*
 * Credentials of External Credential principals, set through Connect REST (named-credentials/credential), where
 * Salesforce stores the secret encrypted. --mode native: the client ID and secret of Salesforce's own client-credentials
 * flow. Plugin mode: the client secret alone, in the principal of the provider's Custom token credential. No metadata
 * file ever holds them.
 */
import { Messages, type Connection } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { NATIVE_VARIANT, SECRET_PARAMETER } from '../input/platform.js';
import { networkFailure, proxiedFetch, type Response } from '../network/proxiedFetch.js';
import { describeAnswer, MALFORMED_ANSWER, malformedAnswer, NO_ANSWER, requestTimeoutMs, unrelatedAnswer, withDeadline } from '../network/deadline.js';
import { remoteText } from '../ux/remoteText.js';
import { formValue } from '../render/escape.js';
import { sameName } from './salesforceNames.js';
import { DEFAULT_RETRY, withRetries } from './retry.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type NativePrincipal = { externalCredential: string; principal: string };

const CREDENTIAL_PATH = 'named-credentials/credential';

function credentialUrl(conn: Connection): string {
  return `/services/data/v${conn.getApiVersion()}/${CREDENTIAL_PATH}`;
}

/** What a store asks for: the principal, and each credential's name with its value when that is not encrypted. */
type Asked = { target: NativePrincipal; operation: 'createCredential' | 'updateCredential'; plain: Record<string, string>; encrypted: string[] };

const sameAnswered = (a: unknown, b: string): boolean => typeof a === 'string' && sameName(a, b);
const describePrincipal = (target: NativePrincipal): string => messages.getMessage('credentials.Principal', [target.principal, target.externalCredential]);

/**
 * The Credential the org answers a POST or PUT with (ConnectApi.Credential: externalCredential, principalName,
 * credentials), checked against what was asked: the same principal, every credential named, unencrypted values equal.
 * An HTML page, an empty 204 or JSON about something else claims a change nobody can see: a MalformedAnswer.
 */
async function requireAnswerAsAsked(response: Response, asked: Asked): Promise<void> {
  const text = await response.text();
  let answer: { externalCredential?: unknown; principalName?: unknown; credentials?: Record<string, { value?: unknown } | undefined> } | undefined;
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw malformedAnswer(asked.operation, describeAnswer(response.status, response.headers.get('content-type'), text));
  }
  const credentials = answer?.credentials;
  const matches =
    typeof answer === 'object' &&
    answer !== null &&
    sameAnswered(answer.externalCredential, asked.target.externalCredential) &&
    sameAnswered(answer.principalName, asked.target.principal) &&
    typeof credentials === 'object' &&
    credentials !== null &&
    holdsWhatWasAsked(credentials, asked);
  if (!matches) throw malformedAnswer(asked.operation, unrelatedAnswer(describePrincipal(asked.target)));
}

/** Every credential asked for is named, each unencrypted one with the value sent (encrypted values are never compared). */
function holdsWhatWasAsked(credentials: Record<string, { value?: unknown } | undefined>, asked: Asked): boolean {
  return (
    [...Object.keys(asked.plain), ...asked.encrypted].every((name) => Object.hasOwn(credentials, name)) &&
    Object.entries(asked.plain).every(([name, value]) => credentials[name]?.value === value)
  );
}

/**
 * Sends the one request whose body holds the secret. Not through the Connection: @salesforce/core's
 * Connection.request logs every request object, body included, at debug through its unfiltered raw logger (to the sf
 * log file, or to stdout under DEBUG). proxiedFetch logs nothing and takes the proxy jsforce takes. An expired session
 * is refreshed through the Connection (a bodiless GET that jsforce answers with a token refresh) and the request sent
 * once more. Each attempt has its deadline; a PUT (it replaces the whole set, so it may be repeated) is sent again,
 * body and all, after a 5xx, a dropped connection, no answer or one that is not an answer. A POST is never repeated:
 * the rerun the error asks for reads the principal and replaces what it holds.
 */
async function sendSecretBearing(conn: Connection, method: 'POST' | 'PUT', body: string, secret: string, asked: Asked): Promise<void> {
  const send = (): Promise<Response> =>
    withDeadline(asked.operation, requestTimeoutMs(), async (signal) => {
      const response = await proxiedFetch(`${conn.instanceUrl}${credentialUrl(conn)}`, {
        method,
        body,
        signal,
        headers: { 'Authorization': `Bearer ${conn.accessToken ?? ''}`, 'Content-Type': 'application/json', 'Accept': 'application/json' },
      }).catch((error: unknown) => {
        // The network's error stays the cause: retry.ts reads a dropped connection there.
        throw messages.createError('error.CredentialsUnreachable', [remoteText(networkFailure(error), [secret])], [], EXIT_CODES.failed, error as Error);
      });
      if (response.ok) await requireAnswerAsAsked(response, asked);
      return response;
    });
  const attempt = async (): Promise<void> => {
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
    // errorCode as jsforce gives it: a 5xx says nothing about the request, so a PUT may be sent again (retry.ts).
    throw Object.assign(messages.createError('error.CredentialsRefused', [problem], [], EXIT_CODES.failed), { errorCode: `ERROR_HTTP_${response.status}` });
  };
  try {
    await (method === 'PUT' ? withRetries(attempt, DEFAULT_RETRY) : attempt());
  } catch (error) {
    throw inWords(error, asked.target);
  }
  await requireReadBackAsAsked(conn, asked);
}

/**
 * POST or PUT as the principal's state read before asked, and a PUT after all when the org refuses the POST because
 * the principal holds credentials by then: another client stored them in between (a second deploy of the same
 * provider at the same moment). Replacing them is what a rerun would do, and the deploy that finishes last wins.
 */
async function storeOrReplace(conn: Connection, method: 'POST' | 'PUT', body: string, secret: string, asked: Asked): Promise<void> {
  try {
    await sendSecretBearing(conn, method, body, secret, asked);
  } catch (error) {
    const refused = /^ERROR_HTTP_4\d\d$/.test((error as { errorCode?: string }).errorCode ?? '');
    if (method !== 'POST' || !refused || Object.keys(await storedCredentials(conn, asked.target)).length === 0) throw error;
    await sendSecretBearing(conn, 'PUT', body, secret, { ...asked, operation: 'updateCredential' });
  }
}

/** No answer, or one that is not an answer: what was asked may or may not have happened (exit no-answer). */
function inWords(error: unknown, target: NativePrincipal): unknown {
  const name = (error as Error).name;
  if (name !== NO_ANSWER && name !== MALFORMED_ANSWER) return error;
  return messages.createError('error.CredentialsNotConfirmed', [describePrincipal(target), (error as Error).message], [], EXIT_CODES['no-answer']);
}

/**
 * The principal, read back after the store: every credential asked for is there, unencrypted values as sent, and its
 * status is not NotConfigured. Encrypted values are never compared (the answer masks them, and they are never read).
 */
async function requireReadBackAsAsked(conn: Connection, asked: Asked): Promise<void> {
  const held = await readCredential(conn, asked.target);
  if (!holdsWhatWasAsked(held.credentials ?? {}, asked) || held.authenticationStatus === 'NotConfigured') {
    throw messages.createError('error.CredentialsNotStored', [describePrincipal(asked.target), asked.operation], [], EXIT_CODES['no-answer']);
  }
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
  const asked: Asked = { target, operation: configured ? 'updateCredential' : 'createCredential', plain: { clientId }, encrypted: ['clientSecret'] };
  await storeOrReplace(conn, configured ? 'PUT' : 'POST', body, secret, asked);
}

type StoredCredentials = Record<string, { value?: string } | undefined>;
type CredentialAnswer = { credentials?: StoredCredentials; authenticationStatus?: string };

/**
 * The principal's Credential (a GET: asked again after a 5xx, a dropped connection, no answer or one that is not a
 * Credential). Salesforce's documentation does not say that an encrypted value is masked in the answer, so only names
 * and unencrypted values leave this module.
 */
async function readCredential(conn: Connection, target: NativePrincipal): Promise<CredentialAnswer> {
  const query = new URLSearchParams({ externalCredential: target.externalCredential, principalName: target.principal, principalType: 'NamedPrincipal' });
  const read = async (): Promise<CredentialAnswer> => {
    const answer = await withDeadline('getCredential', requestTimeoutMs(), async () => conn.request<unknown>(`${credentialUrl(conn)}?${query.toString()}`));
    const credential = answer as CredentialAnswer | undefined;
    const credentials = credential?.credentials as unknown;
    if (typeof credential !== 'object' || credential === null || (credentials !== undefined && (typeof credentials !== 'object' || credentials === null))) {
      throw malformedAnswer('getCredential', unrelatedAnswer(describePrincipal(target)));
    }
    return credential;
  };
  try {
    return await withRetries(read, DEFAULT_RETRY);
  } catch (error) {
    throw inWords(error, target);
  }
}

/** The credentials a principal holds: names and unencrypted values. */
async function storedCredentials(conn: Connection, target: NativePrincipal): Promise<StoredCredentials> {
  return (await readCredential(conn, target)).credentials ?? {};
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
  const asked: Asked = { target, operation: exists ? 'updateCredential' : 'createCredential', plain: {}, encrypted: [SECRET_PARAMETER] };
  await storeOrReplace(conn, exists ? 'PUT' : 'POST', body, secret, asked);
}

/** Whether the token credential's principal holds a secret (its value is never read). */
export async function holdsTokenSecret(conn: Connection, target: NativePrincipal): Promise<boolean> {
  return Object.hasOwn(await storedCredentials(conn, target), SECRET_PARAMETER);
}

/*
 * The Microsoft Graph v1.0 calls the plugin makes, typed, over proxiedFetch (the proxy sf uses) with a deadline per
 * request; never the Graph SDK. Throttling (429) and a busy service (503, 504) are waited out as Graph asks
 * (Retry-After, in seconds: "Microsoft Graph throttling guidance"), within a few attempts. A write is repeated only
 * after 429, which Graph sends for a request it did not carry out. Nothing here logs a request body: addPassword's
 * answer holds the new secret.
 */
import { Messages, type SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { describeAnswer, malformedAnswer, requestTimeoutMs, withDeadline } from '../network/deadline.js';
import { networkFailure, proxiedFetch } from '../network/proxiedFetch.js';
import { remoteField, remoteText } from '../ux/remoteText.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'graph');

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export type RequiredResourceAccess = { resourceAppId: string; resourceAccess: Array<{ id: string; type: 'Role' | 'Scope' }> };
export type PasswordCredential = { keyId: string; displayName?: string | null; hint?: string | null; startDateTime?: string; endDateTime?: string };
export type KeyCredential = {
  keyId: string;
  displayName?: string | null;
  customKeyIdentifier?: string | null;
  startDateTime?: string;
  endDateTime?: string;
  type: string;
  usage: string;
  /** Base64 DER; Graph returns it only on $select=keyCredentials of one application. */
  key?: string | null;
};
/** A keyCredential as sent in a PATCH: a new one has no keyId yet. */
export type KeyCredentialInput = Omit<KeyCredential, 'keyId'> & { keyId?: string };
export type Application = {
  id: string;
  appId: string;
  displayName: string;
  requiredResourceAccess: RequiredResourceAccess[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
};
/** addPassword's answer: the only time Graph shows a secret's text. */
export type NewPassword = PasswordCredential & { secretText: string };
export type AppRole = { id: string; value: string | null; displayName?: string; allowedMemberTypes: string[]; isEnabled?: boolean };
export type ServicePrincipal = { id: string; appId: string; displayName: string; appRoles: AppRole[] };
export type AppRoleAssignment = { id: string; principalId: string; resourceId: string; appRoleId: string };

export type GraphClient = {
  origin: string;
  /** One Graph v1.0 call; `path` starts with a slash, below /v1.0. Undefined for 204. */
  call: <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<T | undefined>;
};

export type GraphClientOptions = {
  /** Attempts in all for one call that Graph throttles or finds too busy. */
  attempts?: number;
  /** Called before waiting out a throttled call (progress). */
  onWait?: (seconds: number) => void;
  /** The wait itself: tests and the fake may make it short. */
  sleep?: (ms: number) => Promise<void>;
};

const RETRY_STATUSES = new Set([429, 503, 504]);
const MAX_WAIT_S = 60;

/** A refusal from Graph: status, Graph's error code, its message (remote text, scrubbed). */
export function graphError(status: number, code: string | undefined, message: string | undefined, operation: string): SfError {
  const exit = status === 401 || status === 403 ? EXIT_CODES['api-access'] : EXIT_CODES.failed;
  const error = messages.createError('error.GraphRefused', [operation, status, code ?? '-', message ?? '-'], [messages.getMessage(status === 403 ? 'fix.Forbidden' : status === 401 ? 'fix.Unauthorized' : 'fix.GraphRefused')], exit);
  error.setData({ status, code });
  return error;
}

/** Graph's error code and message from an error body ({"error":{"code","message","innerError"}}). */
function errorOf(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
    return { code: remoteField(code, [], 100), message: remoteField(message, [], 400) };
  } catch {
    return {};
  }
}

export function graphClient(token: () => Promise<string>, origin: string, options: GraphClientOptions = {}): GraphClient {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
    const operation = `${method} ${path.split('?')[0]}`;
    // Attempts are sequential on purpose: each waits out the previous one's Retry-After.
    /* eslint-disable no-await-in-loop */
    for (let attempt = 1; ; attempt++) {
      const bearer = await token();
      const ms = requestTimeoutMs();
      let answer: { status: number; contentType: string | null; text: string; retryAfter: string | null };
      try {
        answer = await withDeadline(`Microsoft Graph (${operation})`, ms, async (signal): Promise<typeof answer> => {
          const response = await proxiedFetch(`${origin}/v1.0${path}`, {
            method,
            headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal,
            redirect: 'manual',
          });
          return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text(), retryAfter: response.headers.get('retry-after') };
        });
      } catch (error) {
        if ((error as Error).name === 'TypeError' || (error as { cause?: unknown }).cause !== undefined) {
          throw messages.createError('error.GraphUnreachable', [origin, remoteText(networkFailure(error))], [], EXIT_CODES.unreachable);
        }
        throw error;
      }
      const retryable = RETRY_STATUSES.has(answer.status) && (method === 'GET' || answer.status === 429);
      if (retryable && attempt < attempts) {
        const asked = Number(answer.retryAfter);
        const seconds = Math.min(MAX_WAIT_S, Number.isFinite(asked) && asked >= 0 ? asked : 2 ** attempt);
        options.onWait?.(seconds);
        await sleep(seconds * 1000);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) {
        if (answer.status === 204 || answer.text === '') return undefined;
        try {
          return JSON.parse(answer.text) as T;
        } catch {
          throw malformedAnswer(`Microsoft Graph (${operation})`, describeAnswer(answer.status, answer.contentType, answer.text));
        }
      }
      const { code, message } = errorOf(answer.text);
      throw graphError(answer.status, code, message ?? describeAnswer(answer.status, answer.contentType, answer.text), operation);
    }
    /* eslint-enable no-await-in-loop */
  }
  return { origin, call };
}

/** An OData string literal: a quote inside is doubled. */
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const list = async <T>(client: GraphClient, path: string): Promise<T[]> => (await client.call<{ value: T[] }>('GET', path))?.value ?? [];
const required = <T>(value: T | undefined, operation: string): T => {
  if (value === undefined) throw malformedAnswer(`Microsoft Graph (${operation})`, messages.getMessage('answer.NoBody'));
  return value;
};

export const findApplicationsByName = (client: GraphClient, displayName: string): Promise<Application[]> =>
  list<Application>(client, `/applications?$filter=${encodeURIComponent(`displayName eq ${literal(displayName)}`)}`);

export async function findApplicationByAppId(client: GraphClient, appId: string): Promise<Application | undefined> {
  return (await list<Application>(client, `/applications?$filter=${encodeURIComponent(`appId eq ${literal(appId)}`)}`))[0];
}

/** One application; `withKeys` asks for its certificates' bytes too ($select=keyCredentials), which a PATCH must resend. */
export async function getApplication(client: GraphClient, id: string, withKeys = false): Promise<Application> {
  const path = `/applications/${encodeURIComponent(id)}${withKeys ? '?$select=id,appId,displayName,keyCredentials' : ''}`;
  return required(await client.call<Application>('GET', path), 'GET /applications/{id}');
}

export async function createApplication(client: GraphClient, body: { displayName: string; signInAudience?: string; requiredResourceAccess?: RequiredResourceAccess[] }): Promise<Application> {
  return required(await client.call<Application>('POST', '/applications', { signInAudience: 'AzureADMyOrg', ...body }), 'POST /applications');
}

export async function updateApplication(
  client: GraphClient,
  id: string,
  patch: Partial<Pick<Application, 'displayName' | 'requiredResourceAccess'>> & { keyCredentials?: KeyCredentialInput[] }
): Promise<void> {
  await client.call('PATCH', `/applications/${encodeURIComponent(id)}`, patch);
}

export async function deleteApplication(client: GraphClient, id: string): Promise<void> {
  await client.call('DELETE', `/applications/${encodeURIComponent(id)}`);
}

/** A new client secret ending at `endDateTime`; its text is in the answer alone, for the caller to keep in memory. */
export async function addPassword(client: GraphClient, id: string, credential: { displayName: string; endDateTime: string }): Promise<NewPassword> {
  return required(await client.call<NewPassword>('POST', `/applications/${encodeURIComponent(id)}/addPassword`, { passwordCredential: credential }), 'POST addPassword');
}

export async function removePassword(client: GraphClient, id: string, keyId: string): Promise<void> {
  await client.call('POST', `/applications/${encodeURIComponent(id)}/removePassword`, { keyId });
}

export async function findServicePrincipal(client: GraphClient, appId: string): Promise<ServicePrincipal | undefined> {
  return (await list<ServicePrincipal>(client, `/servicePrincipals?$filter=${encodeURIComponent(`appId eq ${literal(appId)}`)}`))[0];
}

export async function createServicePrincipal(client: GraphClient, appId: string): Promise<ServicePrincipal> {
  return required(await client.call<ServicePrincipal>('POST', '/servicePrincipals', { appId }), 'POST /servicePrincipals');
}

export const listAppRoleAssignments = (client: GraphClient, servicePrincipalId: string): Promise<AppRoleAssignment[]> =>
  list<AppRoleAssignment>(client, `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignments`);

/** Grants an application permission: what the portal's "Grant admin consent" does for one app role. */
export async function assignAppRole(client: GraphClient, servicePrincipalId: string, assignment: Omit<AppRoleAssignment, 'id'>): Promise<AppRoleAssignment> {
  return required(await client.call<AppRoleAssignment>('POST', `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignments`, assignment), 'POST appRoleAssignments');
}

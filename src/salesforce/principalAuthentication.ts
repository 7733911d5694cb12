/*
 * The Named Principal of an External Credential must complete the Auth. Provider's OAuth flow once before callouts
 * work. The plugin's initiate redirects straight back to Salesforce, so nobody types anything at Entra: a browser
 * that is already logged in (a frontdoor session) finishes the flow alone, and so can a plain HTTP client that
 * follows the same redirects. Whether it worked is read back from the org, never assumed.
 */
import { Messages, type Connection } from '@salesforce/core';
import { networkFailure, proxiedFetch, type Response } from '../network/proxiedFetch.js';
import { malformedAnswer, requestTimeoutMs, unrelatedAnswer, withDeadline } from '../network/deadline.js';
import { DEFAULT_RETRY, withRetries } from './retry.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type PrincipalStatus = 'Configured' | 'NotConfigured' | 'Unknown';

type ExternalCredentialInfo = { principals?: Array<{ principalName: string; authenticationStatus?: string }> };

/** Where Salesforce sends the browser when the flow ends. */
export const RETURN_PATH = '/lightning/setup/NamedCredential/home';
const MAX_REDIRECTS = 15;

function connectUrl(conn: Connection, path: string): string {
  return `/services/data/v${conn.getApiVersion()}/named-credentials/${path}`;
}

/** Every principal of an External Credential with its authentication status, as Setup shows them. */
export async function principalStatuses(conn: Connection, externalCredential: string): Promise<Array<{ principal: string; status: PrincipalStatus }>> {
  const operation = 'getExternalCredential';
  // A read: asked again after no answer, or one that is not an External Credential.
  const info = await withRetries(async () => {
    const answer = (await withDeadline(operation, requestTimeoutMs(), async () => conn.request<unknown>(connectUrl(conn, `external-credentials/${encodeURIComponent(externalCredential)}`)))) as ExternalCredentialInfo | undefined;
    const principals = answer?.principals as unknown;
    if (typeof answer !== 'object' || answer === null || (principals !== undefined && !Array.isArray(principals))) {
      throw malformedAnswer(operation, unrelatedAnswer(externalCredential));
    }
    return answer;
  }, DEFAULT_RETRY);
  return (info.principals ?? []).map((entry) => ({ principal: entry.principalName, status: entry.authenticationStatus === 'Configured' ? 'Configured' : 'NotConfigured' }));
}

export async function principalStatus(conn: Connection, externalCredential: string, principal: string): Promise<PrincipalStatus> {
  const found = (await principalStatuses(conn, externalCredential)).find((entry) => entry.principal.toLowerCase() === principal.toLowerCase());
  return found?.status ?? 'Unknown';
}

/** The URL that starts the principal's OAuth flow (Connect REST), as Setup's "Authenticate" button uses. */
export async function authenticationUrl(conn: Connection, externalCredential: string, principal: string): Promise<string> {
  const operation = 'getOAuthUrl (auth-url)';
  const answer = (await withDeadline(operation, requestTimeoutMs(), async () =>
    conn.request<unknown>({
      method: 'POST',
      url: connectUrl(conn, 'credential/auth-url/o-auth'),
      body: JSON.stringify({ externalCredential, principalName: principal, principalType: 'NamedPrincipal', returnUrl: RETURN_PATH }),
      headers: { 'Content-Type': 'application/json' },
    })
  )) as { authenticationUrl?: unknown } | undefined;
  const url = typeof answer === 'object' && answer !== null ? answer.authenticationUrl : undefined;
  // A URL the flow can start from: anything else would fail later with less to say.
  if (typeof url !== 'string' || !URL.canParse(url)) throw malformedAnswer(operation, unrelatedAnswer(externalCredential));
  return url;
}

/** A path on the org, as frontdoor's start URL must be: an absolute URL of the org becomes its path and query. */
export function orgPath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export type HeadlessFlowOutcome = { reachedReturnPage: boolean; error?: string };

/**
 * Follows the flow's redirects as a browser would, keeping cookies per host. Stops at the return page, at
 * Salesforce's OAuth error page (whose description it reports), at a page that is not a redirect, or after
 * MAX_REDIRECTS hops.
 */
export async function followFlow(startUrl: string): Promise<HeadlessFlowOutcome> {
  const cookies = new Map<string, Map<string, string>>();
  let url = new URL(startUrl);
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const jar = cookies.get(url.host) ?? new Map<string, string>();
    const cookieHeader = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let response: Response;
    try {
      // Each hop's URL and cookies come from the previous answer, so the requests are sequential.
      // eslint-disable-next-line no-await-in-loop
      response = await proxiedFetch(url, { redirect: 'manual', headers: cookieHeader ? { cookie: cookieHeader } : {}, signal: AbortSignal.timeout(requestTimeoutMs()) });
    } catch (error) {
      // The deploy is done by now: a network or proxy failure leaves the URL to open, as a failed flow does.
      return { reachedReturnPage: false, error: messages.getMessage('auth.NoAnswer', [url.pathname, networkFailure(error)]) };
    }
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    cookies.set(url.host, jar);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return { reachedReturnPage: false, error: messages.getMessage('auth.StoppedAt', [response.status, url.pathname]) };
    }
    url = new URL(location, url);
    if (/\/identity\/auth\/error|\/_nc_external\/.*error/i.test(url.pathname)) {
      return { reachedReturnPage: false, error: url.searchParams.get('ErrorDescription') ?? url.searchParams.get('ErrorCode') ?? url.pathname };
    }
    if (url.pathname === RETURN_PATH) return { reachedReturnPage: true };
    if (url.searchParams.has('ec') && url.pathname === '/') return { reachedReturnPage: false, error: messages.getMessage('auth.FrontdoorRefused') };
  }
  return { reachedReturnPage: false, error: messages.getMessage('auth.TooManyRedirects', [MAX_REDIRECTS]) };
}

/**
 * What Salesforce does with an anonymous Apex block, as far as the emulator models it (it cannot run Apex):
 * - compile: syntax (apex-parser), plus "Invalid type" for `new X(` and `X__mdt` that name no class or type in the org;
 * - a callout to a `callout:<Named Credential>/<path>` literal: the platform's own checks (the Named Credential
 *   exists; for an External Credential the user has the principal and User External Credential access through an
 *   assigned permission set; the principal is authenticated or no Authorization header is sent), the request to the
 *   outside world (answered by the test's callout responder), one retry after a refresh on 401 or an additional
 *   refresh status code, and the CALLOUT_REQUEST / CALLOUT_RESPONSE lines of the debug log;
 * - the body and headers the Apex sets with string literals, External Credential merge fields resolved (mergeFields.ts);
 *   a callout to an origin the test routed (`routeOutbound`) is a real HTTP request there, others go to the responder;
 * - for a native OAuth client-credentials External Credential, the org fetches the token itself: a real HTTP POST of
 *   the client_credentials grant to its AuthProviderUrl with the principal's Connect credentials, cached per
 *   principal until it expires, fetched anew for the retry; a refused token request fails the callout;
 * - anything else (a block that runs a class of the org, reads custom metadata, does DML or SOQL, or makes no callout
 *   through a `callout:` literal): the outcome a test or the demo scripted openly (`setApexOutcome`), or else a failure
 *   that says it is not modeled by the emulator. The emulator runs no Apex, so it never invents a success for it:
 *   verify's in-org token check (the plugin's refresh) would otherwise claim a token nobody requested.
 */
import { STATUS_CODES } from 'node:http';
import type { ApexOutcome, Org } from './org.js';
import { additionalRefreshCodes } from './providerRules.js';
import { childrenNamed, childText, type XNode } from './xml.js';
import { CLIENT_SECRET_VARIANTS, credentialStatus, parameterValue, protocolVariant } from './externalCredential.js';
import { mergeCredentialFields } from './mergeFields.js';

/**
 * `bearerToken`: the access token sent as `Authorization: Bearer` (native client-credentials External Credentials).
 * `body` and `headers`: as the Apex set them with string literals, External Credential merge fields resolved.
 */
export type CalloutRequest = {
  url: string;
  method: string;
  namedCredential: string;
  authorized: boolean;
  attempt: number;
  bearerToken?: string;
  body?: string;
  headers?: Record<string, string>;
};
export type CalloutResponse = { status: number; body?: string };
/** The outside world as seen from the org. The default answers 200 to authorized requests and 401 otherwise. */
export type CalloutResponder = (request: CalloutRequest) => CalloutResponse | Promise<CalloutResponse>;

export const defaultResponder: CalloutResponder = (request) => (request.authorized ? { status: 200, body: '{}' } : { status: 401, body: '{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}' });

/** Types every org has; only these and the org's own classes may follow `new`. */
const SYSTEM_TYPES = new Set(['http', 'httprequest', 'httpresponse', 'map', 'list', 'set', 'pagereference', 'url', 'string', 'exception', 'blob', 'date', 'datetime']);

export type Position = { line: number; column: number };
export type AnonymousRun = { outcome: ApexOutcome; events: Array<{ line: number; event: string; detail: string }> };

function positionOf(source: string, index: number): Position {
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** "Invalid type: X" for the first type the org does not have. */
export function unknownType(org: Org, source: string): ({ message: string } & Position) | undefined {
  for (const match of source.matchAll(/\bnew\s+([A-Za-z_][\w.]*)\s*[(<]/g)) {
    const name = match[1];
    if (name.includes('.') || SYSTEM_TYPES.has(name.toLowerCase()) || org.apexClass(name)) continue;
    return { message: `Invalid type: ${name}`, ...positionOf(source, match.index + match[0].indexOf(name)) };
  }
  for (const match of source.matchAll(/\b(\w+__mdt)\b/g)) {
    if (!org.get('CustomObject', match[1])) return { message: `Invalid type: ${match[1]}`, ...positionOf(source, match.index) };
  }
  return undefined;
}

/** Ids of the permission sets assigned to a user. */
function assignedPermissionSets(org: Org, userId: string): ReturnType<Org['list']> {
  const ids = new Set(org.permissionSetAssignments.filter((a) => a.assigneeId === userId).map((a) => a.permissionSetId));
  return org.list('PermissionSet').filter((ps) => ids.has(ps.id));
}

/** Whether the user may use a principal of the External Credential, and which one (Salesforce takes the lowest sequence). */
function accessiblePrincipal(org: Org, userId: string, externalCredential: string): string | undefined {
  const sets = assignedPermissionSets(org, userId);
  const granted = new Set(
    sets.flatMap((ps) =>
      childrenNamed(ps.tree, 'externalCredentialPrincipalAccesses')
        .filter((a) => childText(a, 'enabled') === 'true')
        .map((a) => (childText(a, 'externalCredentialPrincipal') ?? '').toLowerCase())
    )
  );
  const objectAccess = sets.some((ps) =>
    childrenNamed(ps.tree, 'objectPermissions').some((o) => childText(o, 'object') === 'UserExternalCredential' && childText(o, 'allowRead') === 'true')
  );
  if (!objectAccess) return undefined;
  return org
    .principalsOf(externalCredential)
    .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
    .find((p) => granted.has(`${externalCredential}-${p.name}`.toLowerCase()))?.name;
}

const credentialError = (ec: string): string =>
  `System.CalloutException: We couldn't access the credential(s). You might not have the required permissions, or the external credential "${ec}" might not exist.`;

function failure(message: string, position: Position): ApexOutcome {
  return { success: false, exceptionMessage: message, exceptionStackTrace: `AnonymousBlock: line ${position.line}, column ${position.column}` };
}

/** A principal of a native client-credentials External Credential whose Connect credentials are complete. */
type NativePrincipal = { tree: XNode; key: string };

/** application/x-www-form-urlencoded, as RFC 6749 wants the id and secret before they go into a Basic header. */
const formEncode = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/**
 * The principal's access token: the cached one, or (expired, or `fresh`) a new one from the token endpoint. Only the
 * token endpoint's error code comes back on failure: neither the secret nor Entra's description reaches Apex.
 */
async function accessToken(org: Org, p: NativePrincipal, fresh: boolean): Promise<{ token: string } | { error: string }> {
  const cached = org.principalTokens.get(p.key);
  if (!fresh && cached && cached.expiresAt > Date.now()) return { token: cached.accessToken };
  const credentials = org.principalCredentials.get(p.key) ?? {};
  const [id, secret] = [credentials.clientId?.value ?? '', credentials.clientSecret?.value ?? ''];
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (protocolVariant(p.tree) === 'ClientCredentialsClientSecretBasic') {
    headers.Authorization = `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', id);
    form.set('client_secret', secret);
  }
  const scope = parameterValue(p.tree, 'AuthParameter', 'Scope');
  if (scope) form.set('scope', scope);
  let reply: { status: number; ok: boolean; body: Record<string, unknown> };
  try {
    const res = await fetch(org.outboundUrl(parameterValue(p.tree, 'AuthProviderUrl') ?? ''), { method: 'POST', headers, body: form, signal: AbortSignal.timeout(10_000) });
    reply = { status: res.status, ok: res.ok, body: ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown> };
  } catch {
    return { error: 'Read timed out or connection refused' };
  }
  const token = reply.body.access_token;
  if (!reply.ok || typeof token !== 'string') return { error: typeof reply.body.error === 'string' ? reply.body.error : `HTTP ${reply.status}` };
  org.principalTokens.set(p.key, { accessToken: token, expiresAt: Date.now() + (Number(reply.body.expires_in) || 3600) * 1000 });
  return { token };
}

// Salesforce's Help (article 002471436) quotes "System.CalloutException: Unable to fetch the OAuth token" for a token
// endpoint that refuses; the " Error: <code>." tail is how users report it.
const tokenError = (error: string): string => `System.CalloutException: Unable to fetch the OAuth token. Error: ${error}.`;

/** An Apex string literal's text (the escapes the templates use). */
const apexString = (literal: string): string => literal.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);

/** A callout the test routed to a real server: sent there over HTTP, as the org would send it. */
async function outbound(org: Org, request: CalloutRequest): Promise<CalloutResponse> {
  const headers = { ...request.headers, ...(request.bearerToken ? { Authorization: `Bearer ${request.bearerToken}` } : {}) };
  try {
    const res = await fetch(org.outboundUrl(request.url), { method: request.method, headers, body: request.body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 503, body: 'Read timed out or connection refused' };
  }
}

/** The source with string literals and comments blanked out, same length, so that positions still hold. */
const codeOnly = (source: string): string => source.replace(/'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));

/**
 * Why the emulator's model does not cover this block, and where: the model is the callout through a `callout:` literal
 * and what Salesforce does around it; code of the org's own (its classes, custom metadata records, DML, SOQL) it
 * cannot run.
 */
export function unmodeled(org: Org, source: string): ({ reason: string } & Position) | undefined {
  const code = codeOnly(source);
  for (const match of code.matchAll(/\b[A-Za-z_]\w*\b/g)) {
    if (!match[0].endsWith('__mdt') && org.apexClass(match[0])) return { reason: `it runs the org's Apex class ${match[0]}`, ...positionOf(source, match.index) };
  }
  const effects: Array<[RegExp, string]> = [
    [/\b\w+__mdt\b/, 'it reads custom metadata records'],
    [/\b(?:insert|update|upsert|delete|undelete|merge)\s+(?:new\b|[A-Za-z_]\w*\s*;)|\bDatabase\s*\./i, 'it changes records (DML)'],
    [/\[\s*(?:SELECT|FIND)\b/i, 'it queries records (SOQL or SOSL)'],
  ];
  for (const [pattern, reason] of effects) {
    const match = pattern.exec(code);
    if (match) return { reason, ...positionOf(source, match.index) };
  }
  if (!/'callout:[A-Za-z0-9_]+/.test(source)) return { reason: 'it makes no callout through a callout: Named Credential literal', line: 1, column: 1 };
  return undefined;
}

/**
 * The emulator's own words (a real org never says this): the block did not run, and nothing about it succeeded.
 * Shaped as an Apex exception (`Type: message`) so that callers read it as any failed run.
 */
export const notModeledMessage = (reason: string): string =>
  `EmulatorException: anonymous Apex not modeled by the emulator: ${reason}, and the emulator runs no Apex. Nothing ran; a test or the demo scripts this outcome openly with org.setApexOutcome.`;

export async function runAnonymousModel(org: Org, source: string, userId: string, responder: CalloutResponder): Promise<AnonymousRun> {
  const events: AnonymousRun['events'] = [];
  const scripted = org.scriptedApexOutcome(source);
  if (scripted) return { outcome: scripted, events };
  const outside = unmodeled(org, source);
  if (outside) return { outcome: failure(notModeledMessage(outside.reason), outside), events };
  const literal = /'callout:([A-Za-z0-9_]+)((?:[^'\\]|\\.)*)'/.exec(source);
  if (!literal) return { outcome: failure(notModeledMessage('its callout: literal is not one the emulator reads'), { line: 1, column: 1 }), events };

  const position = positionOf(source, literal.index);
  const [name, path] = [literal[1], literal[2].replace(/\\(.)/g, '$1')];
  const method = /setMethod\(\s*'(\w+)'\s*\)/.exec(source)?.[1] ?? 'GET';
  // Salesforce's Help (article 000392650) reports this for a callout whose Named Credential name matches none.
  const nc = org.get('NamedCredential', name);
  if (!nc) return { outcome: failure('System.UnexpectedException: Script-thrown exception', position), events };

  const params = childrenNamed(nc.tree, 'namedCredentialParameters');
  const param = (type: string): ReturnType<typeof childrenNamed>[number] | undefined => params.find((p) => childText(p, 'parameterType') === type);
  const ec = childText(param('Authentication'), 'externalCredential');
  const base = childText(param('Url'), 'parameterValue') ?? childText(nc.tree, 'endpoint') ?? '';
  let authorized = true;
  let refreshCodes = [401];
  let native: NativePrincipal | undefined;
  let stored: ReturnType<Org['principalCredentials']['get']>;
  let refreshable = true;
  if (ec) {
    const principal = org.get('ExternalCredential', ec) ? accessiblePrincipal(org, userId, ec) : undefined;
    if (!principal) return { outcome: failure(credentialError(ec), position), events };
    const tree = org.get('ExternalCredential', ec)!.tree;
    const key = org.principalKey(ec, principal);
    stored = org.principalCredentials.get(key);
    if (childText(tree, 'authenticationProtocol') === 'Custom') {
      // no token, so nothing to refresh: what the request needs comes from its parameters, through merge fields
      refreshable = false;
    } else if (CLIENT_SECRET_VARIANTS.has(protocolVariant(tree) ?? '')) {
      // authenticated once Connect REST set the client id and secret; the org fetches the token itself
      authorized = credentialStatus(tree, org.principalCredentials.get(key)) === 'Configured';
      native = authorized ? { tree, key } : undefined;
    } else {
      authorized = org.configuredPrincipals.has(key);
    }
    refreshCodes = [401, ...additionalRefreshCodes(tree)];
  }
  const url = `${base.replace(/\/$/, '')}${path}`;
  const allows = (element: string): boolean => childText(nc.tree, element) === 'true';
  const merge = (text: string, inHeader: boolean): { text: string } | { error: string } =>
    mergeCredentialFields(text, { allowed: allows(inHeader ? 'allowMergeFieldsInHeader' : 'allowMergeFieldsInBody'), externalCredential: ec, stored, inHeader });
  const headers: Record<string, string> = {};
  for (const [, header, value] of source.matchAll(/\.setHeader\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'((?:[^'\\]|\\.)*)'\s*\)/g)) {
    const merged = merge(apexString(value), true);
    if ('error' in merged) return { outcome: failure(merged.error, position), events };
    headers[apexString(header)] = merged.text;
  }
  const bodyLiteral = /\.setBody\(\s*'((?:[^'\\]|\\.)*)'\s*\)/.exec(source)?.[1];
  const mergedBody = bodyLiteral === undefined ? undefined : merge(apexString(bodyLiteral), false);
  if (mergedBody && 'error' in mergedBody) return { outcome: failure(mergedBody.error, position), events };
  const body = mergedBody?.text;
  const send = async (attempt: number, bearerToken?: string): Promise<CalloutResponse> => {
    events.push({ line: position.line, event: 'CALLOUT_REQUEST', detail: `System.HttpRequest[Endpoint=callout:${name}${path}, Method=${method}]` });
    const request: CalloutRequest = {
      url,
      method,
      namedCredential: nc.fullName,
      authorized,
      attempt,
      ...(bearerToken ? { bearerToken } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
    const response = org.outboundUrl(url) !== url ? await outbound(org, request) : await responder(request);
    events.push({ line: position.line, event: 'CALLOUT_RESPONSE', detail: `System.HttpResponse[Status=${STATUS_CODES[response.status] ?? 'Unknown'}, StatusCode=${response.status}]` });
    return response;
  };
  // Salesforce refreshes the token and retries once when it holds one and the answer asks for it.
  if (native) {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const token = await accessToken(org, native, attempt > 1);
      if ('error' in token) return { outcome: failure(tokenError(token.error), position), events };
      if (!refreshCodes.includes((await send(attempt, token.token)).status)) break;
    }
    return { outcome: { success: true }, events };
  }
  const first = await send(1);
  if (authorized && refreshable && refreshCodes.includes(first.status)) await send(2);
  return { outcome: { success: true }, events };
}

/** A debug log in Salesforce's layout: header, echo of the source, then timestamped events. */
export function debugLog(apiVersion: string, source: string, run: AnonymousRun): string {
  const start = Date.now();
  const stamp = (offset: number): string => `${new Date(start + offset).toISOString().slice(11, 23)} (${(offset + 1) * 1000})`;
  const lines = [
    `${apiVersion} APEX_CODE,DEBUG;APEX_PROFILING,NONE;CALLOUT,INFO;DB,NONE;SYSTEM,INFO;VALIDATION,NONE;VISUALFORCE,NONE;WORKFLOW,NONE`,
    ...source.split('\n').map((line) => `Execute Anonymous: ${line}`),
    `${stamp(0)}|EXECUTION_STARTED`,
    `${stamp(1)}|CODE_UNIT_STARTED|[EXTERNAL]|execute_anonymous_apex`,
    ...run.events.map((e, i) => `${stamp(2 + i)}|${e.event}|[${e.line}]|${e.detail}`),
  ];
  const o = run.outcome;
  if (!o.success) {
    const line = /line (\d+)/.exec(o.exceptionStackTrace)?.[1] ?? '1';
    lines.push(`${stamp(90)}|EXCEPTION_THROWN|[${line}]|${o.exceptionMessage}`, `${stamp(91)}|FATAL_ERROR|${o.exceptionMessage}`, '', o.exceptionStackTrace);
  }
  lines.push(`${stamp(98)}|CODE_UNIT_FINISHED|execute_anonymous_apex`, `${stamp(99)}|EXECUTION_FINISHED`, '');
  return lines.join('\n');
}

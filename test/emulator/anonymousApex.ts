/**
 * What Salesforce does with an anonymous Apex block, as far as the emulator models it (it cannot run Apex):
 * - compile: syntax (apex-parser), plus "Invalid type" for `new X(` and `X__mdt` that name no class or type in the org;
 * - a callout to a `callout:<Named Credential>/<path>` literal: the platform's own checks (the Named Credential
 *   exists; for an External Credential the user has the principal and User External Credential access through an
 *   assigned permission set; the principal is authenticated or no Authorization header is sent), the request to the
 *   outside world (answered by the test's callout responder), one retry after a refresh on 401 or an additional
 *   refresh status code, and the CALLOUT_REQUEST / CALLOUT_RESPONSE lines of the debug log;
 * - anything else: the outcome a test scripted (`setApexOutcome`), or success.
 */
import { STATUS_CODES } from 'node:http';
import type { ApexOutcome, Org } from './org.js';
import { childrenNamed, childText } from './xml.js';

export type CalloutRequest = { url: string; method: string; namedCredential: string; authorized: boolean; attempt: number };
export type CalloutResponse = { status: number; body?: string };
/** The outside world as seen from the org. The default answers 200 to authorized requests and 401 otherwise. */
export type CalloutResponder = (request: CalloutRequest) => CalloutResponse;

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

export function runAnonymousModel(org: Org, source: string, userId: string, responder: CalloutResponder): AnonymousRun {
  const events: AnonymousRun['events'] = [];
  const scripted = org.scriptedApexOutcome(source);
  if (scripted) return { outcome: scripted, events };
  const literal = /'callout:([A-Za-z0-9_]+)((?:[^'\\]|\\.)*)'/.exec(source);
  if (!literal) return { outcome: { success: true }, events };

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
  if (ec) {
    const principal = org.get('ExternalCredential', ec) ? accessiblePrincipal(org, userId, ec) : undefined;
    if (!principal) return { outcome: failure(credentialError(ec), position), events };
    authorized = org.configuredPrincipals.has(`${ec}|${principal}`.toLowerCase());
    const extra = childrenNamed(org.get('ExternalCredential', ec)?.tree, 'externalCredentialParameters')
      .filter((p) => childText(p, 'parameterType') === 'AdditionalRefreshStatusCode')
      .map((p) => Number(childText(p, 'parameterValue')));
    refreshCodes = [401, ...extra];
  }
  const url = `${base.replace(/\/$/, '')}${path}`;
  const send = (attempt: number): CalloutResponse => {
    events.push({ line: position.line, event: 'CALLOUT_REQUEST', detail: `System.HttpRequest[Endpoint=callout:${name}${path}, Method=${method}]` });
    const response = responder({ url, method, namedCredential: nc.fullName, authorized, attempt });
    events.push({ line: position.line, event: 'CALLOUT_RESPONSE', detail: `System.HttpResponse[Status=${STATUS_CODES[response.status] ?? 'Unknown'}, StatusCode=${response.status}]` });
    return response;
  };
  // Salesforce refreshes the token and retries once when it holds one and the answer asks for it.
  const first = send(1);
  if (authorized && refreshCodes.includes(first.status)) send(2);
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

/*
 * The two runs of anonymous Apex that prove the setup from inside the org, as the org's user: the plugin asked for a
 * token (Entra's own error surfaces), and a GET through the Named Credential (the API's HTTP status surfaces).
 * Each outcome is read the way Salesforce reports it: compile problem, exception message, or the debug log's
 * callout lines. A failed run's debug log is saved to a file for the user.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Messages, type Connection } from '@salesforce/core';
import { executeAnonymous, type AnonymousApexResult } from '../salesforce/anonymousApex.js';
import { calloutCheckApex, tokenCheckApex, tokenCredentialCheckApex } from '../render/renderVerifyApex.js';
import { remoteField, remoteText, withoutControls, withoutSecrets } from '../ux/remoteText.js';
import { fail, pass, warn, type Check } from '../checks/checks.js';
import { aadstsCodeIn, diagnoseEntraError } from '../entra/entraDiagnosis.js';
import { waitUntilAccepted, type WaitOptions } from '../entra/credentialPropagation.js';
import type { TokenCredentialRequest } from './pieceChecks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export type RunOptions = {
  /** Where a failed run's debug log is written: a private directory made on first use (see debugLogs). */
  logs: DebugLogs;
  /** Secrets known to this run: removed from what the org sends back, should it echo one. */
  secrets: string[];
  /** verify --wait: a run whose token request Entra refuses as not replicated yet is run again within this budget. */
  wait?: WaitOptions;
};

/**
 * The run as the org reported it, made safe to show: its messages scrubbed and cut, its debug log (saved whole for
 * the user) without secrets or terminal controls.
 */
function scrubbed(result: AnonymousApexResult, secrets: string[]): AnonymousApexResult {
  return {
    ...result,
    compileProblem: remoteField(result.compileProblem, secrets),
    exceptionMessage: remoteField(result.exceptionMessage, secrets),
    exceptionStackTrace: remoteField(result.exceptionStackTrace, secrets),
    log: result.log === undefined ? undefined : withoutSecrets(withoutControls(result.log), secrets),
  };
}

/** First line of a message, for a one-line summary. */
const firstLine = (text: string): string => text.split(/\r?\n/)[0].trim();

/** Saves a run's debug log as `<step>.log`; returns its path, or throws why it could not. */
export type DebugLogs = (step: string, log: string) => string;

/**
 * Debug logs of one verify run, in a directory of its own that only this user can enter (mkdtemp: an unpredictable
 * name, mode 0700), made when the first log is saved. Each file is created exclusively with mode 0600, so nothing
 * already there (a file, a link planted by another user) is followed or truncated.
 */
export function debugLogs(parent: string, provider: string): DebugLogs {
  let dir: string | undefined;
  return (step, log) => {
    dir ??= mkdtempSync(join(parent, 'azure-authprovider-verify-'));
    const file = join(dir, `${provider}-${step}.log`);
    writeFileSync(file, log, { mode: 0o600, flag: 'wx' });
    return file;
  };
}

function saveLog(check: Check, result: AnonymousApexResult, options: RunOptions, step: string): Check {
  if (check.status !== 'fail' || !result.log) return check;
  try {
    return { ...check, debugLog: options.logs(step, result.log) };
  } catch (error) {
    // The check's result matters more than its log: report it, and say why the log is missing.
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ...check, debugLogProblem: messages.getMessage('check.DebugLogNotSaved', [reason]) };
  }
}

function compileFailure(id: string, result: AnonymousApexResult): Check {
  return fail(id, 'org-setup', messages.getMessage('check.CompileProblem', [result.compileProblem ?? '', result.line, result.column]), messages.getMessage('fix.DeployAgain'));
}

/**
 * Reads the plugin's exception: Entra's AADSTS code, a missing remote site, a certificate that cannot sign, the
 * placeholder secret, or the network.
 */
export function tokenRunCheck(result: AnonymousApexResult, username: string): Check {
  const id = 'token-in-org';
  if (!result.compiled) return compileFailure(id, result);
  if (result.success) return pass(id, messages.getMessage('check.TokenInOrg', [username]));
  const message = result.exceptionMessage ?? '';
  const code = aadstsCodeIn(message);
  if (code !== undefined) {
    const diagnosis = diagnoseEntraError(code, firstLine(message));
    return fail(id, diagnosis.category, messages.getMessage('check.TokenInOrgRefused', [`AADSTS${code}`, diagnosis.cause]), diagnosis.fix);
  }
  if (/Unauthorized endpoint/i.test(message)) {
    return fail(id, 'org-setup', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.RemoteSiteRun'));
  }
  if (/client assertion could not be signed/i.test(message)) {
    return fail(id, 'org-setup', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.CertificateInOrg'));
  }
  if (/placeholder/i.test(message)) {
    return fail(id, 'org-setup', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.SecretInRecord'));
  }
  if (/failed with HTTP 4\d\d/.test(message)) {
    return fail(id, 'credentials', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.TokenEndpointRefused'));
  }
  if (/timed out|Unable to tunnel|UnknownHost|not JSON|HTTP 5\d\d/i.test(message)) {
    return fail(id, 'unreachable', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.TokenEndpointFromOrg'));
  }
  return fail(id, 'org-setup', messages.getMessage('check.TokenInOrgFailed', [firstLine(message)]), messages.getMessage('fix.ReadLog'));
}

/** The HTTP status of the last callout: Salesforce's CALLOUT_RESPONSE line, or the line the check itself logs. */
export function calloutStatusIn(log: string | undefined): number | undefined {
  if (!log) return undefined;
  const platform = [...log.matchAll(/\|CALLOUT_RESPONSE\|[^\n]*StatusCode=(\d{3})/g)];
  if (platform.length > 0) return Number(platform[platform.length - 1][1]);
  const own = /sf azure-authprovider verify: HTTP (\d{3})/.exec(log);
  return own ? Number(own[1]) : undefined;
}

/**
 * The body a check's Apex logged with System.debug, read from the run's USER_DEBUG line: Salesforce's debug log first
 * echoes the anonymous source, whose text holds the same marker.
 */
function loggedBody(log: string | undefined): string | undefined {
  return /\|USER_DEBUG\|\[\d+\]\|\w+\|sf azure-authprovider verify: (?!HTTP \d{3}\b)([^\n]+)/.exec(log ?? '')?.[1];
}

/** The API's error, as `code: message`, from an error body the check logged (Graph: {"error":{"code","message"}}). */
function apiErrorIn(log: string | undefined): string | undefined {
  const body = loggedBody(log);
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } | string; error_description?: string };
    if (typeof parsed.error === 'object') return [parsed.error.code, parsed.error.message].filter(Boolean).join(': ');
    return [parsed.error, parsed.error_description].filter(Boolean).join(': ') || undefined;
  } catch {
    return body.slice(0, 200);
  }
}

/** The OAuth error codes Salesforce names when a native principal's token request is refused (RFC 6749, 5.2). */
const OAUTH_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_scope', 'invalid_request', 'invalid_grant', 'unsupported_grant_type']);

/**
 * Native mode: Salesforce's own token request for the principal failed. Its exception names only the OAuth error
 * ("Unable to fetch the OAuth token. Error: invalid_client."); Entra's AADSTS code is used when the log carries it.
 */
function nativeTokenFailure(id: string, message: string, log: string | undefined, provider: string): Check | undefined {
  const error = /Unable to fetch the OAuth token\. Error: (.+?)\.?$/i.exec(firstLine(message))?.[1];
  if (error === undefined) return undefined;
  const code = aadstsCodeIn(log ?? '');
  if (code !== undefined) {
    const diagnosis = diagnoseEntraError(code, undefined);
    return fail(id, diagnosis.category, messages.getMessage('check.NativeTokenRefused', [provider, `AADSTS${code}`, diagnosis.cause]), diagnosis.fix);
  }
  if (OAUTH_ERRORS.has(error)) {
    return fail(id, 'credentials', messages.getMessage('check.NativeTokenRefused', [provider, error, messages.getMessage(`oauth.${error}`)]), messages.getMessage('fix.NativeTokenRefused', [provider]));
  }
  const shown = remoteText(error, [], 200);
  return fail(id, 'unreachable', messages.getMessage('check.NativeTokenFailed', [provider, shown]), messages.getMessage('fix.NativeTokenUnreachable'));
}

/**
 * The AADSTS code behind a native principal's refused token request. Salesforce's exception names only the OAuth
 * error; where the log lacks Entra's code, the OAuth error Entra pairs with it stands in: invalid_client for a secret it
 * does not know (7000215), unauthorized_client for an app it does not know (700016).
 */
function nativeTokenCode(result: AnonymousApexResult): number | undefined {
  const error = /Unable to fetch the OAuth token\. Error: (.+?)\.?$/i.exec(firstLine(result.exceptionMessage ?? ''))?.[1];
  if (result.success || error === undefined) return undefined;
  return aadstsCodeIn(result.log ?? '') ?? (error === 'invalid_client' ? 7_000_215 : error === 'unauthorized_client' ? 700_016 : undefined);
}

/** `provider`: the provider's name, for the fix of a native principal whose token request is refused. */
export function calloutRunCheck(result: AnonymousApexResult, target: string, model: 'external' | 'legacy' | undefined, provider = ''): Check {
  const id = 'callout';
  if (!result.compiled) return compileFailure(id, result);
  if (!result.success) {
    const message = result.exceptionMessage ?? '';
    const native = nativeTokenFailure(id, message, result.log, provider);
    if (native) return native;
    const fix = /couldn't access the credential/i.test(message)
      ? 'fix.CredentialAccess'
      : /Unauthorized endpoint/i.test(message)
        ? 'fix.NamedCredentialUrl'
        : model === 'legacy'
          ? 'fix.CalloutLegacy'
          : 'fix.ReadLog';
    return fail(id, 'org-setup', messages.getMessage('check.CalloutFailed', [target, firstLine(message)]), messages.getMessage(fix));
  }
  const status = calloutStatusIn(result.log);
  if (status === undefined) return warn(id, messages.getMessage('check.CalloutNoStatus', [target]));
  if (status < 400) return pass(id, messages.getMessage('check.Callout', [target, status]));
  const found = apiErrorIn(result.log);
  const apiError = found === undefined ? undefined : remoteText(found, [], 300);
  const said = apiError ? messages.getMessage('check.ApiSaid', [apiError]) : '';
  const key = status === 401 ? 'Callout401' : status === 403 ? 'Callout403' : status === 404 ? 'Callout404' : 'CalloutStatus';
  return fail(id, 'api-access', [messages.getMessage(`check.${key}`, [target, status]), said].filter(Boolean).join(' '), messages.getMessage(`fix.${key}`));
}

/** error_description of Entra's JSON answer, first line only; empty when the answer is not Entra's JSON. */
function entraDescription(answer: string): string {
  try {
    const description = (JSON.parse(answer) as { error_description?: unknown }).error_description;
    return typeof description === 'string' ? firstLine(description) : '';
  } catch {
    return '';
  }
}

/**
 * The token request through the token credential: Entra's answer (its AADSTS code when it refuses), or why the
 * org would not send it (the principal not granted, the secret not stored).
 */
export function tokenCredentialRunCheck(result: AnonymousApexResult, { name, provider }: TokenCredentialRequest): Check {
  const id = 'token-credential-request';
  if (!result.compiled) return compileFailure(id, result);
  if (!result.success) {
    const message = firstLine(result.exceptionMessage ?? '');
    const fix = /couldn't access the credential/i.test(message) ? 'fix.CredentialAccess' : /does not exist/i.test(message) ? 'fix.StoreTokenSecret' : 'fix.ReadLog';
    return fail(id, 'org-setup', messages.getMessage('check.TokenCredentialRequestFailed', [name, message]), messages.getMessage(fix, [provider]));
  }
  const status = calloutStatusIn(result.log);
  if (status === undefined) return warn(id, messages.getMessage('check.CalloutNoStatus', [`callout:${name}`]));
  if (status < 400) return pass(id, messages.getMessage('check.TokenCredentialRequest', [name, status]));
  const answer = loggedBody(result.log) ?? '';
  const code = aadstsCodeIn(answer);
  if (code !== undefined) {
    const diagnosis = diagnoseEntraError(code, entraDescription(answer));
    return fail(id, diagnosis.category, messages.getMessage('check.TokenCredentialRequestRefused', [name, status, `AADSTS${code}`, diagnosis.cause]), diagnosis.fix);
  }
  const category = status >= 500 ? 'unreachable' : 'credentials';
  return fail(id, category, messages.getMessage('check.TokenCredentialRequestStatus', [status, name]), messages.getMessage('fix.TokenEndpointRefused'));
}

/**
 * One anonymous Apex run made safe to show, or (with a wait) run again while `pendingCode` finds Entra refusing a
 * credential that has not replicated yet; only the last run's failure keeps its debug log.
 */
async function runUntilAccepted(conn: Connection, apex: string, options: RunOptions, pendingCode: (result: AnonymousApexResult) => number | undefined): Promise<AnonymousApexResult> {
  const run = async (): Promise<AnonymousApexResult> => scrubbed(await executeAnonymous(conn, apex), options.secrets);
  return options.wait ? waitUntilAccepted(run, pendingCode, options.wait) : run();
}

export async function runTokenCredentialCheck(conn: Connection, request: TokenCredentialRequest, options: RunOptions): Promise<Check> {
  const result = await runUntilAccepted(conn, tokenCredentialCheckApex(request), options, (run) =>
    (calloutStatusIn(run.log) ?? 0) >= 400 ? aadstsCodeIn(loggedBody(run.log) ?? '') : undefined
  );
  return saveLog(tokenCredentialRunCheck(result, request), result, options, 'token-credential');
}

export async function runTokenCheck(conn: Connection, plugin: { className: string; type: string; record: string }, username: string, options: RunOptions): Promise<Check> {
  const result = await runUntilAccepted(conn, tokenCheckApex(plugin), options, (run) => (run.success ? undefined : aadstsCodeIn(run.exceptionMessage ?? '')));
  return saveLog(tokenRunCheck(result, username), result, options, 'token');
}

export async function runCalloutCheck(
  conn: Connection,
  namedCredential: string,
  path: string,
  model: 'external' | 'legacy' | undefined,
  options: RunOptions & { provider: string }
): Promise<Check> {
  const result = await runUntilAccepted(conn, calloutCheckApex(namedCredential, path), options, nativeTokenCode);
  return saveLog(calloutRunCheck(result, `callout:${namedCredential}${path}`, model, options.provider), result, options, 'callout');
}

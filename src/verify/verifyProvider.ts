/*
 * The verify pipeline: input -> validated token request and/or provider names (every input problem is reported
 * before any request) -> the local token check -> the org's pieces -> the plugin asked for a token in the org ->
 * a callout through the Named Credential. The result lists every check; the first failure sets the exit code.
 */
import { tmpdir } from 'node:os';
import { Messages, type Org } from '@salesforce/core';
import { invalidInput } from '../input/checker.js';
import { parseCalloutPath } from '../input/calloutPath.js';
import { parseProviderNames, type ProviderNames } from '../input/names.js';
import type { ProviderInput } from '../input/providerFields.js';
import { parseTokenRequestSpec, type TokenRequestSpec } from '../input/tokenRequestSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { certificateCredential, type CertificateCredential } from '../input/certificateCredential.js';
import type { AppCredential } from '../entra/tokenRequest.js';
import { isGraphHost } from '../input/platform.js';
import { describeOrg } from '../salesforce/orgProfile.js';
import { firstFailure, skip, type Check, type FailureCategory } from '../checks/checks.js';
import { checkTokenLocally, type TokenSummary } from '../entra/localTokenCheck.js';
import type { WaitNotice, WaitOptions } from '../entra/credentialPropagation.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import type { ExpiryReader, ExpiryTarget } from '../entra/expiryReading.js';
import { checkOrgPieces } from './orgPieces.js';
import { debugLogs, runCalloutCheck, runTokenCheck, runTokenCredentialCheck, type RunOptions } from './apexRuns.js';
import { expiryCheck, orgExpiryTarget } from './expiryPiece.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

/** A Graph path any app that may read its tenant's basic profile can GET (Organization.Read.All or Directory.Read.All). */
export const DEFAULT_GRAPH_PATH = '/v1.0/organization?$select=id';

export type VerifyOptions = {
  input: ProviderInput;
  /** Run the local token check (the app's client id is known). */
  local: boolean;
  /** Called once the input is valid, and only for a local check with a client secret. */
  secret: () => Promise<ClientSecret>;
  /** PEM files of a certificate credential: the local check signs a client assertion instead of sending a secret. */
  certificate?: { certificateFile: string; privateKeyFile: string };
  /** The org for the in-org check; none means local only. */
  org?: Org;
  path?: string;
  showToken: boolean;
  /** Secrets the command holds without asking (flag, environment): removed from what the org sends back. */
  knownSecrets?: string[];
  /** Where failed runs' debug logs go; the OS temp directory by default. */
  logDir?: string;
  onStage?: (stage: string) => void;
  /** --wait: how long the token requests, local and in the org, together keep trying a credential Entra has not replicated. */
  wait?: WaitOptions;
  /** Reads when the app's credential expires at Entra (Microsoft Graph); none skips the check. */
  readExpiry?: ExpiryReader;
};

export type VerifyOutcome = {
  status: 'Passed' | 'Failed';
  /** What kind of problem the first failure is; absent when every check passed. */
  failure?: FailureCategory;
  exitCode: number;
  checks: Check[];
  token?: TokenSummary;
  provider?: string;
  targetOrg?: { username: string; orgId: string; instanceUrl: string };
  secretSource?: ClientSecret['source'];
};

/** The parsed input: what to check locally and in the org. */
type VerifyInput = { token?: TokenRequestSpec; names?: ProviderNames; path?: string; certificate?: CertificateCredential };

/** Validates everything before the first request, so a typo never costs a round trip. */
function requireValidInput(options: VerifyOptions): VerifyInput {
  if (!options.local && !options.org) throw messages.createError('error.NothingToVerify', [], [], EXIT_CODES['invalid-input']);
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  const result: VerifyInput = {
    token: options.local ? attempt(() => parseTokenRequestSpec(options.input)) : undefined,
    names: options.org ? attempt(() => parseProviderNames(options.input)) : undefined,
    path: attempt(() => parseCalloutPath(options.path)),
    certificate: options.certificate ? attempt(() => certificateCredential(options.certificate!.certificateFile, options.certificate!.privateKeyFile)) : undefined,
  };
  if (problems.length > 0) throw invalidInput([problems.join('\n')]);
  return result;
}

function defaultPath(url: string | undefined): string {
  try {
    return url && isGraphHost(new URL(url).hostname) ? DEFAULT_GRAPH_PATH : '/';
  } catch {
    return '/';
  }
}

/** Without the org: the app of the local check. */
function localExpiryTarget(spec: TokenRequestSpec | undefined, certificate: boolean): ExpiryTarget | undefined {
  return spec ? { tokenUrl: spec.tokenUrl, tenantId: spec.tenantId, clientId: spec.clientId, kind: certificate ? 'certificate' : 'secret' } : undefined;
}

export async function verifyProvider(options: VerifyOptions): Promise<VerifyOutcome> {
  const { token: tokenSpec, names, path, certificate } = requireValidInput(options);
  const checks: Check[] = [];
  const outcome: Omit<VerifyOutcome, 'status' | 'exitCode' | 'checks'> = { provider: names?.name };
  const secrets = [...(options.knownSecrets ?? [])];
  // One budget for the whole run, from its first token request on (after any prompt): each step that waits gets what
  // the steps before it left, and the wait is announced once.
  let until: number | undefined;
  let announced = false;
  const wait = (): WaitOptions | undefined => {
    if (!options.wait) return undefined;
    until ??= Date.now() + options.wait.budgetMs;
    const onWait = options.wait.onWait;
    const once = (notice: WaitNotice): void => {
      if (!announced) onWait?.(notice);
      announced = true;
    };
    return { ...options.wait, budgetMs: Math.max(0, until - Date.now()), onWait: once };
  };

  if (tokenSpec) {
    let credential: AppCredential;
    if (certificate) credential = certificate;
    else {
      const secret = await options.secret();
      outcome.secretSource = secret.source;
      credential = { kind: 'secret', secret: secret.value };
      secrets.push(secret.value);
    }
    options.onStage?.(messages.getMessage('stage.Local', [tokenSpec.tokenUrl]));
    const local = await checkTokenLocally(tokenSpec, credential, options.showToken, wait());
    checks.push(...local.checks);
    outcome.token = local.token;
  }

  let expiryTarget = localExpiryTarget(tokenSpec, certificate !== undefined);
  if (options.org && names) {
    options.onStage?.(messages.getMessage('stage.Org', [names.name]));
    const conn = options.org.getConnection();
    const profile = await describeOrg(conn);
    outcome.targetOrg = { username: profile.username, orgId: profile.orgId, instanceUrl: profile.instanceUrl };
    const pieces = await checkOrgPieces(conn, names, profile.username);
    checks.push(...pieces.checks);
    // No provider of that name: the one failing row says so, and nothing more can be checked.
    if (!pieces.missing) {
      const logs = debugLogs(options.logDir ?? tmpdir(), names.name);
      // Made for each run, so that its wait gets what is left of the budget.
      const runOptions = (): RunOptions => ({ logs, secrets, wait: wait() });
      if (pieces.tokenCredential) {
        options.onStage?.(messages.getMessage('stage.TokenCredential', [pieces.tokenCredential.name]));
        checks.push(await runTokenCredentialCheck(conn, pieces.tokenCredential, runOptions()));
      }
      if (pieces.plugin) {
        options.onStage?.(messages.getMessage('stage.TokenInOrg', [pieces.plugin.className]));
        checks.push(await runTokenCheck(conn, pieces.plugin, profile.username, runOptions()));
      } else {
        checks.push(skip('token-in-org', messages.getMessage(pieces.native ? 'check.TokenInOrgNative' : 'check.TokenInOrgSkipped')));
      }
      if (pieces.namedCredential) {
        const calloutPath = path ?? defaultPath(pieces.namedCredential.url);
        options.onStage?.(messages.getMessage('stage.Callout', [pieces.namedCredential.name, calloutPath]));
        checks.push(await runCalloutCheck(conn, pieces.namedCredential.name, calloutPath, pieces.model, { ...runOptions(), provider: names.name }));
      } else {
        checks.push(skip('callout', messages.getMessage('check.CalloutSkipped')));
      }
      // The org's record says which app, and the key id of the secret in use.
      expiryTarget = (await orgExpiryTarget(conn, names.name)) ?? expiryTarget;
    }
  }
  if (options.readExpiry && expiryTarget) checks.push(await expiryCheck(options.readExpiry, expiryTarget, names?.name ?? messages.getMessage('check.None')));

  const failed = firstFailure(checks);
  return {
    status: failed ? 'Failed' : 'Passed',
    failure: failed?.category,
    exitCode: failed?.category ? EXIT_CODES[failed.category] : 0,
    checks,
    ...outcome,
  };
}

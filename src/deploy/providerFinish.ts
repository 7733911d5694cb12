/*
 * Each provider's finish once the deploy succeeded: its permission set assignment, the secret in its token
 * credential (plugin) or its client credentials (native), and its principal's authentication (headless flow,
 * browser, or the URL to open); then what deploy reports of it.
 */
import { Messages, type Connection } from '@salesforce/core';
import type { ProviderSpec } from '../input/providerSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { DEFAULT_PRINCIPAL, MIN_API_VERSION_EXTERNAL } from '../input/platform.js';
import type { OrgUser } from '../salesforce/orgProfile.js';
import type { DeployResult } from '../salesforce/deployPackage.js';
import { deployedId, type DeployReport } from '../salesforce/deployReport.js';
import { assignPermissionSet } from '../salesforce/permissionSetAssignments.js';
import { authenticationUrl, followFlow, orgPath, principalStatus, RETURN_PATH, type PrincipalStatus } from '../salesforce/principalAuthentication.js';
import { storeClientCredentials, storeTokenSecret } from '../salesforce/nativeCredentials.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { remoteText } from '../ux/remoteText.js';
import { aadstsCodeIn } from '../entra/entraDiagnosis.js';
import { waitUntilAccepted, type WaitOptions } from '../entra/credentialPropagation.js';
import { openBrowser } from './openBrowser.js';
import type { DeployOptions } from './deployOptions.js';
import type { Authentication, DeployedProvider } from './deployOutcome.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

/** The secret values this deploy sends, to be kept out of anything the org answers. */
export const sentSecrets = (secretOf: Record<string, ClientSecret>): string[] => Object.values(secretOf).map((secret) => secret.value);

/**
 * --open: the org page through a logged-in frontdoor URL. Where no browser can start, the deploy has still succeeded:
 * the reason comes back and the plain URL is printed, as without --open (never the one-time login URL).
 */
async function openOrSayWhy(options: DeployOptions, path: string): Promise<string | undefined> {
  return openBrowser(await options.org.getFrontDoorUrl(path));
}

/** With a new credential, how long the org's token requests may keep trying: what is left of the deploy's --wait. */
function credentialWait(options: DeployOptions, until: number): WaitOptions | undefined {
  if (!options.newCredential) return undefined;
  const onWait = options.events?.onCredentialWait;
  return { budgetMs: Math.max(0, until - Date.now()), onWait: onWait && ((notice): void => onWait(notice.message)), signal: options.signal };
}

/**
 * The headless flow, started again from a fresh authentication URL (the state of the last one is spent) while the
 * plugin's token request in the org stops it with an AADSTS code of a credential Entra has not replicated yet.
 */
async function headlessFlow(options: DeployOptions, conn: Connection, first: string, externalCredential: string, principal: string, wait?: WaitOptions): Promise<{ error?: string; configured: boolean }> {
  let url: string | undefined = first;
  const once = async (): Promise<{ error?: string; configured: boolean }> => {
    const start = url ?? (await authenticationUrl(conn, externalCredential, principal));
    url = undefined;
    const outcome = await followFlow(await options.org.getFrontDoorUrl(orgPath(start)));
    // Only the org's own status says whether the flow worked.
    return { error: outcome.error, configured: (await principalStatus(conn, externalCredential, principal)) === 'Configured' };
  };
  return wait ? waitUntilAccepted(once, (run) => (run.configured ? undefined : aadstsCodeIn(run.error ?? '')), wait) : once();
}

/**
 * `status`: the principal's status after the deploy (external model); undefined when there was no need to know it.
 * `early`: the authentication URL when it was already fetched.
 */
async function authenticate(options: DeployOptions, provider: ProviderSpec, status?: PrincipalStatus, early?: string, wait?: WaitOptions): Promise<Authentication> {
  const conn = options.org.getConnection();
  if (provider.model === 'legacy') {
    // Legacy Named Credentials authenticate only from their Setup page; there is no API to start or check it.
    const setupPage = `${conn.instanceUrl}${RETURN_PATH}`;
    const notOpened = options.open ? await openOrSayWhy(options, RETURN_PATH) : undefined;
    if (options.open && !notOpened) return { status: 'Manual', action: 'browser opened', url: setupPage };
    return { status: 'Manual', action: 'setup page', url: setupPage, detail: notOpened };
  }
  const [externalCredential, principal] = [provider.externalCredential!, provider.principal!];
  if (status === 'Configured') return { status: 'Configured', action: 'already configured' };
  const url = early ?? (await authenticationUrl(conn, externalCredential, principal));
  let detail: string | undefined;
  if (options.headless) {
    options.events?.onStage?.(messages.getMessage('stage.Headless', [principal]));
    const outcome = await headlessFlow(options, conn, url, externalCredential, principal, wait);
    if (outcome.configured) return { status: 'Configured', action: 'headless' };
    detail = messages.getMessage('auth.HeadlessFailed', [outcome.error ?? messages.getMessage('auth.NoReason')]);
  }
  if (options.open) {
    // A fresh auth URL: the one just tried may carry a spent state.
    const fresh = options.headless ? await authenticationUrl(conn, externalCredential, principal) : url;
    const notOpened = await openOrSayWhy(options, orgPath(fresh));
    if (!notOpened) return { status: 'NotConfigured', action: 'browser opened', url: fresh, detail };
    return { status: 'NotConfigured', action: 'url printed', url: fresh, detail: [detail, notOpened].filter(Boolean).join(' ') };
  }
  return { status: 'NotConfigured', action: 'url printed', url, detail };
}

/** Native mode: the principal gets the client ID and secret through Connect REST; no browser step follows. */
async function storeNative(options: DeployOptions, provider: ProviderSpec, secret: ClientSecret, status?: PrincipalStatus): Promise<Authentication> {
  const target = { externalCredential: provider.externalCredential!, principal: provider.principal! };
  options.events?.onStage?.(messages.getMessage('stage.StoreCredentials', [target.externalCredential, target.principal]));
  await storeClientCredentials(options.org.getConnection(), target, provider.clientId, secret.value, status === 'Configured');
  return { status: 'Configured', action: 'credentials stored' };
}

/** Which mode a provider uses and why, in the user's words. */
function modeReason(provider: ProviderSpec, orgMaxApiVersion: string): string {
  if (provider.mode === 'native') return messages.getMessage('mode.Native', [orgMaxApiVersion]);
  if (provider.auth.kind === 'certificate') return messages.getMessage('mode.PluginCertificate');
  const nativePossible = provider.model === 'external' && provider.resource === undefined && Number.parseInt(orgMaxApiVersion, 10) >= MIN_API_VERSION_EXTERNAL;
  return nativePossible ? messages.getMessage('mode.PluginNativeAvailable', [orgMaxApiVersion]) : messages.getMessage('mode.PluginOnly');
}

/** What the steps after a successful deploy work from. */
export type Deployed = {
  conn: Connection;
  result: DeployResult;
  report: DeployReport;
  /** The users to assign the permission sets to, read alongside the deploy. */
  assignees: Promise<OrgUser[]>;
  secretOf: Record<string, ClientSecret>;
  /** When the deploy's --wait runs out (epoch ms): a wait for a new credential ends there too. */
  until: number;
};

type AfterDeploy = Pick<DeployedProvider, 'assignments' | 'authentication'>;

/** A provider's permission set assignment and principal authentication, once its deploy succeeded. */
async function afterDeploy(options: DeployOptions, deployed: Deployed, provider: ProviderSpec): Promise<AfterDeploy> {
  const { conn, result, report, assignees, secretOf } = deployed;
  const { permissionSet, externalCredential, principal } = provider;
  try {
    if (permissionSet) options.events?.onStage?.(messages.getMessage('stage.Assign', [permissionSet]));
    // The assignment and the principal's status are independent, so they are made together. The principal of an
    // External Credential this deploy created has never been authenticated: its status needs no asking, and its
    // authentication URL is asked for alongside the assignment (again after it, should that request fail). The
    // flow itself starts only once the permission set is assigned.
    const created = report.components.some((component) => component.type === 'ExternalCredential' && component.name === externalCredential && component.state === 'created');
    const early = created && provider.mode === 'plugin' && externalCredential && principal;
    const [assignments, status, url] = await Promise.all([
      permissionSet ? assignees.then((users) => assignPermissionSet(conn, permissionSet, users, deployedId(result, 'PermissionSet', permissionSet))) : [],
      externalCredential && principal && !created ? principalStatus(conn, externalCredential, principal) : undefined,
      early ? authenticationUrl(conn, externalCredential, principal).catch(() => undefined) : undefined,
    ]);
    if (provider.mode === 'native') return { assignments, authentication: await storeNative(options, provider, secretOf[provider.name], status) };
    // The secret first: authenticating the principal runs the plugin, whose token request needs it.
    if (provider.tokenCredential) {
      const target = { externalCredential: provider.tokenCredential, principal: DEFAULT_PRINCIPAL };
      options.events?.onStage?.(messages.getMessage('stage.StoreSecret', [target.externalCredential, target.principal]));
      await storeTokenSecret(conn, target, secretOf[provider.name].value);
    }
    options.events?.onStage?.(messages.getMessage('stage.Authenticate', [provider.name]));
    return { assignments, authentication: await authenticate(options, provider, status, url, credentialWait(options, deployed.until)) };
  } catch (error) {
    // The step's error may quote the org, which may echo what it was sent.
    const reason = remoteText((error as Error).message, sentSecrets(secretOf), 2000).trim().replace(/\.$/, '');
    throw messages.createError('error.AfterDeploy', [report.deployId, reason], [], EXIT_CODES['after-deploy']);
  }
}

function providerOutcome(provider: ProviderSpec, instanceUrl: string, orgMaxApiVersion: string, after: AfterDeploy): DeployedProvider {
  const plugin = provider.mode === 'plugin';
  return {
    name: provider.name,
    mode: provider.mode,
    modeReason: modeReason(provider, orgMaxApiVersion),
    model: provider.model,
    authProvider: plugin ? provider.name : undefined,
    callbackUrl: plugin ? `${instanceUrl}/services/authcallback/${provider.name}` : undefined,
    tokenUrl: provider.tokenUrl,
    namedCredential: provider.namedCredential,
    endpoint: provider.endpoint,
    externalCredential: provider.externalCredential,
    principal: provider.principal,
    permissionSet: provider.permissionSet,
    executionUser: provider.executionUser,
    certificate: provider.auth.kind === 'certificate' ? provider.auth.certificate : undefined,
    secretStorage: provider.secretStorage,
    tokenCredential: provider.tokenCredential,
    ...after,
  };
}

/**
 * Every provider's finish, one provider after another (never together): each may open a browser or follow a
 * sign-in flow, and its stages show in order. A deploy that failed, or only validated, finishes none.
 */
export async function finishProviders(options: DeployOptions, deployed: Deployed, providers: readonly ProviderSpec[], orgMaxApiVersion: string): Promise<DeployedProvider[]> {
  const succeeded = deployed.report.success && !options.dryRun;
  const finishOne = async (provider: ProviderSpec): Promise<DeployedProvider> => {
    const after: AfterDeploy = succeeded ? await afterDeploy(options, deployed, provider) : { assignments: [], authentication: { status: 'NotConfigured', action: 'none' } };
    return providerOutcome(provider, deployed.conn.instanceUrl, orgMaxApiVersion, after);
  };
  return providers.reduce<Promise<DeployedProvider[]>>(async (done, provider) => [...(await done), await finishOne(provider)], Promise.resolve([]));
}

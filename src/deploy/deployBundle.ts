/*
 * The deploy pipeline: flags' input + the target org's facts -> validated spec -> bundle rendered in memory with the
 * secret -> one atomic Metadata API deploy -> permission set assignments -> principal authentication -> a result
 * the command presents and --json returns. Every step after the deploy is idempotent, so a re-run completes them.
 */
import { Messages, type Connection, type Org } from '@salesforce/core';
import { parseBundleSpec, type BundleInput, type BundleSpec, type FieldNaming, type ProviderSpec } from '../input/providerSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { DEFAULT_PRINCIPAL, MIN_API_VERSION_EXTERNAL, SHARED } from '../input/platform.js';
import { describeOrg, findUsers, useOrgApiVersion, type OrgProfile, type OrgUser } from '../salesforce/orgProfile.js';
import { deployPackage, type DeployProgress, type DeployResult, type TestLevel } from '../salesforce/deployPackage.js';
import { deployedId, deployReport, type ComponentFailure, type DeployedComponent, type DeployReport, type TestSummary } from '../salesforce/deployReport.js';
import { assignPermissionSet, type Assignment } from '../salesforce/permissionSetAssignments.js';
import { authenticationUrl, followFlow, orgPath, principalStatus, RETURN_PATH, type PrincipalStatus } from '../salesforce/principalAuthentication.js';
import { storeClientCredentials, storeTokenSecret } from '../salesforce/nativeCredentials.js';
import { DEFAULT_RETRY, sleep, type RetryPolicy } from '../salesforce/retry.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { requestTimeoutMs } from '../network/deadline.js';
import { remoteText } from '../ux/remoteText.js';
import { openBrowser } from './openBrowser.js';
import { withOrgDefaults } from './orgDefaults.js';
import { checkUsers, wantedUsers } from './deployUsers.js';
import { otherRunningDeploys } from './concurrentDeploys.js';
import { checkRepointing } from './repointCheck.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type DeployEvents = {
  onStage?: (stage: string) => void;
  /** The deploy request is on its way: from here on, an interrupted command may leave a deploy running in the org. */
  onSending?: () => void;
  onSubmitted?: (deployId: string) => void;
  onProgress?: (progress: DeployProgress) => void;
  onRetry?: RetryPolicy['onRetry'];
  onWarning?: (warning: string) => void;
};

export type DeployOptions = {
  input: BundleInput;
  /** How messages name a value's origin: flags by default, or places in a config file. */
  naming?: FieldNaming;
  /**
   * Each provider's secret when the command already has them (flag, environment, config file): the bundle is then
   * zipped while the org is read. It is given the providers that use a secret, and may throw, once the input is
   * valid, naming what is missing.
   */
  secrets?: (providers: readonly ProviderSpec[]) => Record<string, ClientSecret>;
  /** Asks for the secret when there is none, once the input is valid, so a prompt never asks for one that cannot be used. */
  askSecret: () => Promise<ClientSecret>;
  org: Org;
  dryRun: boolean;
  testLevel?: TestLevel;
  /** Users who get the permission set besides the deploying user. */
  assignTo: string[];
  waitMs: number;
  open: boolean;
  headless: boolean;
  /** Lets a provider the org holds get another tenant or client. */
  force?: boolean;
  events?: DeployEvents;
};

export type Authentication = {
  /** Configured: callouts work. NotConfigured: the flow is still to be completed. Manual: the org offers no API to check. */
  status: 'Configured' | 'NotConfigured' | 'Manual';
  /** How this run dealt with it. */
  action: 'none' | 'already configured' | 'headless' | 'browser opened' | 'url printed' | 'setup page' | 'credentials stored';
  url?: string;
  detail?: string;
};

export type ProviderOutcome = {
  name: string;
  mode: ProviderSpec['mode'];
  /** Why this mode: what deploy tells the user. */
  modeReason: string;
  model: ProviderSpec['model'];
  /** Plugin mode only, like callbackUrl and executionUser. */
  authProvider?: string;
  callbackUrl?: string;
  tokenUrl: string;
  namedCredential: string;
  endpoint: string;
  externalCredential?: string;
  principal?: string;
  permissionSet?: string;
  executionUser?: string;
  /** The Salesforce certificate that signs the client assertion; absent for a provider with a client secret. */
  certificate?: string;
  /** Where a plugin provider's client secret lives; tokenCredential names the External Credential that holds it. */
  secretStorage?: ProviderSpec['secretStorage'];
  tokenCredential?: string;
  assignments: Assignment[];
  authentication: Authentication;
};

export type DeployOutcome = {
  status: 'Succeeded' | 'Validated' | 'Failed';
  dryRun: boolean;
  deployId: string;
  targetOrg: { username: string; orgId: string; instanceUrl: string; orgType: OrgProfile['orgType'] };
  apiVersion: string;
  components: DeployedComponent[];
  componentFailures: ComponentFailure[];
  tests: TestSummary;
  errorMessage?: string;
  providers: ProviderOutcome[];
  /** Absent when every provider uses a certificate. */
  secretSource?: ClientSecret['source'];
  nextSteps: string[];
};

/**
 * --open: the org page through a logged-in frontdoor URL. Where no browser can start, the deploy has still succeeded:
 * the reason comes back and the plain URL is printed, as without --open (never the one-time login URL).
 */
async function openOrSayWhy(options: DeployOptions, path: string): Promise<string | undefined> {
  return openBrowser(await options.org.getFrontDoorUrl(path));
}

/**
 * `status`: the principal's status after the deploy (external model); undefined when there was no need to know it.
 * `early`: the authentication URL when it was already fetched.
 */
async function authenticate(options: DeployOptions, provider: ProviderSpec, status?: PrincipalStatus, early?: string): Promise<Authentication> {
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
    const outcome = await followFlow(await options.org.getFrontDoorUrl(orgPath(url)));
    // Only the org's own status says whether the flow worked.
    if ((await principalStatus(conn, externalCredential, principal)) === 'Configured') {
      return { status: 'Configured', action: 'headless' };
    }
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

function nextSteps(outcome: Omit<DeployOutcome, 'nextSteps'>): string[] {
  if (outcome.status === 'Failed') return [messages.getMessage('next.FixAndRetry')];
  if (outcome.dryRun) return [messages.getMessage('next.DeployForReal')];
  const steps: string[] = [];
  for (const provider of outcome.providers) {
    const { authentication } = provider;
    if (authentication.status === 'NotConfigured') {
      steps.push(messages.getMessage('next.Authenticate', [provider.principal ?? '', provider.externalCredential ?? '', authentication.url ?? '']));
    } else if (authentication.status === 'Manual') {
      steps.push(messages.getMessage('next.AuthenticateLegacy', [provider.namedCredential, authentication.url ?? '']));
    }
    steps.push(messages.getMessage('next.Callout', [provider.namedCredential, provider.namedCredential]));
  }
  return steps;
}

/** The metadata-format zip of the bundle, the secret in each provider's record. */
async function bundleZip(spec: BundleSpec, secretOf: Record<string, ClientSecret>): Promise<Buffer> {
  const secrets = Object.fromEntries(Object.entries(secretOf).map(([name, secret]) => [name, secret.value]));
  // Loaded here, while the first requests to the org are on their way, rather than before the command can send them.
  const [{ renderBundle }, { metadataZip, toMetadataPackage }] = await Promise.all([import('../render/renderBundle.js'), import('../salesforce/metadataPackage.js')]);
  return metadataZip(toMetadataPackage(renderBundle(spec, { secrets }), spec.apiVersion));
}

/** The secret values this deploy sends, to be kept out of anything the org answers. */
const sentSecrets = (secretOf: Record<string, ClientSecret>): string[] => Object.values(secretOf).map((secret) => secret.value);

/** Production runs the plugin's tests; a bundle without Apex (native mode only) has none to run. */
function defaultTestLevel(spec: BundleSpec, profile: OrgProfile): TestLevel {
  const hasApex = spec.providers.some((provider) => provider.mode === 'plugin');
  return profile.orgType === 'production' && hasApex ? 'RunSpecifiedTests' : 'NoTestRun';
}

/** What the steps after a successful deploy work from. */
type Deployed = {
  conn: Connection;
  result: DeployResult;
  report: DeployReport;
  /** The users to assign the permission sets to, read alongside the deploy. */
  assignees: Promise<OrgUser[]>;
  secretOf: Record<string, ClientSecret>;
};

type AfterDeploy = Pick<ProviderOutcome, 'assignments' | 'authentication'>;

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
    return { assignments, authentication: await authenticate(options, provider, status, url) };
  } catch (error) {
    // The step's error may quote the org, which may echo what it was sent.
    const reason = remoteText((error as Error).message, sentSecrets(secretOf), 2000).trim().replace(/\.$/, '');
    throw messages.createError('error.AfterDeploy', [report.deployId, reason], [], EXIT_CODES['after-deploy']);
  }
}

/**
 * Warns of each other deploy that changes the org meanwhile. A user who may not read the deploy queue (or an org
 * that does not answer) gets no warning: the deploy itself is not at stake.
 */
async function warnOfOtherDeploys(conn: Connection, deployId: string, providers: readonly ProviderSpec[], events?: DeployEvents): Promise<void> {
  const others = await otherRunningDeploys(conn, deployId).catch(() => []);
  const names = providers.map((provider) => provider.name).join(', ');
  for (const other of others) events?.onWarning?.(messages.getMessage('warning.ConcurrentDeploy', [other.id, other.status, other.createdDate, names, deployId]));
}

function providerOutcome(provider: ProviderSpec, instanceUrl: string, orgMaxApiVersion: string, after: AfterDeploy): ProviderOutcome {
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

export async function deployBundle(options: DeployOptions): Promise<DeployOutcome> {
  const { org, events } = options;
  // A bad request deadline is bad input: refused before the org is asked anything.
  requestTimeoutMs();
  events?.onStage?.(messages.getMessage('stage.Org'));
  const orgConn = org.getConnection();
  // The newest API version and the username come with the login: the spec needs no request.
  const login = { maxApiVersion: await useOrgApiVersion(orgConn), username: orgConn.getUsername() ?? '' };
  const spec = parseBundleSpec(withOrgDefaults(options.input, login), options.naming);
  // Certificate providers sign a client assertion in the org: a bundle of those alone needs no secret.
  const needSecret = spec.providers.filter((provider) => provider.auth.kind === 'secret');
  const known = needSecret.length === 0 ? {} : options.secrets?.(needSecret);
  const wanted = wantedUsers(spec.providers.map((provider) => provider.executionUser), options.assignTo, login.username);
  // The plugin's token request may run as the execution user: who runs it needs the token credential's principal.
  const assignTo = [...options.assignTo, ...spec.providers.flatMap((provider) => (provider.tokenCredential && provider.executionUser ? [provider.executionUser] : []))];
  // Every named user is checked before anything is sent. The deploying user alone needs no check (a signed-in user
  // exists and is active), only their ID for the assignment after the deploy: that read then goes out with the
  // deploy instead of before it, and not at all for a dry run.
  const checkFirst = wanted.size > 1;
  const readAssignees = async (): Promise<OrgUser[]> => checkUsers(wanted, await findUsers(orgConn, [...wanted.keys()]), assignTo, login.username);
  // What must be read first (the org's type when the login lacks it, the named users, what the org holds of each
  // provider, lest the deploy silently repoint it) is read in one round trip; meanwhile the bundle is zipped, once
  // those requests are on their way, if the secrets are already known.
  const [profile, zipped, checked, repointed] = await Promise.all([
    describeOrg(orgConn),
    known ? sleep(0).then(() => bundleZip(spec, known)) : undefined,
    checkFirst ? readAssignees() : undefined,
    checkRepointing(orgConn, spec.providers, options.force === true),
  ]);
  for (const warning of repointed) events?.onWarning?.(warning);
  if (options.assignTo.length > 0 && spec.providers.some((provider) => !provider.permissionSet)) {
    events?.onWarning?.(messages.getMessage('warning.AssignToLegacy'));
  }
  // Every later call speaks the bundle's API version, the deploy included.
  const conn = org.getConnection(spec.apiVersion);

  let secretOf = known;
  if (!secretOf) {
    const asked = await options.askSecret();
    secretOf = Object.fromEntries(needSecret.map((provider) => [provider.name, asked]));
  }
  const zip = zipped ?? (await bundleZip(spec, secretOf));
  const testLevel = options.testLevel ?? defaultTestLevel(spec, profile);
  const assignees = checked ? Promise.resolve(checked) : options.dryRun ? Promise.resolve([]) : readAssignees();
  // Awaited after the deploy; until then, a failure must not count as unhandled.
  assignees.catch(() => undefined);
  events?.onStage?.(messages.getMessage(options.dryRun ? 'stage.Validate' : 'stage.Deploy', [spec.apiVersion, testLevel]));
  events?.onSending?.();
  let concurrent: Promise<void> | undefined;
  const result = await deployPackage(conn, zip, {
    checkOnly: options.dryRun,
    testLevel,
    runTests: [SHARED.testClass],
    waitMs: options.waitMs,
    onSubmitted: (deployId) => {
      events?.onSubmitted?.(deployId);
      // Asked once the deploy is queued, alongside the first poll: of two deploys sent at once, the later sees the other.
      if (!options.dryRun) concurrent = warnOfOtherDeploys(conn, deployId, spec.providers, events);
    },
    onProgress: events?.onProgress,
    retry: { ...DEFAULT_RETRY, onRetry: events?.onRetry },
  });
  await concurrent;
  const report = deployReport(result, testLevel, sentSecrets(secretOf));
  const succeeded = report.success && !options.dryRun;

  const providers: ProviderOutcome[] = [];
  const deployed: Deployed = { conn, result, report, assignees, secretOf };
  for (const provider of spec.providers) {
    // One provider after another: each may open a browser or follow a sign-in flow, and its stages show in order.
    // eslint-disable-next-line no-await-in-loop
    const after: AfterDeploy = succeeded ? await afterDeploy(options, deployed, provider) : { assignments: [], authentication: { status: 'NotConfigured', action: 'none' } };
    providers.push(providerOutcome(provider, conn.instanceUrl, login.maxApiVersion, after));
  }

  const outcome = {
    status: !report.success ? 'Failed' : options.dryRun ? 'Validated' : 'Succeeded',
    dryRun: options.dryRun,
    deployId: report.deployId,
    targetOrg: { username: profile.username, orgId: profile.orgId, instanceUrl: profile.instanceUrl, orgType: profile.orgType },
    apiVersion: spec.apiVersion,
    components: report.components,
    componentFailures: report.componentFailures,
    tests: report.tests,
    errorMessage: report.errorMessage,
    providers,
    secretSource: [...new Set(Object.values(secretOf).map((secret) => secret.source))].join(', ') || undefined,
  } satisfies Omit<DeployOutcome, 'nextSteps'>;
  return { ...outcome, nextSteps: nextSteps(outcome) };
}

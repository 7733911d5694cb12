/*
 * The deploy pipeline: flags' input + the target org's facts -> validated spec -> bundle rendered in memory with the
 * secret -> one atomic Metadata API deploy -> each provider's finish (providerFinish.ts) -> a result the command
 * presents and --json returns (deployOutcome.ts), with the next steps. Every step after the deploy is idempotent, so
 * a re-run completes them.
 */
import { Messages, type Connection } from '@salesforce/core';
import { parseBundleSpec, type BundleSpec, type ProviderSpec } from '../input/providerSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { SHARED } from '../input/platform.js';
import { describeOrg, findUsers, useOrgApiVersion, type OrgProfile, type OrgUser } from '../salesforce/orgProfile.js';
import { deployPackage, type TestLevel } from '../salesforce/deployPackage.js';
import { deployReport } from '../salesforce/deployReport.js';
import { DEFAULT_RETRY, sleep } from '../salesforce/retry.js';
import { requestTimeoutMs } from '../network/deadline.js';
import { withOrgDefaults } from './orgDefaults.js';
import { requireUsers, wantedUsers } from './deployUsers.js';
import { otherRunningDeploys } from './concurrentDeploys.js';
import { refuseRepointing } from './repointCheck.js';
import type { DeployEvents, DeployOptions } from './deployOptions.js';
import type { DeployOutcome } from './deployOutcome.js';
import { finishProviders, sentSecrets } from './providerFinish.js';
import { nextSteps } from './nextSteps.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

/** The metadata-format zip of the bundle, the secret in each provider's record. */
async function bundleZip(spec: BundleSpec, secretOf: Record<string, ClientSecret>): Promise<Buffer> {
  const secrets = Object.fromEntries(Object.entries(secretOf).map(([name, secret]) => [name, secret.value]));
  // Loaded here, while the first requests to the org are on their way, rather than before the command can send them.
  const [{ renderBundle }, { metadataZip, toMetadataPackage }] = await Promise.all([import('../render/renderBundle.js'), import('../salesforce/metadataPackage.js')]);
  return metadataZip(toMetadataPackage(renderBundle(spec, { secrets }), spec.apiVersion));
}

/** Production runs the plugin's tests; a bundle without Apex (native mode only) has none to run. */
function defaultTestLevel(spec: BundleSpec, profile: OrgProfile): TestLevel {
  const hasApex = spec.providers.some((provider) => provider.mode === 'plugin');
  return profile.orgType === 'production' && hasApex ? 'RunSpecifiedTests' : 'NoTestRun';
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

export async function deployBundle(options: DeployOptions): Promise<DeployOutcome> {
  const { org, events } = options;
  const until = Date.now() + options.waitMs;
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
  const readAssignees = async (): Promise<OrgUser[]> => requireUsers(wanted, await findUsers(orgConn, [...wanted.keys()]), assignTo, login.username);
  // What must be read first (the org's type when the login lacks it, the named users, what the org holds of each
  // provider, lest the deploy silently repoint it) is read in one round trip; meanwhile the bundle is zipped, once
  // those requests are on their way, if the secrets are already known.
  const [profile, zipped, checked, repointed] = await Promise.all([
    describeOrg(orgConn),
    known ? sleep(0).then(() => bundleZip(spec, known)) : undefined,
    checkFirst ? readAssignees() : undefined,
    refuseRepointing(orgConn, spec.providers, options.force === true),
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
  const providers = await finishProviders(options, { conn, result, report, assignees, secretOf, until }, spec.providers, login.maxApiVersion);

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

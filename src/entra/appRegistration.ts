/*
 * The app registration at Entra, found by its displayName or created, with its service principal, its application
 * permissions and their admin consent, and (with a certificate) its keyCredential. A rerun changes only what differs
 * and says per item what it did. Permission names are resolved before anything is created, so a typo creates nothing.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import {
  createApplication,
  createServicePrincipal,
  findApplicationsByName,
  findServicePrincipal,
  updateApplication,
  type Application,
  type GraphClient,
  type ServicePrincipal,
} from './graphClient.js';
import { findResource, grantPermissions, heldPermissions, resolvePermissions, withRequiredAccess, type Change, type PermissionGrant } from './appPermissions.js';
import { ensureCertificate } from './appCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

export type AppPlan = {
  displayName: string;
  permissions: string[];
  /** --scope (or --resource): the resource whose app roles the permissions name; Graph when absent. */
  scope?: string;
  /** PEM of --certificate-file, to register as a keyCredential. */
  certificatePem?: string;
};

export type AppRegistrationResult = {
  application: { id: string; appId: string; displayName: string; change: Change };
  servicePrincipal: { id: string; change: Change };
  resource: { appId: string; displayName: string };
  requiredResourceAccess: Change;
  permissions: PermissionGrant[];
  /** Roles the app holds on the resource beyond those asked: kept, never removed. */
  otherPermissions: string[];
  certificate?: { thumbprint: string; endDateTime: string; change: 'added' | 'unchanged' };
};

export type AppRegistrationOptions = { onStep?: (step: string) => void; sleep?: (ms: number) => Promise<void> };

/** The app of that displayName: none, one, or a refusal when several share it (which one is meant is unknowable). */
export async function findAppByName(client: GraphClient, displayName: string): Promise<Application | undefined> {
  const found = await findApplicationsByName(client, displayName);
  if (found.length > 1) throw messages.createError('error.SeveralApps', [displayName, found.map((app) => app.appId).join(', ')], [], EXIT_CODES['invalid-input']);
  return found[0];
}

/**
 * Creating a service principal right after its application can fail while the application replicates (Graph says
 * the appId "does not reference a valid application object"): asked again a few times, 2 s apart and doubling.
 */
async function ensureServicePrincipal(client: GraphClient, appId: string, sleep: (ms: number) => Promise<void>): Promise<{ sp: ServicePrincipal; change: Change }> {
  const existing = await findServicePrincipal(client, appId);
  if (existing) return { sp: existing, change: 'unchanged' };
  for (let attempt = 1; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return { sp: await createServicePrincipal(client, appId), change: 'created' };
    } catch (error) {
      const data = (error as { data?: { status?: number } }).data;
      if (attempt >= 5 || data?.status !== 400) throw error;
      // eslint-disable-next-line no-await-in-loop
      await sleep(2000 * 2 ** (attempt - 1));
    }
  }
}

export async function registerApp(client: GraphClient, plan: AppPlan, options: AppRegistrationOptions = {}): Promise<AppRegistrationResult> {
  const step = options.onStep ?? ((): void => undefined);
  const sleep = options.sleep ?? ((ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)));
  step('resolve');
  const resource = await findResource(client, plan.scope);
  const roles = resolvePermissions(resource, plan.permissions);
  step('application');
  let app = await findAppByName(client, plan.displayName);
  let appChange: Change = 'unchanged';
  let accessChange: Change = 'unchanged';
  if (!app) {
    app = await createApplication(client, { displayName: plan.displayName, requiredResourceAccess: withRequiredAccess([], resource.appId, roles) ?? [] });
    appChange = 'created';
    accessChange = roles.length > 0 ? 'created' : 'unchanged';
  } else {
    const access = withRequiredAccess(app.requiredResourceAccess ?? [], resource.appId, roles);
    if (access) {
      await updateApplication(client, app.id, { requiredResourceAccess: access });
      accessChange = 'updated';
      appChange = 'updated';
    }
  }
  step('servicePrincipal');
  const { sp, change: spChange } = await ensureServicePrincipal(client, app.appId, sleep);
  step('consent');
  const permissions = await grantPermissions(client, sp, resource, roles);
  const asked = new Set(permissions.map((grant) => grant.value));
  const otherPermissions = (await heldPermissions(client, sp, resource)).filter((value) => !asked.has(value));
  let certificate: AppRegistrationResult['certificate'];
  if (plan.certificatePem) {
    step('certificate');
    certificate = await ensureCertificate(client, app, plan.certificatePem);
    if (certificate.change === 'added' && appChange === 'unchanged') appChange = 'updated';
  }
  return {
    application: { id: app.id, appId: app.appId, displayName: app.displayName, change: appChange },
    servicePrincipal: { id: sp.id, change: spChange },
    resource: { appId: resource.appId, displayName: resource.displayName },
    requiredResourceAccess: accessChange,
    permissions,
    otherPermissions,
    certificate,
  };
}

/*
 * Application permissions: names resolved against the resource's app roles by value (as the portal lists them under
 * "Application permissions"), and granted with app role assignments, which is what "Grant admin consent" does for
 * them. An unknown name is refused with its nearest matches before anything is created.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { isGraphHost } from '../input/platform.js';
import {
  assignAppRole,
  GRAPH_APP_ID,
  listAppRoleAssignments,
  type AppRole,
  type GraphClient,
  type RequiredResourceAccess,
  type ServicePrincipal,
} from './graphClient.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

export type Change = 'created' | 'updated' | 'unchanged';
export type PermissionGrant = { value: string; id: string; change: 'granted' | 'unchanged' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The resource a scope names (`<resource>/.default`, or a v1 resource): Graph's well-known appId for any cloud's
 * Graph host (and by default), the GUID itself for `<appId>/.default`, otherwise the identifier URI.
 */
export function resourceOf(scopeOrResource: string | undefined): { appId: string } | { servicePrincipalName: string } {
  const resource = (scopeOrResource ?? '').replace(/\/\.default$/, '').replace(/\/$/, '');
  if (resource === '') return { appId: GRAPH_APP_ID };
  if (GUID.test(resource)) return { appId: resource.toLowerCase() };
  try {
    if (isGraphHost(new URL(resource).hostname)) return { appId: GRAPH_APP_ID };
  } catch {
    // Not a URL: an identifier URI such as api://name, found by its service principal name.
  }
  return { servicePrincipalName: resource };
}

/** The resource's service principal in the tenant; refused (exit 2) when the tenant has none. */
export async function findResource(client: GraphClient, scopeOrResource: string | undefined): Promise<ServicePrincipal> {
  const wanted = resourceOf(scopeOrResource);
  const filter = 'appId' in wanted ? `appId eq '${wanted.appId}'` : `servicePrincipalNames/any(n:n eq '${wanted.servicePrincipalName.replace(/'/g, "''")}')`;
  const found = (await client.call<{ value: ServicePrincipal[] }>('GET', `/servicePrincipals?$filter=${encodeURIComponent(filter)}`))?.value ?? [];
  if (found.length === 0) throw messages.createError('error.NoResource', [scopeOrResource ?? GRAPH_APP_ID], [], EXIT_CODES['invalid-input']);
  return found[0];
}

/** Levenshtein distance, case folded: the nearest-match measure for a mistyped permission. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[y.length];
}

/** Up to three app role values nearest to `name`, nearest first. */
export function nearestValues(name: string, values: string[]): string[] {
  return values
    .map((value) => ({ value, distance: editDistance(name, value) }))
    .filter(({ distance }) => distance <= Math.max(3, Math.floor(name.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.value.localeCompare(b.value))
    .slice(0, 3)
    .map(({ value }) => value);
}

/**
 * The app roles for the names asked, matched by value (case folded, reported in the resource's spelling). Only roles
 * an application can hold count: a delegated permission's name is unknown here.
 */
export function resolvePermissions(resource: ServicePrincipal, names: string[]): AppRole[] {
  const roles = resource.appRoles.filter((role) => role.value && role.isEnabled !== false && role.allowedMemberTypes.includes('Application'));
  const problems: string[] = [];
  const resolved: AppRole[] = [];
  for (const name of [...new Set(names.map((entry) => entry.trim()))]) {
    const role = roles.find((candidate) => candidate.value!.toLowerCase() === name.toLowerCase());
    if (role) {
      if (!resolved.includes(role)) resolved.push(role);
      continue;
    }
    const near = nearestValues(name, roles.map((candidate) => candidate.value!));
    problems.push(near.length > 0 ? messages.getMessage('error.UnknownPermissionNear', [name, resource.displayName, near.join(', ')]) : messages.getMessage('error.UnknownPermission', [name, resource.displayName]));
  }
  if (problems.length > 0) throw messages.createError('error.UnknownPermissions', [problems.join('\n')], [], EXIT_CODES['invalid-input']);
  return resolved;
}

/** The app's requiredResourceAccess with these roles listed (the portal's "API permissions"); undefined when they already are. */
export function withRequiredAccess(current: RequiredResourceAccess[], resourceAppId: string, roles: AppRole[]): RequiredResourceAccess[] | undefined {
  const entry = current.find((candidate) => candidate.resourceAppId === resourceAppId);
  const missing = roles.filter((role) => !entry?.resourceAccess.some((access) => access.id === role.id && access.type === 'Role'));
  if (missing.length === 0) return undefined;
  const access = [...(entry?.resourceAccess ?? []), ...missing.map((role) => ({ id: role.id, type: 'Role' as const }))];
  return [...current.filter((candidate) => candidate !== entry), { resourceAppId, resourceAccess: access }];
}

/** Admin consent for each role: an app role assignment, added only where the app does not hold it yet. */
export async function grantPermissions(client: GraphClient, app: ServicePrincipal, resource: ServicePrincipal, roles: AppRole[]): Promise<PermissionGrant[]> {
  const held = await listAppRoleAssignments(client, app.id);
  const grants: PermissionGrant[] = [];
  for (const role of roles) {
    const has = held.some((assignment) => assignment.resourceId === resource.id && assignment.appRoleId === role.id);
    // One at a time: Graph throttles bursts of writes to one object.
    // eslint-disable-next-line no-await-in-loop
    if (!has) await assignAppRole(client, app.id, { principalId: app.id, resourceId: resource.id, appRoleId: role.id });
    grants.push({ value: role.value!, id: role.id, change: has ? 'unchanged' : 'granted' });
  }
  return grants;
}

/** The values of the roles the app holds on the resource, for a report of what it has beyond those asked. */
export async function heldPermissions(client: GraphClient, app: ServicePrincipal, resource: ServicePrincipal): Promise<string[]> {
  const held = await listAppRoleAssignments(client, app.id);
  return held.filter((assignment) => assignment.resourceId === resource.id).map((assignment) => resource.appRoles.find((role) => role.id === assignment.appRoleId)?.value ?? assignment.appRoleId);
}

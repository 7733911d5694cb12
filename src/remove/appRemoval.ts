/*
 * remove --delete-app: the providers' app registrations, found in Microsoft Graph by the client id each provider
 * holds (never by name: a name may match someone else's app), listed in the confirmation, deleted after the org's
 * pieces (DELETE /applications/{id}, Graph v1.0 "Delete application": it goes to the tenant's deleted items for 30
 * days). An app that is not there is reported, not an error.
 */
import type { Connection } from '@salesforce/core';
import { deleteApplication, findApplicationByAppId } from '../entra/graphClient.js';
import type { GraphSession } from '../entra/graphSession.js';
import { expiryTargetOf } from '../inventory/expiryTarget.js';
import type { FoundProvider } from '../inventory/providersInOrg.js';

export type AppRemoval = {
  provider: string;
  clientId?: string;
  status: 'to delete' | 'deleted' | 'missing' | 'no client id';
  /** The application's object id, and its name, when found. */
  id?: string;
  displayName?: string;
};

/** Opens the Graph session of one provider (its tenant and cloud), signing in as --sign-in says. */
export type SessionFor = (provider: FoundProvider) => Promise<GraphSession>;

export async function findApps(conn: Connection, targets: FoundProvider[], sessionFor: SessionFor): Promise<AppRemoval[]> {
  const found: AppRemoval[] = [];
  // One provider after another: a sign-in that asks a person asks once, before the rest.
  /* eslint-disable no-await-in-loop */
  for (const provider of targets) {
    const { clientId } = await expiryTargetOf(conn, provider);
    if (!clientId) {
      found.push({ provider: provider.name, status: 'no client id' });
      continue;
    }
    const app = await findApplicationByAppId((await sessionFor(provider)).client, clientId);
    found.push(app ? { provider: provider.name, clientId, status: 'to delete', id: app.id, displayName: app.displayName } : { provider: provider.name, clientId, status: 'missing' });
  }
  /* eslint-enable no-await-in-loop */
  return found;
}

export async function deleteApps(apps: AppRemoval[], targets: FoundProvider[], sessionFor: SessionFor): Promise<void> {
  /* eslint-disable no-await-in-loop */
  for (const app of apps.filter((candidate) => candidate.status === 'to delete' && candidate.id)) {
    const provider = targets.find((candidate) => candidate.name === app.provider)!;
    await deleteApplication((await sessionFor(provider)).client, app.id!);
    app.status = 'deleted';
  }
  /* eslint-enable no-await-in-loop */
}

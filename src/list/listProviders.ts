/* What list reads: the providers this plugin made in the org, and what is left of removed ones. */
import type { Connection } from '@salesforce/core';
import { findProviders, readInventory, type FoundProvider } from '../inventory/providersInOrg.js';
import { findLeftovers, type Orphan, type Untouched } from '../inventory/orphansInOrg.js';
import { expiryTargetOf } from '../inventory/expiryTarget.js';
import type { ExpiryReader, ExpiryReading } from '../entra/expiryReading.js';

/** `credentialExpiry`: when the app's secret or certificate at Entra expires (read from Microsoft Graph), or why unknown. */
export type ListedProvider = FoundProvider & { credentialExpiry?: ExpiryReading };
/** `orphans`: what is left of providers whose Auth. Provider or External Credential is gone (remove finishes them). */
export type ListOutcome = { providers: ListedProvider[]; orphans: Orphan[]; untouched: Untouched[] };

export async function listProviders(conn: Connection, readExpiry?: ExpiryReader): Promise<ListOutcome> {
  const inventory = await readInventory(conn);
  const found = await findProviders(conn, inventory);
  const { orphans, untouched } = await findLeftovers(conn, inventory, found);
  if (!readExpiry) return { providers: found, orphans, untouched };
  // One provider after another: a device code sign-in, if asked for, is then asked once.
  const providers: ListedProvider[] = [];
  for (const provider of found) {
    // eslint-disable-next-line no-await-in-loop
    const credentialExpiry = await readExpiry(await expiryTargetOf(conn, provider));
    providers.push({ ...provider, credentialExpiry });
  }
  return { providers, orphans, untouched };
}

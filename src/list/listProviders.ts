/* What list reads: the providers this plugin made in the org, and what is left of removed ones. */
import type { Connection } from '@salesforce/core';
import { findProviders, readInventory, type FoundProvider } from '../inventory/providersInOrg.js';
import { findLeftovers, type Orphan, type Untouched } from '../inventory/orphansInOrg.js';

/** `orphans`: what is left of providers whose Auth. Provider or External Credential is gone (remove finishes them). */
export type ListOutcome = { providers: FoundProvider[]; orphans: Orphan[]; untouched: Untouched[] };

export async function listProviders(conn: Connection): Promise<ListOutcome> {
  const inventory = await readInventory(conn);
  const providers = await findProviders(conn, inventory);
  const { orphans, untouched } = await findLeftovers(conn, inventory, providers);
  return { providers, orphans, untouched };
}

/*
 * verify's entra-credential-expiry check: when the provider's secret or certificate at Entra expires. Pass, warn
 * within 30 days, fail once expired (Entra refuses it); skipped, with the reason and how to see it, when Graph
 * could not be read without asking someone.
 */
import { Messages, type Connection } from '@salesforce/core';
import { fail, pass, skip, warn, type Check } from '../checks/checks.js';
import type { ExpiryReader, ExpiryTarget } from '../entra/expiryReading.js';
import { findProviders } from '../inventory/providersInOrg.js';
import { expiryTargetOf } from '../inventory/expiryTarget.js';
import { sameName } from '../salesforce/salesforceNames.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

export const EXPIRY_CHECK = 'entra-credential-expiry';

/** The provider as the org describes it, or undefined when the org has no provider of that name. */
export async function orgExpiryTarget(conn: Connection, name: string): Promise<ExpiryTarget | undefined> {
  const provider = (await findProviders(conn)).find((candidate) => sameName(candidate.name, name));
  return provider ? expiryTargetOf(conn, provider) : undefined;
}

export async function expiryCheck(read: ExpiryReader, target: ExpiryTarget, provider: string): Promise<Check> {
  const reading = await read(target);
  const kind = messages.getMessage(`expiry.kind.${target.kind}`);
  if (reading.status === 'unknown') return skip(EXPIRY_CHECK, messages.getMessage('check.ExpiryUnknown', [kind, reading.reason]));
  if (reading.status === 'none') return warn(EXPIRY_CHECK, messages.getMessage('check.ExpiryNone', [target.clientId ?? '-', kind]));
  const day = reading.expiresAt?.slice(0, 10) ?? '?';
  const guess = reading.matched ? '' : ` ${messages.getMessage('check.ExpiryGuess', [kind])}`;
  if (reading.status === 'expired') return fail(EXPIRY_CHECK, 'credentials', `${messages.getMessage('check.ExpiryExpired', [kind, reading.keyId ?? '', day])}${guess}`, messages.getMessage('fix.ExpiryExpired', [provider]));
  if (reading.status === 'soon') return warn(EXPIRY_CHECK, `${messages.getMessage('check.ExpirySoon', [kind, reading.keyId ?? '', day, reading.daysLeft ?? '?'])}${guess}`, messages.getMessage('fix.ExpirySoon', [provider]));
  return pass(EXPIRY_CHECK, `${messages.getMessage('check.Expiry', [kind, reading.keyId ?? '', day, reading.daysLeft ?? '?'])}${guess}`);
}

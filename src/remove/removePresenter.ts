/*
 * remove's human output: what it would remove (the confirmation prompt and --dry-run list the same lines), what it
 * removed and which providers remain, and the pieces it leaves alone.
 */
import { Messages } from '@salesforce/core';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { Removal, RemoveOutcome } from './removeProvider.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'remove');
const lifecycle = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

/** --delete-app: which app registrations went, and which were not there. */
export function presentApps(out: CommandOutput, outcome: RemoveOutcome): void {
  for (const app of outcome.applications ?? []) {
    if (app.status === 'deleted') out.log(lifecycle.getMessage('remove.AppDeleted', [app.displayName ?? '', app.clientId ?? '']));
    else if (app.status === 'missing') out.log(lifecycle.getMessage('remove.AppMissing', [app.clientId ?? '']));
    else if (app.status === 'no client id') out.log(lifecycle.getMessage('remove.AppNoClientId', [app.provider]));
  }
}

const listing = (removals: Removal[]): string =>
  removals.map((removal) => `  ${removal.type} ${removal.name}${removal.orphan ? ` (${messages.getMessage('output.Orphan')})` : ''}`).join('\n');

const components = (count: number): string => (count === 1 ? messages.getMessage('components.one') : messages.getMessage('components.other', [count]));

/** The question asked before anything is removed. */
export const confirmation = (removals: Removal[], username: string): string =>
  messages.getMessage('prompt.Confirm', [components(removals.length), username, listing(removals)]);

export function presentRemove(out: CommandOutput, outcome: RemoveOutcome, username: string): void {
  if (outcome.status === 'Planned') {
    out.log(messages.getMessage('output.Plan', [outcome.providers.join(', ') || '-', components(outcome.removals.length)]));
    out.log(listing(outcome.removals));
  } else if (outcome.status === 'Cancelled') {
    out.log(messages.getMessage('output.Cancelled'));
  } else {
    const left = outcome.remaining.join(', ') || messages.getMessage('output.None');
    out.log(messages.getMessage('output.Done', [outcome.providers.join(', ') || '-', username, components(outcome.removals.length), left]));
  }
  if (outcome.untouched.length > 0) {
    out.log(messages.getMessage('output.Untouched'));
    out.log(outcome.untouched.map((piece) => `  ${piece.type} ${piece.name}: ${piece.reason}`).join('\n'));
  }
}

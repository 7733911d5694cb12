/* rotate-secret --new's human output: what was replaced and removed, or what went wrong and where each secret is. */
import { Messages } from '@salesforce/core';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { NewSecretOutcome } from './newSecret.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '-');

function secretRows(outcome: NewSecretOutcome): string {
  return outcome.secrets
    .map((secret) => messages.getMessage('output.SecretRow', [secret.keyId, day(secret.endDateTime), secret.keyId === outcome.newSecret.keyId ? messages.getMessage('output.SecretRowNew') : '']))
    .join('\n');
}

export function presentNewSecret(out: CommandOutput, outcome: NewSecretOutcome): void {
  out.log(messages.getMessage('output.SignedIn', [outcome.signIn]));
  if (outcome.status !== 'Rotated') {
    out.logToStderr(outcome.problem ?? '');
    return;
  }
  out.log(messages.getMessage('output.NewRotated', [outcome.provider, outcome.record, outcome.newSecret.keyId, day(outcome.newSecret.expiresAt)]));
  if (outcome.removedKeyId) out.log(messages.getMessage('output.RemovedOld', [outcome.removedKeyId]));
  else out.log(messages.getMessage('output.OldUnknown', [secretRows(outcome), outcome.application.appId]));
  if (outcome.keyIdStored) out.log(messages.getMessage('output.KeyIdKept'));
}

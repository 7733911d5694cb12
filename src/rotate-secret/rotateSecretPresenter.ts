/*
 * rotate-secret's human output: the provider rotated and what the new secret's token carries, or why the secret
 * was refused (on stderr, with the fix).
 */
import { Messages } from '@salesforce/core';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { RotateSecretOutcome } from './rotateSecret.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'rotate-secret');

export function presentRotateSecret(out: CommandOutput, outcome: RotateSecretOutcome): void {
  if (outcome.status === 'Rotated') {
    const verified = outcome.verified ? messages.getMessage('output.Verified', [(outcome.token?.roles ?? []).join(', ') || '-']) : '';
    out.log(messages.getMessage('output.Rotated', [outcome.provider, outcome.record, verified]));
    return;
  }
  const failed = outcome.checks.find((check) => check.status === 'fail');
  out.logToStderr(messages.getMessage('output.Refused', [[failed?.summary, failed?.fix].filter(Boolean).join(' ')]));
}

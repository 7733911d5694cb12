/* What the user does after a deploy, in order: fix and retry, deploy for real, authenticate, make a callout. */
import { Messages } from '@salesforce/core';
import type { DeployOutcome } from './deployOutcome.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export function nextSteps(outcome: Omit<DeployOutcome, 'nextSteps'>): string[] {
  if (outcome.status === 'Failed') return [messages.getMessage('next.FixAndRetry')];
  if (outcome.dryRun) return [messages.getMessage('next.DeployForReal')];
  const steps: string[] = [];
  for (const provider of outcome.providers) {
    const { authentication } = provider;
    if (authentication.status === 'NotConfigured') {
      steps.push(messages.getMessage('next.Authenticate', [provider.principal ?? '', provider.externalCredential ?? '', authentication.url ?? '']));
    } else if (authentication.status === 'Manual') {
      steps.push(messages.getMessage('next.AuthenticateLegacy', [provider.namedCredential, authentication.url ?? '']));
    }
    steps.push(messages.getMessage('next.Callout', [provider.namedCredential, provider.namedCredential]));
  }
  return steps;
}

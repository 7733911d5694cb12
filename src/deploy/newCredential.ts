/*
 * THE ONE CALL SITE for waiting on a credential this run created (issue 22 item 3). A new secret is refused by Entra
 * (AADSTS7000215, 700016 while the app replicates) for seconds up to minutes. Interim wait until
 * entra/credentialPropagation.ts (waitForUsableCredential, helper B) is merged: replace the loop below with it.
 */
import { Messages } from '@salesforce/core';
import type { ClientSecret } from '../input/clientSecret.js';
import type { TokenRequestSpec } from '../input/tokenRequestSpec.js';
import { requestToken } from '../entra/tokenRequest.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

const REPLICATING = new Set([7_000_215, 700_016, 700_027]);
const BUDGET_MS = 5 * 60_000;

export async function awaitNewCredential(spec: TokenRequestSpec, secret: ClientSecret, onWait?: (text: string) => void): Promise<void> {
  const end = Date.now() + BUDGET_MS;
  let delay = 2000;
  let said = false;
  // Sequential by nature: each try waits for the one before.
  /* eslint-disable no-await-in-loop */
  for (;;) {
    const answer = await requestToken(spec, { kind: 'secret', secret: secret.value });
    if (answer.kind !== 'refused' || answer.code === undefined || !REPLICATING.has(answer.code) || Date.now() + delay > end) return;
    if (!said) onWait?.(messages.getMessage('progress.WaitingForSecret'));
    said = true;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 30_000);
  }
  /* eslint-enable no-await-in-loop */
}

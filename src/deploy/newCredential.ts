/*
 * deploy --create-app's wait for the secret it just added: Entra refuses a new secret (AADSTS7000215, 700016 while the
 * app itself replicates) for seconds up to minutes, so the deploy goes on only once this machine gets a token with it,
 * or the budget is spent (the org's own request then waits again, under the deploy's newCredential option).
 */
import type { ClientSecret } from '../input/clientSecret.js';
import type { TokenRequestSpec } from '../input/tokenRequestSpec.js';
import { requestToken } from '../entra/tokenRequest.js';
import { waitForUsableCredential } from '../entra/credentialPropagation.js';

const BUDGET_MS = 5 * 60_000;

export async function awaitNewCredential(spec: TokenRequestSpec, secret: ClientSecret, onWait?: (text: string) => void, signal?: AbortSignal): Promise<void> {
  await waitForUsableCredential(() => requestToken(spec, { kind: 'secret', secret: secret.value }), {
    budgetMs: BUDGET_MS,
    onWait: (notice) => onWait?.(notice.message),
    signal,
  });
}

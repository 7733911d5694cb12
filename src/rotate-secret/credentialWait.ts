/*
 * rotate-secret --new's wait for Entra to accept the secret it just created, over the shared wait
 * (entra/credentialPropagation.ts): an attempt here is a local token request or the org's proof, which says itself
 * whether its refusal looks like replication. Only here is a refusal worth waiting out: the secret is known to be new.
 */
import { waitUntilAccepted } from '../entra/credentialPropagation.js';

/** AADSTS codes Entra answers while a new credential or app replicates: invalid secret, key not found, app not found. */
export const REPLICATING_CODES = new Set([7_000_215, 700_027, 700_016]);
export const NEW_SECRET_BUDGET_MS = 5 * 60_000;

export type WaitOptions = { budgetMs: number; onWait: () => void; signal?: AbortSignal };

/** Runs `attempt` until it is no longer refused as replicating, or the budget is spent; the last result either way. */
export async function waitForNewSecret<T>(attempt: () => Promise<{ result: T; replicating: boolean }>, options: WaitOptions): Promise<T> {
  const last = await waitUntilAccepted(attempt, (answer) => (answer.replicating ? 7_000_215 : undefined), {
    budgetMs: options.budgetMs,
    onWait: () => options.onWait(),
    signal: options.signal,
  });
  return last.result;
}

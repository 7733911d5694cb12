/*
 * rotate-secret --new's one wait for Entra to accept the secret it just created. A stand-in for the shared wait
 * (src/entra/credentialPropagation.ts, waitForUsableCredential): the same codes, the same backoff from 2 s doubling
 * to 30 s inside a budget, said once. Only here is a refusal worth waiting out: the secret is known to be new.
 */
/** AADSTS codes Entra answers while a new credential or app replicates: invalid secret, key not found, app not found. */
export const REPLICATING_CODES = new Set([7_000_215, 700_027, 700_016]);
export const NEW_SECRET_BUDGET_MS = 5 * 60_000;

export type WaitOptions = { budgetMs: number; onWait: () => void; sleep?: (ms: number) => Promise<void> };

/**
 * Runs `attempt` until it says the credential is not (or no longer) replicating, or the budget is spent; the last
 * result is returned either way.
 */
export async function waitForNewSecret<T>(attempt: () => Promise<{ result: T; replicating: boolean }>, options: WaitOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + options.budgetMs;
  let delay = 2000;
  let said = false;
  // Attempts are sequential on purpose: each one waits for the previous one's refusal.
  /* eslint-disable no-await-in-loop */
  for (;;) {
    const { result, replicating } = await attempt();
    if (!replicating || Date.now() + delay > deadline) return result;
    if (!said) options.onWait();
    said = true;
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
  /* eslint-enable no-await-in-loop */
}

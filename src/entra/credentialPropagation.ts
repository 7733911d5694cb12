/*
 * Waiting for a credential Entra has only just accepted. A new client secret, certificate or app registration
 * replicates across Entra's regions for seconds up to minutes; until it arrives, the token endpoint answers as if it
 * did not exist: AADSTS7000215 (invalid secret), 700027 (key not found) or 700016 (application not found). A wrong
 * secret looks the same as an unreplicated one, so callers wait only where the credential is known to be new or the
 * user asked for it, and never past their budget. Every other answer ends the wait at once.
 */
import { Messages } from '@salesforce/core';
import type { TokenAnswer } from './tokenRequest.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'propagation');

/** The AADSTS codes of a credential or app that has not reached every region yet, and what is new in each case. */
const PENDING: Record<number, 'secret' | 'certificate' | 'app'> = { 7_000_215: 'secret', 700_027: 'certificate', 700_016: 'app' };

export const isPendingCode = (code: number | undefined): code is number => code !== undefined && PENDING[code] !== undefined;

/** The first delay between attempts, doubled after each one up to MAX_DELAY_MS. */
export const BASE_DELAY_MS = 2000;
export const MAX_DELAY_MS = 30_000;

export type WaitNotice = { code: number; maxWaitMs: number; message: string };

export type WaitOptions = {
  /** How long, in all, attempts may go on after the first one; 0 means a single attempt. */
  budgetMs: number;
  /** Said once, when the first attempt meets a pending code and there is time left to wait. */
  onWait?: (notice: WaitNotice) => void;
  /** Ends a wait between attempts at once (the command was interrupted): the last answer is returned. */
  signal?: AbortSignal;
  /** Tests make the backoff short; commands keep Entra's pace. */
  baseDelayMs?: number;
  maxDelayMs?: number;
};

/** The wait in the user's words: whole seconds under two minutes, whole minutes beyond. */
function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? messages.getMessage('unit.Seconds', [seconds]) : messages.getMessage('unit.Minutes', [Math.ceil(seconds / 60)]);
}

export function waitNotice(code: number, maxWaitMs: number): WaitNotice {
  return { code, maxWaitMs, message: messages.getMessage(`wait.${PENDING[code] ?? 'secret'}`, [`AADSTS${code}`, duration(maxWaitMs)]) };
}

/** Resolves after `ms`, or at once when the signal aborts; never rejects. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `attempt` until `pendingCode` finds no pending AADSTS code in its answer or the budget is spent, with backoff
 * from the base delay doubling to the maximum, the last delay cut to what is left. Returns the last answer.
 */
export async function waitUntilAccepted<T>(attempt: () => Promise<T>, pendingCode: (answer: T) => number | undefined, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + Math.max(0, options.budgetMs);
  let delay = options.baseDelayMs ?? BASE_DELAY_MS;
  const maxDelay = options.maxDelayMs ?? MAX_DELAY_MS;
  let announced = false;
  // Each attempt follows the answer before it, after a growing delay: sequential by nature.
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const answer = await attempt();
    const code = pendingCode(answer);
    const left = deadline - Date.now();
    if (!isPendingCode(code) || left <= 0 || options.signal?.aborted) return answer;
    if (!announced) {
      announced = true;
      options.onWait?.(waitNotice(code, left));
    }
    // eslint-disable-next-line no-await-in-loop
    await pause(Math.min(delay, left), options.signal);
    if (options.signal?.aborted) return answer;
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** The token request of a credential that may still be replicating, tried again while Entra refuses it as unknown. */
export function waitForUsableCredential(attempt: () => Promise<TokenAnswer>, options: WaitOptions): Promise<TokenAnswer> {
  return waitUntilAccepted(attempt, (answer) => (answer.kind === 'refused' ? answer.code : undefined), options);
}

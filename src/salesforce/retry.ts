/*
 * Retries for calls that are safe to repeat: a 5xx answer, a dropped connection, no answer by the deadline or an
 * answer that is not one says nothing about the request, and every call retried here reads state, submits an
 * idempotent deploy or replaces (PUT) a whole resource, its body sent again whole.
 */
import { MALFORMED_ANSWER, NO_ANSWER } from '../network/deadline.js';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const TRANSIENT_NAMES = new RegExp(`^(ERROR_HTTP_5\\d\\d|sf:UNKNOWN_EXCEPTION|sf:SERVER_UNAVAILABLE|SERVER_UNAVAILABLE|FetchError|${NO_ANSWER}|${MALFORMED_ANSWER})$`);

/**
 * Transient by itself or by its cause: undici's fetch (jsforce 3.12 on) reports a dropped connection as a
 * `TypeError: fetch failed` whose `cause` carries the socket error.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errorCode } = error as Error & { code?: string; errorCode?: string };
  return (
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    TRANSIENT_NAMES.test(error.name) ||
    (errorCode !== undefined && TRANSIENT_NAMES.test(errorCode)) ||
    /socket hang up|network socket disconnected|other side closed/i.test(error.message) ||
    isTransient(error.cause)
  );
}

export type RetryPolicy = {
  /** Attempts after the first one. */
  retries: number;
  /** Delay before the first retry; each further retry doubles it. */
  baseDelayMs: number;
  onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  /** No retry starts after this time (epoch ms): the step it belongs to has run out of time. */
  until?: number;
};

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 500 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  // Attempts are sequential by nature: each follows the failure before it, after a growing delay.
  for (let attempt = 1; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await call();
    } catch (error) {
      if (attempt > policy.retries || !isTransient(error)) throw error;
      // Jitter keeps parallel deploys from retrying in lockstep.
      const delayMs = Math.round(policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      if (policy.until !== undefined && Date.now() + delayMs >= policy.until) throw error;
      policy.onRetry?.(error as Error, attempt, delayMs);
      // eslint-disable-next-line no-await-in-loop
      await sleep(delayMs);
    }
  }
}

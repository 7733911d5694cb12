/*
 * The result of one verification step, and what a failure means for the exit code: scripts must tell "Entra
 * refused the credentials" from "the org is not set up" without reading the text.
 */
import type { ExitCodeName } from '../errors/exitCodes.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** credentials: Entra refused the app or secret; unreachable: no token endpoint answered; org-setup: a piece in the
 * org is missing or not wired; api-access: the API refused the call made with the token. */
// Each category is also the name of its exit code in the plugin's exit-code table (src/errors/exitCodes.ts).
export type FailureCategory = Extract<ExitCodeName, 'credentials' | 'unreachable' | 'org-setup' | 'api-access'>;

export type Check = {
  /** Stable identifier for scripts, such as token-request or permission-set-assignment. */
  id: string;
  status: CheckStatus;
  /** One line saying what was found. */
  summary: string;
  /** What to do about a warning or failure. */
  fix?: string;
  category?: FailureCategory;
  /** File holding the debug log of the anonymous Apex run behind this check. */
  debugLog?: string;
  /** Why that debug log could not be saved (a read-only or full temp directory). */
  debugLogProblem?: string;
};

export const pass = (id: string, summary: string): Check => ({ id, status: 'pass', summary });
export const warn = (id: string, summary: string, fix?: string): Check => ({ id, status: 'warn', summary, fix });
export const skip = (id: string, summary: string): Check => ({ id, status: 'skip', summary });
export const fail = (id: string, category: FailureCategory, summary: string, fix?: string): Check => ({ id, status: 'fail', summary, fix, category });

/** The first failure decides the exit code: checks run in dependency order, so it is the root cause. */
export function firstFailure(checks: Check[]): Check | undefined {
  return checks.find((check) => check.status === 'fail');
}

/**
 * What the reliability suites tried and what happened, summed over every test file of a run and printed at its end
 * by countsReporter.js. Each worker appends lines to its own file in the directory the reporter made.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export type Counts = {
  /** Hostile inputs tried as a user tries them. */
  tried: number;
  /** Of those, refused with exit 2, a message naming the flag, no stack trace and nothing written. */
  refused: number;
  /** Of those, accepted and found unchanged where they belong (XML parsed back, the org's stored value). */
  roundTripped: number;
  /** Generated cases of the property-based renderer tests. */
  propertyRuns: number;
  /** Injected faults after which the command either completed or failed clearly, leaving no half-done org. */
  faultsSurvived: number;
  /** Outputs, files and logs searched for the secret. */
  scanned: number;
  /** Places the secret was found: must stay 0. */
  leaks: number;
};

export const COUNTS_DIR_ENV = 'AAP_RELIABILITY_DIR';

export function record(counts: Partial<Counts>): void {
  const dir = process.env[COUNTS_DIR_ENV];
  if (!dir) return;
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(counts)}\n`);
}

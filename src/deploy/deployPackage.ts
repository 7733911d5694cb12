/*
 * One Metadata API deploy: submit the zip (atomic, rollbackOnError), then poll checkDeployStatus until it is done,
 * reporting progress. Polling starts fast, so a short deploy is noticed at once, and slows as the deploy runs long.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { DeployResult } from '@jsforce/jsforce-node/lib/api/metadata.js';
import { EXIT_CODES } from '../exitCodes.js';
import { sleep, withRetries, DEFAULT_RETRY, type RetryPolicy } from './retry.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type { DeployResult };

export const TEST_LEVELS = ['NoTestRun', 'RunSpecifiedTests', 'RunLocalTests', 'RunAllTestsInOrg'] as const;
export type TestLevel = (typeof TEST_LEVELS)[number];

export type DeployProgress = {
  status: string;
  componentsDone: number;
  componentsTotal: number;
  componentErrors: number;
  testsDone: number;
  testsTotal: number;
  testErrors: number;
};

export type DeployRequest = {
  checkOnly: boolean;
  testLevel: TestLevel;
  runTests: string[];
  /** How long to wait for the deploy to finish. */
  waitMs: number;
  onSubmitted?: (deployId: string) => void;
  onProgress?: (progress: DeployProgress) => void;
  retry?: RetryPolicy;
};

/**
 * Poll intervals: an eightieth of the time elapsed so far, kept between these bounds. A finished deploy is then
 * noticed at most 1.25% (plus one round trip) after it finished, and a long one still costs few requests: about 55
 * per doubling of its duration, then one every 5 s after the first 400 s (the sf CLI polls every second).
 */
const POLL_FRACTION = 80;
const POLL_MIN_MS = 25;
const POLL_MAX_MS = 5000;

export function progressOf(result: DeployResult): DeployProgress {
  return {
    status: result.status,
    componentsDone: Number(result.numberComponentsDeployed ?? 0),
    componentsTotal: Number(result.numberComponentsTotal ?? 0),
    componentErrors: Number(result.numberComponentErrors ?? 0),
    testsDone: Number(result.numberTestsCompleted ?? 0),
    testsTotal: Number(result.numberTestsTotal ?? 0),
    testErrors: Number(result.numberTestErrors ?? 0),
  };
}

export async function deployPackage(conn: Connection, zip: Buffer, request: DeployRequest): Promise<DeployResult> {
  const retry = request.retry ?? DEFAULT_RETRY;
  // Resubmitting after a lost answer is safe: the same zip deploys to the same state.
  const submitted = await withRetries(
    async () =>
      conn.metadata.deploy(zip, {
        rollbackOnError: true,
        singlePackage: true,
        checkOnly: request.checkOnly,
        testLevel: request.testLevel,
        ...(request.testLevel === 'RunSpecifiedTests' ? { runTests: request.runTests } : {}),
      }),
    retry
  );
  request.onSubmitted?.(submitted.id);

  const started = Date.now();
  // A polling loop: each status check waits for the previous one and the pause after it.
  for (;;) {
    // Details come with every poll, so the answer that says "done" is already the final result.
    // eslint-disable-next-line no-await-in-loop
    const result = await withRetries(() => conn.metadata.checkDeployStatus(submitted.id, true), retry);
    request.onProgress?.(progressOf(result));
    if (result.done) return result;
    const elapsed = Date.now() - started;
    if (elapsed >= request.waitMs) {
      throw messages
        .createError('error.DeployTimeout', [Math.ceil(request.waitMs / 1000), submitted.id], [submitted.id], EXIT_CODES.timeout)
        .setData({ deployId: submitted.id });
    }
    // eslint-disable-next-line no-await-in-loop
    await sleep(Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, elapsed / POLL_FRACTION), request.waitMs - elapsed));
  }
}

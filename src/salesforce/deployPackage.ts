/*
 * One Metadata API deploy: submit the zip (atomic, rollbackOnError), then poll checkDeployStatus until it is done,
 * reporting progress. Polling starts fast, so a short deploy is noticed at once, and slows as the deploy runs long.
 * Every request ends by --wait; a poll that gets no answer, or one about something else, is asked again, and polls
 * that keep failing end in one error with the deploy id: the deploy itself goes on in the org.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { DeployResult } from '@jsforce/jsforce-node/lib/api/metadata.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { MALFORMED_ANSWER, malformedAnswer, NO_ANSWER, timeLeft, unreadable, withDeadline } from '../network/deadline.js';
import { remoteText } from '../ux/remoteText.js';
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

/** The submitted deploy's id, or a MalformedAnswer: what a garbled SOAP answer parses to has none. */
function submittedId(answer: unknown): string {
  const id = (answer as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && /^[0-9A-Za-z]{15,18}$/.test(id)) return id;
  throw malformedAnswer('deploy', unreadable());
}

/** The status poll's answer, when it is one about this deploy; jsforce gives `done` as a boolean (or its text). */
function statusOf(answer: unknown, deployId: string): DeployResult {
  const result = answer as Partial<DeployResult> | undefined;
  const done = result?.done as unknown;
  if (typeof result !== 'object' || result === null || result.id !== deployId || typeof result.status !== 'string' || !['true', 'false', true, false].includes(done as string)) {
    throw malformedAnswer('checkDeployStatus', unreadable());
  }
  return { ...result, done: done === true || done === 'true' } as DeployResult;
}

/**
 * An error's first line, as the reason shown (these requests carry no secret: a poll holds only the deploy id). A
 * quoted Salesforce ErrorId keeps its numbers but not its "123456789-123 (-1234567)" shape, from which sf would read
 * an internal server error and exit 20 whatever the plugin's code says.
 */
const oneLine = (error: unknown): string =>
  remoteText((error instanceof Error ? error.message : String(error)).split('\n')[0], [], 300)
    .replace(/(\d{9,}-\d{3,}) \((-?\d{7,})\)/g, '$1/$2')
    .replace(/\.$/, '');

/** The deploy's id; a submission is sent again after a lost answer: the same zip deploys to the same state. */
async function submit(conn: Connection, zip: Buffer, request: DeployRequest, deadline: number, policy: RetryPolicy): Promise<string> {
  const options = {
    rollbackOnError: true,
    singlePackage: true,
    checkOnly: request.checkOnly,
    testLevel: request.testLevel,
    ...(request.testLevel === 'RunSpecifiedTests' ? { runTests: request.runTests } : {}),
  };
  try {
    return await withRetries(async () => submittedId(await withDeadline('deploy', timeLeft(deadline), async () => conn.metadata.deploy(zip, options))), policy);
  } catch (error) {
    const name = (error as Error).name;
    if (name !== NO_ANSWER && name !== MALFORMED_ANSWER) throw error;
    throw messages.createError('error.SubmitNoAnswer', [oneLine(error)], [], EXIT_CODES['no-answer']);
  }
}

export async function deployPackage(conn: Connection, zip: Buffer, request: DeployRequest): Promise<DeployResult> {
  const retry = request.retry ?? DEFAULT_RETRY;
  // Every request, the submission included, ends by the time --wait allows.
  const deadline = Date.now() + request.waitMs;
  const policy = { ...retry, until: deadline };
  const deployId = await submit(conn, zip, request, deadline, policy);
  request.onSubmitted?.(deployId);

  const started = Date.now();
  // A polling loop: each status check waits for the previous one and the pause after it.
  for (;;) {
    let result: DeployResult;
    try {
      // Details come with every poll, so the answer that says "done" is already the final result.
      // eslint-disable-next-line no-await-in-loop
      result = await withRetries(async () => statusOf(await withDeadline('checkDeployStatus', timeLeft(deadline), () => conn.metadata.checkDeployStatus(deployId, true)), deployId), policy);
    } catch (error) {
      // The deploy goes on in the org whatever happened to the polls: say so, with its id.
      throw messages
        .createError('error.PollFailed', [deployId, oneLine(error)], [deployId], EXIT_CODES['no-answer'])
        .setData({ deployId });
    }
    request.onProgress?.(progressOf(result));
    if (result.done) return result;
    const elapsed = Date.now() - started;
    if (Date.now() >= deadline) {
      throw messages
        .createError('error.DeployTimeout', [Math.ceil(request.waitMs / 1000), deployId], [deployId], EXIT_CODES.timeout)
        .setData({ deployId });
    }
    // eslint-disable-next-line no-await-in-loop
    await sleep(Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, elapsed / POLL_FRACTION), deadline - Date.now()));
  }
}

/*
 * Runs file operations a few at a time. Thousands of files opened at once exhaust the process's open-file limit
 * (EMFILE: a config file with 5000 providers is 35,000 files); a handful in flight is as fast on a local disk.
 */

/** How many file operations run at once. */
export const FILES_AT_ONCE = 16;

/**
 * Runs `task` on every item, at most `limit` at a time, and reports how each settled, in the items' order. With
 * stopAfterFailure, no item starts after one has failed (those in flight still settle); the unstarted stay undefined.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  task: (item: T) => Promise<R>,
  options: { limit?: number; stopAfterFailure?: boolean } = {}
): Promise<Array<PromiseSettledResult<R> | undefined>> {
  const results: Array<PromiseSettledResult<R> | undefined> = items.map(() => undefined);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !(failed && options.stopAfterFailure)) {
      const index = next++;
      try {
        // One at a time per worker is the point: the workers together are the limit.
        // eslint-disable-next-line no-await-in-loop
        results[index] = { status: 'fulfilled', value: await task(items[index]) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.limit ?? FILES_AT_ONCE, items.length) }, worker));
  return results;
}

/** The first failure among settled results, if any. */
export function firstFailure<R>(results: Array<PromiseSettledResult<R> | undefined>): unknown {
  return results.find((result): result is PromiseRejectedResult => result?.status === 'rejected')?.reason;
}

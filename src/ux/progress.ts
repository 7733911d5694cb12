/*
 * A command's progress through its stages, on standard error. In a terminal it is sf's spinner. Elsewhere (CI logs,
 * pipes, TERM=dumb: where oclif would not animate) oclif prints a stage and then appends every status change to the
 * same line, so a deploy's progress arrives as one run-together line; here each stage gets a line of its own and
 * each status change an indented line under it, a repeated line left out.
 */
import type { Spinner } from '@salesforce/sf-plugins-core';

/** The part of sf's spinner the commands use, so a command swaps one for the other without other changes. */
export type StageProgress = {
  start(stage: string): void;
  set status(status: string);
  stop(): void;
};

/** oclif's own test for a spinner: an interactive standard error, outside CI, in a terminal that draws one. */
export function animates(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI && !['dumb', 'emacs-color'].includes(env.TERM ?? '');
}

export function stageProgress(spinner: Spinner, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): StageProgress {
  if (animates(stream)) {
    return {
      start: (stage) => spinner.start(stage),
      set status(status: string) {
        // Setting its status is how sf's spinner is driven.
        // eslint-disable-next-line no-param-reassign
        spinner.status = status;
      },
      stop: () => spinner.stop(),
    };
  }
  // --json turns sf's spinner off; these lines follow it.
  let last: string | undefined;
  const line = (text: string): void => {
    if (!spinner.outputEnabled || text === last) return;
    last = text;
    stream.write(`${text}\n`);
  };
  return {
    start: (stage) => line(`${stage}...`),
    set status(status: string) {
      line(`  ${status}`);
    },
    // Nothing to end: every line is already complete, and what the command prints next says how the stage went.
    stop: () => undefined,
  };
}

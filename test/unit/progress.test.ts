import { PassThrough } from 'node:stream';
import { Spinner } from '@salesforce/sf-plugins-core';
import { animates, stageProgress } from '../../src/ux/progress.js';

/** Progress written to a pipe, as in a CI log, read back as lines. */
function piped(outputEnabled = true): { progress: ReturnType<typeof stageProgress>; lines: () => string[] } {
  const stream = new PassThrough();
  let written = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  return { progress: stageProgress(new Spinner(outputEnabled), stream), lines: () => written.split('\n') };
}

describe('stage progress', () => {
  it('animates where oclif does: an interactive standard error, outside CI, in a terminal that draws', () => {
    expect(animates({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(animates({ isTTY: true }, {})).toBe(true);
    expect(animates({ isTTY: false }, {})).toBe(false);
    expect(animates({}, {})).toBe(false);
    expect(animates({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(animates({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(animates({ isTTY: true }, { TERM: 'emacs-color' })).toBe(false);
  });

  it('writes a line per stage and an indented line per status change, leaving out a line that repeats the last', async () => {
    const { progress, lines } = piped();
    progress.start('Deploying');
    progress.status = 'Deploy ID: 0Af';
    progress.status = 'Pending: 0/0';
    progress.status = 'Pending: 0/0';
    progress.status = 'Succeeded: 9/9';
    progress.start('Assigning');
    progress.start('Assigning');
    progress.status = 'Succeeded: 9/9';
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual(['Deploying...', '  Deploy ID: 0Af', '  Pending: 0/0', '  Succeeded: 9/9', 'Assigning...', '  Succeeded: 9/9', '']);
  });

  it('writes nothing when sf turns its spinner off (--json)', async () => {
    const { progress, lines } = piped(false);
    progress.start('Deploying');
    progress.status = 'Pending';
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual(['']);
  });
});

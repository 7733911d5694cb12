/**
 * Stores emulator logins, one per line asked on stdin, under this process's HOME, with test/emulator/login.ts (the
 * way `sf org login` stores them). A process of its own, as login.ts explains; a lasting one, because starting tsx
 * and @salesforce/core costs seconds of CPU and a suite logs in to a fresh org before each of its tests.
 * In: {"id":1,"instanceUrl":"…","refreshToken":"…","alias":"…"}. Out: {"id":1,"username":"…"} or {"id":1,"error":"…"}.
 */
import { createInterface } from 'node:readline';
import { StateAggregator } from '@salesforce/core';
import { saveLogin } from '../emulator/login.js';

type Request = { id: number; instanceUrl: string; refreshToken: string; alias?: string };

// One at a time, in the order asked, each reading the state folders afresh: CLI runs in between may have written them.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const request = JSON.parse(line) as Request;
  queue = queue.then(async () => {
    StateAggregator.clearInstance();
    const reply = await saveLogin(request, request.alias).then(
      (username) => ({ id: request.id, username }),
      (error: Error) => ({ id: request.id, error: error.stack ?? error.message })
    );
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
// The asker is done (or gone) when its end of stdin closes.
lines.on('close', () => void queue.then(() => process.exit(0)));

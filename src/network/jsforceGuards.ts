/*
 * Two gaps in jsforce 3.12 (under @salesforce/core), closed for the requests it sends without a proxy:
 * - It waits up to 30 minutes for an answer's headers and forever for its body. A request whose answer never comes is
 *   abandoned by withDeadline, but its open socket would keep the process alive after the command ended: its
 *   dispatcher is given headers and body timeouts of the request deadline, so undici closes such a socket. (With a
 *   proxy, jsforce makes its own agent per request, with undici's default timeouts of 300 s.)
 * - It pipes a fetch body into its own stream without passing on the body's errors: an answer cut off mid-body
 *   ("terminated") raises an 'error' event nobody listens to, which would end the process with a stack trace. That one
 *   error is caught here; the request it belonged to then gets no answer, and its deadline ends it.
 */
import { Agent } from 'undici';
import { setDispatcher } from '@jsforce/jsforce-node/lib/request.js';

let guarded = false;

const cutOffBody = (error: unknown): boolean => error instanceof TypeError && error.message === 'terminated';

export function guardJsforce(requestTimeoutMs: number): void {
  if (guarded) return;
  guarded = true;
  setDispatcher(new Agent({ connect: { allowH2: false }, headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs }));
  process.on('uncaughtException', (error) => {
    if (cutOffBody(error)) return;
    // Anything else ends the process as Node would have: the error on stderr, exit 1.
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    process.exit(1);
  });
}

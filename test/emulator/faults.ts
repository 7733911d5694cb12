/**
 * Injected faults (org.injectFault / --fail): answers a network, or whatever sits on it, gives instead of the org's.
 * They model proxies, load balancers and dying connections, not Salesforce rules; see FaultKind in org.ts.
 */
import type { FaultSpec } from './org.js';
import { type AnswerKind, type Exchange, json, soapFault, text } from './http.js';

/** Answers the exchange as the fault `how` says; `run` performs the real operation (only `truncated` runs it). */
export async function injectedFault(x: Exchange, how: FaultSpec['status'], kind: AnswerKind, run: () => Promise<void> | void): Promise<void> {
  const { req, res } = x;
  const type = { soap: 'text/xml;charset=UTF-8', rest: 'application/json;charset=UTF-8', web: 'text/html;charset=UTF-8' }[kind];
  switch (how) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'silent':
      // Never answered: the connection stays open until the client gives up or the emulator stops.
      return;
    case 'garbage':
      return text(res, 200, type, '\u0000\u0007\u00ff<<not an answer>> {[');
    case 'html':
      return text(res, 200, 'text/html;charset=UTF-8', '<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in to continue.</p></body></html>');
    case 'empty':
      res.writeHead(204);
      res.end();
      return;
    case 'unrelated-json':
      return json(res, 200, { kind: 'health', ok: true, items: [] });
    case 'truncated': {
      // The operation runs; its answer promises its whole length, sends half, and the connection closes.
      res.end = ((chunk?: string | Buffer) => {
        const body = Buffer.from(chunk ?? '');
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
        return res;
      }) as typeof res.end;
      await run();
      return;
    }
    default:
      return injectedError(x, how, kind);
  }
}

/** An HTTP status as the org's layer would send it: a SOAP fault for a SOAP 500, the JSON error array for REST. */
function injectedError(x: Exchange, status: number, kind: AnswerKind): void {
  if (kind === 'soap' && status === 500) {
    return soapFault(x.res, 'sf:UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)');
  }
  if (kind === 'rest') {
    return json(x.res, status, [{ errorCode: status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred (emulated HTTP ${status})` }]);
  }
  return text(x.res, status, 'text/html', `<html><body>Emulated HTTP ${status}</body></html>`);
}

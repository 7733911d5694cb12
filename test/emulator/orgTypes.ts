/**
 * The shapes of the emulated org's state and of the outcomes tests script (org.ts holds the state itself).
 */
import type { XNode } from './xml.js';

export type OrgType = 'production' | 'sandbox' | 'scratch';

export type User = { id: string; username: string; name: string; isActive: boolean };

export type StoredComponent = {
  type: string;
  fullName: string;
  id: string;
  /** the metadata element (root renamed to the type); for ApexClass the -meta.xml content */
  tree: XNode;
  /** ApexClass source */
  source?: string;
  createdDate: string;
  lastModifiedDate: string;
};

export type ApexOutcome =
  | { success: true; log?: string }
  | { success: false; exceptionMessage: string; exceptionStackTrace: string; log?: string };

export type TestOutcome = { pass: true } | { pass: false; message: string; stackTrace?: string };

/**
 * How an injected fault answers, besides an HTTP status. These model the network and what sits on it (a proxy, a
 * load balancer, a dying connection), not Salesforce rules:
 * - `reset`: the connection is dropped before any answer;
 * - `garbage`: 200 with bytes that are neither XML nor JSON (under the content type the route would use);
 * - `truncated`: the real answer (the operation runs) with its full Content-Length, but only half its body, then the
 *   connection closes;
 * - `silent`: the request is read and never answered, the connection held open until the client goes away;
 * - `html`: 200 text/html, as a captive portal or an error page of a proxy answers;
 * - `empty`: 204 with no body;
 * - `unrelated-json`: 200 application/json with a well-formed object that answers nothing that was asked.
 * Apart from `truncated`, the operation itself does not run: the org is unchanged.
 */
export const FAULT_KINDS = ['reset', 'garbage', 'truncated', 'silent', 'html', 'empty', 'unrelated-json'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultSpec = { status: number | FaultKind; remaining: number };

/**
 * One HTTP request the emulator served; `query` is the SOQL of query requests. `receivedAt` and `respondedAt`
 * (epoch ms) say when it arrived and when its answer was sent, for timing a client against the org.
 */
export type RequestLogEntry = { method: string; path: string; operation: string; status?: number; query?: string; receivedAt: number; respondedAt?: number };

export type ApexLog = { id: string; body: string; startTime: string; operation: string; status: string; userId: string };

export type Principal = { externalCredential: string; principalName: string; status: 'Configured' | 'NotConfigured' };

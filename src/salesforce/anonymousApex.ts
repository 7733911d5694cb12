/*
 * Anonymous Apex through the Apex SOAP API, because only it returns the run's debug log in the reply (the
 * DebuggingHeader), with no trace flag to create and remove. jsforce has no call for it, so the envelope of this one
 * operation is written here; it travels through the Connection like every other request.
 */
import type { Connection } from '@salesforce/core';
import { xmlText } from '../render/escape.js';
import { textValue } from './metadataRead.js';

export type AnonymousApexResult = {
  compiled: boolean;
  success: boolean;
  compileProblem?: string;
  exceptionMessage?: string;
  exceptionStackTrace?: string;
  line: number;
  column: number;
  /** The debug log, when the org returned one. */
  log?: string;
};

/**
 * Log levels: Apex at DEBUG shows System.debug lines but not variable values (FINEST would print the custom
 * metadata record, secret included); callouts at INFO show endpoint and status, never bodies.
 */
const LOG_LEVELS: Array<[string, string]> = [
  ['Db', 'None'],
  ['Workflow', 'None'],
  ['Validation', 'None'],
  ['Callout', 'Info'],
  ['Apex_code', 'Debug'],
  ['Apex_profiling', 'None'],
  ['Visualforce', 'None'],
  ['System', 'Info'],
];

function envelope(sessionId: string, apex: string): string {
  const categories = LOG_LEVELS.map(([category, level]) => `<categories><category>${category}</category><level>${level}</level></categories>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Header xmlns="http://soap.sforce.com/2006/08/apex">' +
    `<SessionHeader><sessionId>${xmlText(sessionId)}</sessionId></SessionHeader>` +
    `<DebuggingHeader>${categories}<debugLevel>None</debugLevel></DebuggingHeader>` +
    '</soapenv:Header>' +
    `<soapenv:Body xmlns="http://soap.sforce.com/2006/08/apex"><executeAnonymous><String>${xmlText(apex)}</String></executeAnonymous></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

type Parsed = Record<string, unknown>;

/** The child whose name ends with `:name` or is `name` (xml2js keeps prefixes). */
function member(node: unknown, name: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  const key = Object.keys(node).find((candidate) => candidate === name || candidate.endsWith(`:${name}`));
  return key === undefined ? undefined : (node as Parsed)[key];
}

async function post(conn: Connection, apex: string): Promise<unknown> {
  return conn.request({
    method: 'POST',
    url: `${conn.instanceUrl}/services/Soap/s/${conn.getApiVersion()}`,
    body: envelope(conn.accessToken ?? '', apex),
    headers: { 'Content-Type': 'text/xml;charset=UTF-8', SOAPAction: '""' },
  });
}

const faultOf = (error: unknown): string | undefined => /<faultstring>([\s\S]*?)<\/faultstring>/.exec((error as Error).message ?? '')?.[1];

export async function executeAnonymous(conn: Connection, apex: string): Promise<AnonymousApexResult> {
  let reply: unknown;
  try {
    reply = await post(conn, apex);
  } catch (error) {
    // A SOAP fault for an expired session is not refreshed by jsforce (that happens on REST 401s): refresh, retry once.
    if (!faultOf(error)?.startsWith('INVALID_SESSION_ID')) throw error;
    await conn.refreshAuth();
    reply = await post(conn, apex);
  }
  const env = member(reply, 'Envelope');
  const result = member(member(member(env, 'Body'), 'executeAnonymousResponse'), 'result');
  const log = textValue(member(member(member(env, 'Header'), 'DebuggingInfo'), 'debugLog'));
  const get = (name: string): string | undefined => textValue(member(result, name));
  return {
    compiled: get('compiled') === 'true',
    success: get('success') === 'true',
    compileProblem: get('compileProblem'),
    exceptionMessage: get('exceptionMessage'),
    exceptionStackTrace: get('exceptionStackTrace'),
    line: Number(get('line') ?? -1),
    column: Number(get('column') ?? -1),
    log,
  };
}

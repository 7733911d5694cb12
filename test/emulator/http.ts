/**
 * What every protocol module of the emulator answers with: the request/response pair of one HTTP exchange and the
 * reply helpers (JSON, text, redirects, SOAP faults).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { esc } from './xml.js';

/** One HTTP exchange: the request, its read body and parsed URL, and the response to write. */
export type Exchange = { req: IncomingMessage; res: ServerResponse; url: URL; body: Buffer };

/** How an answer is shaped where the org answers: SOAP envelopes, REST JSON or web pages. */
export type AnswerKind = 'soap' | 'rest' | 'web';

export const SOAP_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
export const APEX_NS = 'http://soap.sforce.com/2006/08/apex';

export function text(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  text(res, status, 'application/json;charset=UTF-8', JSON.stringify(body));
}

/** REST's answer for a resource that does not exist (Salesforce's JSON error array). */
export function notFound(res: ServerResponse, message = 'The requested resource does not exist'): void {
  json(res, 404, [{ errorCode: 'NOT_FOUND', message }]);
}

export function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, { Location: location, ...(cookies.length ? { 'Set-Cookie': cookies } : {}), 'Content-Length': 0 });
  res.end();
}

export function soapFault(res: ServerResponse, code: string, message: string, ns = METADATA_NS): void {
  text(
    res,
    500,
    'text/xml;charset=UTF-8',
    `${SOAP_HEAD}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="${ns}"><soapenv:Body><soapenv:Fault><faultcode>${esc(code)}</faultcode><faultstring>${esc(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

/** The token of an `Authorization: Bearer|OAuth <token>` header. */
export function bearerToken(x: Exchange): string | undefined {
  return /^(?:Bearer|OAuth)\s+(.+)$/i.exec(x.req.headers.authorization ?? '')?.[1];
}

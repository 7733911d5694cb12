/**
 * The Apex SOAP API (/services/Soap/s/<version>): executeAnonymous only, answered as an ExecuteAnonymousResult.
 */
import type { EmulatorContext } from './context.js';
import { runAnonymous } from './executeAnonymous.js';
import { APEX_NS, type Exchange, SOAP_HEAD, soapFault, text } from './http.js';
import { sessionUser } from './session.js';
import { child, childText, el, parseXml, type XNode } from './xml.js';

/** executeAnonymous over the Apex SOAP API; the run's log comes back in a DebuggingInfo header when asked for. */
export async function soapApex(emu: EmulatorContext, x: Exchange): Promise<void> {
  let env: XNode;
  try {
    env = parseXml(x.body.toString('utf8'));
  } catch (e) {
    return soapFault(x.res, 'soapenv:Client', `Unable to parse the request: ${(e as Error).message}`, APEX_NS);
  }
  const token = childText(child(child(env, 'Header'), 'SessionHeader'), 'sessionId');
  const userId = sessionUser(emu.org, token);
  if (!userId) return soapFault(x.res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session', APEX_NS);
  const op = child(env, 'Body')?.children[0];
  if (op?.name !== 'executeAnonymous') return soapFault(x.res, 'sf:INVALID_OPERATION', `INVALID_OPERATION: ${op?.name ?? ''}`, APEX_NS);
  // Salesforce returns the run's log in the reply when the request carries a DebuggingHeader.
  const r = await runAnonymous(emu, childText(op, 'String') ?? '', userId, child(child(env, 'Header'), 'DebuggingHeader') !== undefined);
  const nil = (n: string, v: string | null): string => (v === null ? `<${n} xsi:nil="true"/>` : el(n, v));
  const header = r.log !== undefined ? `<soapenv:Header><DebuggingInfo>${el('debugLog', r.log)}</DebuggingInfo></soapenv:Header>` : '';
  text(
    x.res,
    200,
    'text/xml;charset=UTF-8',
    `${SOAP_HEAD}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/08/apex" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${header}<soapenv:Body><executeAnonymousResponse><result>${el('column', r.result.column)}${nil('compileProblem', r.result.compileProblem)}${el('compiled', r.result.compiled)}${nil('exceptionMessage', r.result.exceptionMessage)}${nil('exceptionStackTrace', r.result.exceptionStackTrace)}${el('line', r.result.line)}${el('success', r.result.success)}</result></executeAnonymousResponse></soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * The SOAP Metadata API (/services/Soap/m/<version>): reads the envelope, checks the SessionHeader, and sends each
 * operation to the module that answers it (deploys in soapDeploy.ts, CRUD calls in metadataCrud.ts, retrieves here
 * with their semantics in retrieve.ts).
 */
import type { EmulatorContext } from './context.js';
import { type Exchange, SOAP_HEAD, soapFault, text } from './http.js';
import { sessionUser } from './session.js';
import { cancelDeploy, checkDeployStatus, deploy } from './soapDeploy.js';
import { deleteMetadata, describeMetadata, listMetadata, readMetadata, upsertMetadata } from './metadataCrud.js';
import { advanceRetrieve, newRetrieveJob, parseRetrieveRequest, requestFault, retrieveResultXml } from './retrieve.js';
import { child, childText, el, parseXml, type XNode } from './xml.js';

const ENV_OPEN =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">';

/** The operation a SOAP request names: the first element inside its Body (read before the request runs, for the log). */
export function soapOperation(body: Buffer): string | undefined {
  const m = /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body.toString('utf8'));
  return m?.[1];
}

export async function soapMetadata(emu: EmulatorContext, x: Exchange): Promise<void> {
  let env: XNode;
  try {
    env = parseXml(x.body.toString('utf8'));
  } catch (e) {
    return soapFault(x.res, 'soapenv:Client', `Unable to parse the request: ${(e as Error).message}`);
  }
  const header = child(env, 'Header');
  const token = childText(child(header, 'SessionHeader'), 'sessionId');
  const bodyEl = child(env, 'Body');
  const op = bodyEl?.children[0];
  if (!op) return soapFault(x.res, 'soapenv:Client', 'No operation found in the SOAP Body');
  const userId = sessionUser(emu.org, token);
  if (!userId) {
    return soapFault(x.res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
  }
  const respond = (inner: string): void => text(x.res, 200, 'text/xml;charset=UTF-8', `${SOAP_HEAD}${ENV_OPEN}<soapenv:Body><${op.name}Response>${inner}</${op.name}Response></soapenv:Body></soapenv:Envelope>`);
  switch (op.name) {
    case 'deploy':
      return deploy(emu, x, op, respond);
    case 'checkDeployStatus':
      return checkDeployStatus(emu, x, op, respond);
    case 'cancelDeploy':
      return cancelDeploy(emu, x, op, respond);
    case 'readMetadata':
      return readMetadata(emu.org, x, op, respond);
    case 'listMetadata':
      return listMetadata(emu.org, op, respond);
    case 'upsertMetadata':
    case 'createMetadata':
    case 'updateMetadata':
      return upsertMetadata(emu.org, x, op, respond);
    case 'deleteMetadata':
      return deleteMetadata(emu.org, x, op, respond);
    case 'describeMetadata':
      return respond(describeMetadata(emu.org));
    case 'retrieve':
      return retrieve(emu, x, op, respond);
    case 'checkRetrieveStatus':
      return checkRetrieveStatus(emu, x, op, respond);
    default:
      return soapFault(x.res, 'sf:INVALID_OPERATION', `INVALID_OPERATION: the emulator does not implement ${op.name}`);
  }
}

function retrieve(emu: EmulatorContext, x: Exchange, op: XNode, respond: (inner: string) => void): void {
  const request = parseRetrieveRequest(op);
  const fault = requestFault(request);
  if (fault) return soapFault(x.res, fault.startsWith('INVALID_OPERATION') ? 'sf:INVALID_OPERATION' : 'soapenv:Client', fault);
  const job = newRetrieveJob(request);
  emu.retrieves.set(job.id, job);
  respond(`<result>${el('done', false)}${el('id', job.id)}${el('state', 'Queued')}</result>`);
}

async function checkRetrieveStatus(emu: EmulatorContext, x: Exchange, op: XNode, respond: (inner: string) => void): Promise<void> {
  const id = childText(op, 'asyncProcessId') ?? '';
  const job = emu.retrieves.get(id) ?? [...emu.retrieves.values()].find((j) => j.id.slice(0, 15) === id.slice(0, 15));
  if (!job) return soapFault(x.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
  await advanceRetrieve(emu.org, job, emu.opts.queuedPolls ?? 1, emu.opts.inProgressPolls ?? 1);
  respond(`<result>${retrieveResultXml(emu.org, job, !['false', '0'].includes(childText(op, 'includeZip') ?? 'true'))}</result>`);
}

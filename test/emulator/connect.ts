/**
 * Connect REST named-credentials resources: a principal's credentials (GET, POST, PUT, DELETE, rules in
 * credentials.ts), an External Credential as Connect reports it, and the URL that starts a principal's OAuth flow
 * (finished by the web flow in web.ts).
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { type ConnectReply, deleteCredential, getCredential, saveCredential } from './credentials.js';
import { connectProtocol, protocolVariant } from './externalCredential.js';
import { type Exchange, json, notFound } from './http.js';
import { newId } from './registry.js';
import { childrenNamed, childText } from './xml.js';

/** named-credentials/credential: the credentials of one principal; the resource exists from API 56.0. */
export function credential(emu: EmulatorContext, x: Exchange, method: string, v: string): void {
  if (Number(v) < 56) return notFound(x.res);
  const reply: ConnectReply =
    method === 'GET' ? getCredential(emu.org, x.url.searchParams)
      : method === 'DELETE' ? deleteCredential(emu.org, x.url.searchParams)
        : saveCredential(emu.org, x.body.toString('utf8'), method === 'POST');
  if (reply.body !== undefined) return json(x.res, reply.status, reply.body);
  x.res.writeHead(reply.status);
  x.res.end();
}

/** named-credentials/external-credentials/<name>: the External Credential, its principals and their status. */
export function getExternalCredential(emu: EmulatorContext, x: Exchange, name: string, v: string): void {
  const ec = emu.org.get('ExternalCredential', name);
  if (!ec) return json(x.res, 404, [{ errorCode: 'NOT_FOUND', message: `We couldn't find an external credential with the name ${name}. Check the name and try again.` }]);
  const namedCredentials = emu.org.list('NamedCredential')
    .filter((n) => childrenNamed(n.tree, 'namedCredentialParameters').some((p) => childText(p, 'externalCredential')?.toLowerCase() === ec.fullName.toLowerCase()))
    .map((n) => ({ developerName: n.fullName, id: n.id, masterLabel: childText(n.tree, 'label'), url: `/services/data/v${v}/named-credentials/named-credential-setup/${n.fullName}` }));
  const principals = emu.org.principalsOf(ec.fullName).map((p) => ({
    authenticationStatus: emu.org.principalStatus(ec.fullName, p.name),
    id: newId('0pv'), parameters: [], principalName: p.name, principalType: p.type, sequenceNumber: p.sequenceNumber,
  }));
  // Connect reports the variant on its own; the parameters are the rest (principals aside), an Auth. Provider by name
  const parameters = childrenNamed(ec.tree, 'externalCredentialParameters')
    .filter((p) => !['NamedPrincipal', 'PerUserPrincipal', 'AuthProtocolVariant'].includes(childText(p, 'parameterType') ?? ''))
    .map((p) => ({
      id: newId('0pv'), parameterDescription: childText(p, 'description') ?? null, parameterName: childText(p, 'parameterName'),
      parameterType: childText(p, 'parameterType'), parameterValue: childText(p, 'authProvider') ?? childText(p, 'certificate') ?? childText(p, 'parameterValue') ?? null,
    }));
  json(x.res, 200, {
    authenticationProtocol: connectProtocol(ec.tree), authenticationProtocolVariant: protocolVariant(ec.tree) ?? null,
    customHeaders: [], developerName: ec.fullName, id: ec.id, masterLabel: childText(ec.tree, 'label'), namedCredentials,
    parameters, principals, url: `/services/data/v${v}/named-credentials/external-credentials/${ec.fullName}`,
  });
}

/** named-credentials/credential/auth-url/o-auth: where a browser starts the principal's OAuth flow. */
export function oauthUrl(emu: EmulatorContext, x: Exchange): void {
  let body: Record<string, string>;
  try {
    body = JSON.parse(x.body.toString('utf8')) as Record<string, string>;
  } catch {
    return json(x.res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected character in request body' }]);
  }
  const ec = emu.org.get('ExternalCredential', body.externalCredential ?? '');
  if (!ec) return json(x.res, 404, [{ errorCode: 'NOT_FOUND', message: `We couldn't find an external credential with the name ${body.externalCredential}. Check the name and try again.` }]);
  const principal = emu.org.principalsOf(ec.fullName).find((p) => p.name.toLowerCase() === (body.principalName ?? '').toLowerCase());
  if (!principal || (body.principalType && body.principalType !== principal.type)) {
    return json(x.res, 400, [{ errorCode: 'INVALID_INPUT', message: `We couldn't find a principal named ${body.principalName} of type ${body.principalType} on ${ec.fullName}.` }]);
  }
  const state = randomBytes(16).toString('hex');
  emu.pendingAuth.set(state, { externalCredential: ec.fullName, principalName: principal.name, returnUrl: body.returnUrl ?? '/' });
  json(x.res, 200, { authenticationUrl: `${emu.instanceUrl}/services/auth/xds/${encodeURIComponent(ec.fullName)}?startURL=${encodeURIComponent(body.returnUrl ?? '/')}&state=${state}` });
}

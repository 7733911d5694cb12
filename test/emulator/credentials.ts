/**
 * Connect REST `/named-credentials/credential` (API 56.0 and later): get, create (POST), replace (PUT) and delete the
 * credentials of an External Credential principal, with the checks Salesforce applies to a CredentialInput. Encrypted
 * values are kept for the org's own use (callouts) and never shown again: replies mask them and no error echoes a
 * value. Error wording is the emulator's; the shapes (JSON array of errorCode and message) are Salesforce's.
 */
import type { Org, StoredComponent } from './org.js';
import { connectProtocol, credentialRule, maskedCredentials, protocolVariant, type StoredCredentials } from './externalCredential.js';

export type ConnectReply = { status: number; body?: unknown };

const PRINCIPAL_TYPES = ['AwsStsPrincipal', 'NamedPrincipal', 'PerUserPrincipal'];

const apiError = (status: number, errorCode: string, message: string): ConnectReply => ({ status, body: [{ errorCode, message }] });
const invalid = (message: string): ConnectReply => apiError(400, 'INVALID_API_INPUT', message);

type Target = { ec: StoredComponent; principalName: string; principalType: string; key: string };

/** The principal a request names, or the reply that refuses it (the same texts as the auth-url resource). */
function target(org: Org, externalCredential: string, principalName: string | undefined, principalType: string): Target | ConnectReply {
  const ec = org.get('ExternalCredential', externalCredential);
  if (!ec) return apiError(404, 'NOT_FOUND', `We couldn't find an external credential with the name ${externalCredential}. Check the name and try again.`);
  if (!PRINCIPAL_TYPES.includes(principalType)) return invalid(`The principalType ${principalType} isn't valid. Valid values are ${PRINCIPAL_TYPES.join(', ')}.`);
  const principal = org.principalsOf(ec.fullName).find((p) => p.name.toLowerCase() === (principalName ?? '').toLowerCase() && p.type === principalType);
  if (!principal) return invalid(`We couldn't find a principal named ${principalName ?? ''} of type ${principalType} on ${ec.fullName}.`);
  return { ec, principalName: principal.name, principalType, key: org.principalKey(ec.fullName, principal.name) };
}

const isReply = (t: Target | ConnectReply): t is ConnectReply => 'status' in t;

/** The Credential output: protocol in Connect spelling, status, and the credentials with encrypted values masked. */
function view(org: Org, t: Target): Record<string, unknown> {
  return {
    authenticationProtocol: connectProtocol(t.ec.tree),
    authenticationProtocolVariant: protocolVariant(t.ec.tree) ?? null,
    authenticationStatus: org.principalStatus(t.ec.fullName, t.principalName),
    credentials: maskedCredentials(org.principalCredentials.get(t.key)),
    externalCredential: t.ec.fullName,
    principalName: t.principalName,
    principalType: t.principalType,
  };
}

/** The target named by GET / DELETE query parameters. */
function queryTarget(org: Org, query: URLSearchParams): Target | ConnectReply {
  for (const name of ['externalCredential', 'principalType']) {
    if (!query.get(name)) return invalid(`Missing required query parameter: ${name}`);
  }
  return target(org, query.get('externalCredential')!, query.get('principalName') ?? undefined, query.get('principalType')!);
}

export function getCredential(org: Org, query: URLSearchParams): ConnectReply {
  const t = queryTarget(org, query);
  return isReply(t) ? t : { status: 200, body: view(org, t) };
}

export function deleteCredential(org: Org, query: URLSearchParams): ConnectReply {
  const t = queryTarget(org, query);
  if (isReply(t)) return t;
  org.principalCredentials.delete(t.key);
  org.principalTokens.delete(t.key);
  return { status: 204 };
}

/** Why the credentials map breaks the protocol's allowlist or encryption rules; names only, never values. */
function credentialsProblem(ec: StoredComponent, credentials: Record<string, unknown>): string | undefined {
  const rule = credentialRule(ec.tree);
  const flavour = protocolVariant(ec.tree) ?? connectProtocol(ec.tree);
  for (const [name, raw] of Object.entries(credentials)) {
    if (rule.names !== 'any' && !Object.hasOwn(rule.names, name)) {
      const allowed = Object.keys(rule.names);
      return `${name} isn't a valid credential for the ${flavour} authentication protocol. ${allowed.length ? `Valid credentials: ${allowed.join(', ')}.` : 'It takes no credentials.'}`;
    }
    const c = (typeof raw === 'object' && raw !== null ? raw : {}) as { value?: unknown; encrypted?: unknown };
    if (typeof c.value !== 'string' || c.value === '') return `The credential ${name} needs a value.`;
    if (typeof c.encrypted !== 'boolean') return `The credential ${name} needs encrypted set to true or false.`;
    if (rule.names !== 'any' && rule.names[name] !== c.encrypted) return `The credential ${name} must ${rule.names[name] ? '' : 'not '}be encrypted for the ${flavour} authentication protocol.`;
  }
  return undefined;
}

/** POST (create: none may exist yet) or PUT (replace the whole set: some must exist). */
export function saveCredential(org: Org, bodyText: string, create: boolean): ConnectReply {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
  } catch {
    return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not a valid CredentialInput JSON object.');
  }
  for (const name of ['externalCredential', 'principalType', 'authenticationProtocol']) {
    if (typeof body[name] !== 'string' || body[name] === '') return invalid(`Missing required field: ${name}`);
  }
  if (body.principalType === 'NamedPrincipal' && (typeof body.principalName !== 'string' || body.principalName === '')) return invalid('Missing required field: principalName');
  const credentials = body.credentials;
  if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) return invalid('Missing required field: credentials');

  const t = target(org, String(body.externalCredential), body.principalName as string | undefined, String(body.principalType));
  if (isReply(t)) return t;
  const protocol = connectProtocol(t.ec.tree);
  if (body.authenticationProtocol !== protocol) {
    return invalid(`The authentication protocol ${String(body.authenticationProtocol)} doesn't match the authentication protocol of the external credential ${t.ec.fullName} (${protocol}).`);
  }
  const variant = protocolVariant(t.ec.tree);
  if (body.authenticationProtocolVariant !== undefined && body.authenticationProtocolVariant !== variant) {
    return invalid(`The authentication protocol variant ${String(body.authenticationProtocolVariant)} doesn't match the authentication protocol variant of the external credential ${t.ec.fullName} (${variant ?? 'none'}).`);
  }
  const problem = credentialsProblem(t.ec, credentials as Record<string, unknown>);
  if (problem) return invalid(problem);

  const exists = Object.keys(org.principalCredentials.get(t.key) ?? {}).length > 0;
  if (create && exists) return invalid(`Credentials already exist for the principal ${t.principalName} of the external credential ${t.ec.fullName}. To change them, use PUT.`);
  if (!create && !exists) return invalid(`No credentials exist for the principal ${t.principalName} of the external credential ${t.ec.fullName}. To create them, use POST.`);
  const stored: StoredCredentials = Object.fromEntries(
    Object.entries(credentials as Record<string, { value: string; encrypted: boolean }>).map(([name, c]) => [name, { value: c.value, encrypted: c.encrypted }])
  );
  org.principalCredentials.set(t.key, stored);
  // new client credentials mean a new token: the next callout fetches one with them
  org.principalTokens.delete(t.key);
  return { status: create ? 201 : 200, body: view(org, t) };
}

/*
 * The client_credentials request made from this machine, exactly as the Apex plugin makes it in the org, and what
 * its answer says: the access token's claims on success, Entra's error fields on failure. The token is decoded
 * without checking its signature: only the claims matter here, and only the API verifies tokens.
 */
import type { TokenRequestSpec } from '../input/tokenRequestSpec.js';
import { networkFailure, proxiedFetch, type Response } from '../network/proxiedFetch.js';
import { remoteField, remoteText } from '../ux/remoteText.js';
import { clientAssertion, CLIENT_ASSERTION_TYPE } from './clientAssertion.js';

/** How the app proves who it is: a client secret, or a certificate's private key that signs a client assertion. */
export type AppCredential = { kind: 'secret'; secret: string } | { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

export type TokenClaims = {
  audience?: string;
  tenant?: string;
  appId?: string;
  /** Application permissions granted to the app (admin consent), empty when none. */
  roles: string[];
  issuer?: string;
  expiresAt?: string;
  version?: string;
};

export type TokenAnswer =
  | { kind: 'token'; status: number; accessToken: string; expiresIn?: number; claims?: TokenClaims }
  | {
      kind: 'refused';
      status: number;
      error?: string;
      /** The AADSTS number, from error_codes or the description's prefix. */
      code?: number;
      /** The first line of error_description: Entra appends trace lines after it. */
      description?: string;
      traceId?: string;
      correlationId?: string;
      timestamp?: string;
    }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'unexpected'; status: number; contentType: string };

export const TOKEN_TIMEOUT_MS = 30_000;

/** The form body the plugin sends: grant, client id and secret (or assertion), then scope (v2) or resource (v1). */
export function tokenRequestBody(spec: TokenRequestSpec, credential: AppCredential): URLSearchParams {
  const form = new URLSearchParams({ 'grant_type': 'client_credentials', 'client_id': spec.clientId });
  if (credential.kind === 'secret') form.set('client_secret', credential.secret);
  else {
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', clientAssertion({ clientId: spec.clientId, tokenUrl: spec.tokenUrl, certificatePem: credential.certificatePem, privateKeyPem: credential.privateKeyPem }));
  }
  if (spec.scope) form.set('scope', spec.scope);
  if (spec.resource) form.set('resource', spec.resource);
  return form;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The claims of a JWT access token; undefined when the token is not a JWT (some non-Entra servers). */
export function decodeClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== 'object') return undefined;
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;
  // The endpoint wrote these: shown without terminal controls, and short.
  const claim = (value: unknown): string | undefined => remoteField(text(value), [], 200);
  return {
    audience: claim(claims.aud),
    tenant: claim(claims.tid),
    appId: claim(claims.azp) ?? claim(claims.appid),
    roles: Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string').map((role) => remoteText(role, [], 200)) : [],
    issuer: claim(claims.iss),
    expiresAt: exp,
    version: claim(claims.ver),
  };
}

/** Entra's error fields, as the endpoint sent them but scrubbed: an endpoint may echo the request, secret and all. */
function refusal(status: number, body: Record<string, unknown>, secrets: string[]): TokenAnswer {
  const field = (value: unknown, max?: number): string | undefined => remoteField(text(value), secrets, max);
  const description = field(body.error_description);
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const fromDescription = description ? /^AADSTS(\d+)/.exec(description)?.[1] : undefined;
  const code = typeof codes[0] === 'number' ? codes[0] : fromDescription ? Number(fromDescription) : undefined;
  return {
    kind: 'refused',
    status,
    error: field(body.error, 200),
    code,
    description: description?.split('\n')[0].trim(),
    traceId: field(body.trace_id, 100),
    correlationId: field(body.correlation_id, 100),
    timestamp: field(body.timestamp, 100),
  };
}

/** Why a request never got an answer: a timeout, or what the network layer or the proxy said. */
function unreachable(error: unknown, secrets: string[]): TokenAnswer {
  const name = (error as Error).name;
  const reason = name === 'TimeoutError' ? `no answer within ${TOKEN_TIMEOUT_MS / 1000} s` : networkFailure(error);
  // A proxy's refusal is remote text too.
  return { kind: 'unreachable', reason: remoteText(reason, secrets) };
}

export async function requestToken(spec: TokenRequestSpec, credential: AppCredential, timeoutMs = TOKEN_TIMEOUT_MS): Promise<TokenAnswer> {
  const secrets = credential.kind === 'secret' ? [credential.secret] : [];
  let response: Response;
  let body: string;
  try {
    response = await proxiedFetch(spec.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: tokenRequestBody(spec, credential),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    body = await response.text();
  } catch (error) {
    return unreachable(error, secrets);
  }
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const contentType = remoteText(response.headers.get('content-type') ?? '', secrets, 100);
  if (!json) return { kind: 'unexpected', status: response.status, contentType };
  const accessToken = text(json.access_token);
  if (response.ok && accessToken) {
    const expiresIn = Number(json.expires_in);
    return { kind: 'token', status: response.status, accessToken, expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined, claims: decodeClaims(accessToken) };
  }
  if (!response.ok && (json.error !== undefined || json.error_description !== undefined)) return refusal(response.status, json, secrets);
  return { kind: 'unexpected', status: response.status, contentType };
}

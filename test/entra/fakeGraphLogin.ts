/**
 * The login half of the fake Graph host: what MSAL (under @azure/identity) asks of an authority before and while it
 * signs an administrator in. MSAL refuses a non-https authority, hence TLS. Shapes follow the Microsoft identity
 * platform docs: "OpenID Connect on the Microsoft identity platform" (the openid-configuration document), "OAuth 2.0
 * client credentials flow" and "OAuth 2.0 device authorization grant" (devicecode endpoint, authorization_pending).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A service principal an administrator runs the Graph calls as (CI): client id and secret, its granted roles. */
export type FakeAdmin = { clientId: string; secret: string; roles: string[] };
/** The user a device code sign-in signs in as, with the delegated scopes the token carries (scp). */
export type FakeUser = { userName: string; scopes: string[] };
export type IssuedToken = { tenantId: string; kind: 'app' | 'user'; grants: string[]; subject: string };

export type LoginState = {
  tenantId: string;
  domains: Record<string, string>;
  admins: FakeAdmin[];
  user: FakeUser;
  graphAudience: string;
  tokens: Map<string, IssuedToken>;
  /** Device codes handed out; approve one (approveDeviceCode) and the next poll gets a token. */
  deviceCodes: Array<{ deviceCode: string; userCode: string; approved: boolean; denied?: boolean }>;
  autoApproveDeviceCodes: boolean;
  /** The fake token endpoint's URL for a tenant: any other app's client_credentials request is answered there (shared apps). */
  entraTokenUrl: (tenant: string) => string;
};

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function mintToken(state: LoginState, kind: 'app' | 'user', grants: string[], subject: string): { token: string; expiresIn: number } {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: state.graphAudience,
    iss: `https://sts.windows.net/${state.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + 3599,
    tid: state.tenantId,
    jti: randomUUID(),
    ...(kind === 'app' ? { appid: subject, idtyp: 'app', roles: grants } : { upn: subject, idtyp: 'user', scp: grants.join(' ') }),
  };
  const token = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64(claims)}.${randomBytes(16).toString('base64url')}`;
  state.tokens.set(token, { tenantId: state.tenantId, kind, grants, subject });
  return { token, expiresIn: 3599 };
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Entra's token-endpoint error shape (AADSTS code first in the description). */
function oauthError(res: ServerResponse, status: number, error: string, code: number, sentence: string): void {
  json(res, status, { error, error_description: `AADSTS${code}: ${sentence}\r\nTrace ID: ${randomUUID()}`, error_codes: [code], trace_id: randomUUID(), correlation_id: randomUUID() });
}

/** Handles a login request, or returns false when the path is not a login path. */
/** Answers a request of an app (not an admin) with the fake token endpoint's own answer: one Entra, one set of apps. */
function forwardToEntra(state: LoginState, tenant: string, body: string, res: ServerResponse): void {
  void fetch(state.entraTokenUrl(tenant), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }).then(async (answer) => {
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  });
}

export function handleLogin(state: LoginState, origin: string, req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean {
  const host = new URL(origin).host;
  if (req.method === 'GET' && url.pathname === '/common/discovery/instance') {
    json(res, 200, {
      'tenant_discovery_endpoint': `${origin}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    return true;
  }
  const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|oauth2\/v2\.0\/devicecode)$/.exec(url.pathname);
  if (!match) return false;
  const named = decodeURIComponent(match[1]).toLowerCase();
  const tenant = named === state.tenantId ? state.tenantId : state.domains[named];
  if (!tenant) {
    oauthError(res, 400, 'invalid_tenant', 90002, `Tenant '${named}' not found.`);
    return true;
  }
  if (match[2].endsWith('openid-configuration')) {
    const base = `${origin}/${tenant}`;
    json(res, 200, {
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      tenant_region_scope: 'EU',
    });
    return true;
  }
  const form = Object.fromEntries(new URLSearchParams(body));
  if (req.method !== 'POST') return false;
  if (match[2].endsWith('devicecode')) {
    const userCode = randomBytes(4).toString('hex').toUpperCase();
    const deviceCode = randomBytes(24).toString('base64url');
    state.deviceCodes.push({ deviceCode, userCode, approved: state.autoApproveDeviceCodes });
    json(res, 200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: `${origin}/devicelogin`,
      expires_in: 900,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${origin}/devicelogin and enter the code ${userCode} to authenticate.`,
    });
    return true;
  }
  if (form.grant_type === 'client_credentials' && !state.admins.some((admin) => admin.clientId === form.client_id)) {
    forwardToEntra(state, tenant, body, res);
    return true;
  }
  const scope = form.scope ?? '';
  if (!scope.split(' ').includes(`${state.graphAudience}/.default`)) {
    oauthError(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid.`);
    return true;
  }
  if (form.grant_type === 'client_credentials') {
    const admin = state.admins.find((candidate) => candidate.clientId === form.client_id);
    if (!admin) {
      oauthError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory '${tenant}'.`);
    } else if (admin.secret !== form.client_secret) {
      oauthError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    } else {
      const { token, expiresIn } = mintToken(state, 'app', admin.roles, admin.clientId);
      json(res, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
    }
    return true;
  }
  // The docs name the grant urn:ietf:params:oauth:grant-type:device_code; MSAL sends the short `device_code`, which
  // Entra accepts too (msal-common's GrantType.DEVICE_CODE_GRANT).
  if (form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code' || form.grant_type === 'device_code') {
    const pending = state.deviceCodes.find((candidate) => candidate.deviceCode === form.device_code);
    if (!pending) oauthError(res, 400, 'expired_token', 70020, 'The provided value for the input parameter device_code is not valid.');
    else if (pending.denied) oauthError(res, 400, 'authorization_declined', 70019, 'The user declined the sign-in.');
    else if (!pending.approved) oauthError(res, 400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    else {
      const { token, expiresIn } = mintToken(state, 'user', state.user.scopes, state.user.userName);
      const oid = randomUUID();
      const idToken = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ aud: form.client_id, iss: `${origin}/${tenant}/v2.0`, tid: tenant, oid, sub: oid, preferred_username: state.user.userName, name: state.user.userName, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, ver: '2.0' })}.sig`;
      json(res, 200, {
        token_type: 'Bearer',
        scope: state.user.scopes.map((name) => `${state.graphAudience}/${name}`).join(' '),
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: token,
        refresh_token: randomBytes(24).toString('base64url'),
        id_token: idToken,
        client_info: b64({ uid: oid, utid: tenant }),
      });
    }
    return true;
  }
  oauthError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  return true;
}

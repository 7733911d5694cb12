/**
 * A local stand-in for Microsoft Entra ID's token endpoint (test tooling; models Entra, not the product). It answers
 * the client_credentials grant on the v2 (`/<tenant>/oauth2/v2.0/token`) and v1 (`/<tenant>/oauth2/token`) paths,
 * with a client secret or a client assertion signed by a registered certificate, with the JSON Entra sends: a JWT access token on success, and on failure `error`, an `AADSTSnnnnnn:` description
 * with trace and correlation IDs, `error_codes`, `timestamp`, `trace_id`, `correlation_id` and `error_uri`.
 */
import { createHash, createVerify, randomUUID, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A credential added to an app after it was created. Entra replicates a new credential across its regions for seconds
 * up to minutes; until then the token endpoint refuses it as if it did not exist (AADSTS7000215 for a secret,
 * AADSTS700027 for a certificate), which is what `usableAfter` models.
 */
export type FakeSecret = { value: string; keyId?: string; usableAfter?: number; expired?: boolean };
export type FakeCertificate = { pem: string; keyId?: string; usableAfter?: number };

export type FakeApp = {
  tenantId: string;
  clientId: string;
  /** The app's first secret; `secrets` holds any others (an app can have several at once, as during a rotation). */
  secret?: string;
  secrets?: FakeSecret[];
  /** Application permissions an admin consented to; empty means consent is missing. */
  roles?: string[];
  secretExpired?: boolean;
  /** PEM of a certificate registered on the app: client assertions signed with its key are accepted. */
  certificate?: string;
  certificates?: FakeCertificate[];
};

/** An app created with a secret, as most tests start from. */
export type FakeAppWithSecret = FakeApp & { secret: string };

export type EntraReply = { code: number; sentence: string };

export type FakeEntraOptions = {
  apps: FakeApp[];
  /** Verified domains that name a tenant, as contoso.onmicrosoft.com does. */
  domains?: Record<string, string>;
  /** Resources (v1 `resource`, or the part of a v2 scope before `/.default`) that exist in every tenant. */
  resources?: string[];
  /**
   * Rewrites every error's AADSTS code and sentence, given the raw request body: a hostile or broken token endpoint
   * that echoes the request, sends megabytes or terminal escapes. Real Entra never echoes the request.
   */
  describeError?: (reply: EntraReply, requestBody: string) => EntraReply;
  /** Where to listen; by default a free port on 127.0.0.1. */
  port?: number;
  host?: string;
};

export type FakeEntra = {
  /** The token URL for a tenant (GUID or domain), v2 unless asked for v1. */
  tokenUrl: (tenant: string, version?: 'v1' | 'v2') => string;
  /** The live list of apps: add to it, or to an app's secrets and certificates, while the server runs. */
  apps: FakeApp[];
  requests: Array<{ path: string; form: Record<string, string> }>;
  stop: () => Promise<void>;
};

const DEFAULT_RESOURCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Entra's error reply; the description carries the code, a sentence, and the trace lines Entra appends. */
function replyError(res: ServerResponse, status: number, error: string, given: EntraReply, describe?: (reply: EntraReply) => EntraReply): void {
  const { code, sentence } = describe ? describe(given) : given;
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const body = {
    error,
    error_description: `AADSTS${code}: ${sentence}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function accessToken(app: FakeApp, audience: string, v1: boolean): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: audience,
    iss: v1 ? `https://sts.windows.net/${app.tenantId}/` : `https://login.microsoftonline.com/${app.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3599,
    ...(v1 ? { appid: app.clientId } : { azp: app.clientId }),
    idtyp: 'app',
    oid: randomUUID(),
    ...(app.roles && app.roles.length > 0 ? { roles: app.roles } : {}),
    sub: randomUUID(),
    tid: app.tenantId,
    ver: v1 ? '1.0' : '2.0',
  };
  // Unsigned in substance: callers decode tokens without checking signatures, as the plugin does.
  return `${base64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-entra' })}.${base64url(claims)}.${Buffer.from('fake-signature').toString('base64url')}`;
}

/** The secrets Entra accepts now: the first one, and every added one that has finished replicating. */
function usableSecrets(app: FakeApp): FakeSecret[] {
  const now = Date.now();
  const first: FakeSecret[] = app.secret === undefined ? [] : [{ value: app.secret, expired: app.secretExpired }];
  return [...first, ...(app.secrets ?? []).filter((secret) => (secret.usableAfter ?? 0) <= now)];
}

function usableCertificates(app: FakeApp): string[] {
  const now = Date.now();
  return [...(app.certificate ? [app.certificate] : []), ...(app.certificates ?? []).filter((cert) => (cert.usableAfter ?? 0) <= now).map((cert) => cert.pem)];
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Why Entra would refuse a client assertion, or undefined when it is good: RS256 over header.payload with the key of
 * the certificate the header's x5t names, aud the token endpoint, iss and sub the client id, a jti, within nbf..exp.
 */
function assertionProblem(assertion: string, app: FakeApp, tokenEndpoint: string): { code: number; sentence: string } | undefined {
  const malformed = { code: 50027, sentence: 'JWT token is invalid or malformed.' };
  const parts = assertion.split('.');
  if (parts.length !== 3) return malformed;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    [header, claims] = parts.slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  } catch {
    return malformed;
  }
  const cert = usableCertificates(app)
    .map((pem) => new X509Certificate(pem))
    .find((candidate) => createHash('sha1').update(candidate.raw).digest('base64url') === header.x5t);
  if (header.alg !== 'RS256' || !cert) {
    return { code: 700027, sentence: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(header.x5t)}']` };
  }
  const signed = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(cert.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!signed) return { code: 700027, sentence: 'Client assertion failed signature validation.' };
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || claims.nbf > now + 300 || claims.exp < now - 300) {
    return { code: 700024, sentence: 'Client assertion is not within its valid time range.' };
  }
  if (claims.aud !== tokenEndpoint || claims.iss !== app.clientId || claims.sub !== app.clientId || typeof claims.jti !== 'string') {
    return { code: 700023, sentence: `Client assertion audience claim does not match Realm issuer or its issuer and subject are not the client id '${app.clientId}'.` };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  const requests: FakeEntra['requests'] = [];
  const host = options.host ?? '127.0.0.1';
  const resources = options.resources ?? DEFAULT_RESOURCES;
  const tenantOf = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    if (options.apps.some((app) => app.tenantId === lower)) return lower;
    return options.domains?.[lower];
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = /^\/([^/]+)\/oauth2\/(v2\.0\/)?token$/.exec(url.pathname);
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        return res.end('<html><body>Not found</body></html>');
      }
      const body = await readBody(req);
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ path: url.pathname, form });
      const describe = options.describeError && ((reply: EntraReply): EntraReply => options.describeError!(reply, body));
      const entraError = (reply: ServerResponse, status: number, error: string, code: number, sentence: string): void => replyError(reply, status, error, { code, sentence }, describe);
      const v1 = !match[2];
      const tenant = tenantOf(decodeURIComponent(match[1]));
      if (!tenant) {
        return entraError(res, 400, 'invalid_request', 90002, `Tenant '${match[1]}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      }
      if (form.grant_type !== 'client_credentials') {
        return entraError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      }
      const app = options.apps.find((candidate) => candidate.tenantId === tenant && candidate.clientId === form.client_id?.toLowerCase());
      if (!app) {
        return entraError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
      }
      if (form.client_assertion_type === JWT_BEARER && form.client_assertion) {
        const problem = assertionProblem(form.client_assertion, app, `http://${host}:${port}${url.pathname}`);
        if (problem) return entraError(res, 401, 'invalid_client', problem.code, problem.sentence);
      } else if (!form.client_secret) {
        return entraError(res, 401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
      } else {
        const secret = usableSecrets(app).find((candidate) => candidate.value === form.client_secret);
        if (!secret) {
          return entraError(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
        }
        if (secret.expired) {
          return entraError(res, 401, 'invalid_client', 7000222, `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`);
        }
      }
      let audience: string | undefined;
      if (v1) {
        audience = form.resource;
        if (!audience || !resources.includes(audience.replace(/\/$/, ''))) {
          return entraError(res, 400, 'invalid_resource', 500011, `The resource principal named ${audience ?? ''} was not found in the tenant named ${tenant}.`);
        }
      } else {
        const scope = form.scope ?? '';
        if (!/^\S+\/\.default$/.test(scope)) {
          return entraError(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
        }
        audience = scope.replace(/\/\.default$/, '');
        if (!resources.includes(audience)) {
          return entraError(res, 400, 'invalid_resource', 500011, `The resource principal named ${audience} was not found in the tenant named ${tenant}.`);
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken(app, audience, v1) }));
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    tokenUrl: (tenant, version = 'v2') => `http://${host}:${port}/${tenant}/oauth2/${version === 'v2' ? 'v2.0/' : ''}token`,
    apps: options.apps,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

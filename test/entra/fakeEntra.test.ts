/* The fake Entra token endpoint answers as Entra does, so later commands can be tested against real-shaped replies. */
import { createHash, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeEntra, type FakeEntra } from './fakeEntra.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';

let entra: FakeEntra;
beforeAll(async () => {
  entra = await startFakeEntra({
    apps: [
      { tenantId: TENANT, clientId: CLIENT_ID, secret: 'right', roles: ['User.Read.All'] },
      { tenantId: TENANT, clientId: '11111111-2222-3333-4444-555555555555', secret: 'old', secretExpired: true },
    ],
    domains: { 'contoso.onmicrosoft.com': TENANT },
  });
});
afterAll(() => entra.stop());

async function token(form: Record<string, string>, tenant = TENANT, version: 'v1' | 'v2' = 'v2'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(entra.tokenUrl(tenant, version), { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const grant = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'right', scope: 'https://graph.microsoft.com/.default' };

describe('fake Entra token endpoint', () => {
  it('grants a JWT whose claims carry audience, tenant, app and roles', async () => {
    const { status, body } = await token(grant, 'contoso.onmicrosoft.com');
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const claims = JSON.parse(Buffer.from(String(body.access_token).split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', tid: TENANT, azp: CLIENT_ID, roles: ['User.Read.All'], ver: '2.0' });
    const v1 = await token({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'right', resource: 'https://graph.microsoft.com' }, TENANT, 'v1');
    expect(JSON.parse(Buffer.from(String(v1.body.access_token).split('.')[1], 'base64url').toString('utf8'))).toMatchObject({ appid: CLIENT_ID, ver: '1.0' });
  });

  it.each([
    ['wrong secret', { client_secret: 'wrong' }, TENANT, 401, 'invalid_client', 7000215],
    ['expired secret', { client_id: '11111111-2222-3333-4444-555555555555', client_secret: 'old' }, TENANT, 401, 'invalid_client', 7000222],
    ['app not in tenant', { client_id: '99999999-2222-3333-4444-555555555555' }, TENANT, 400, 'unauthorized_client', 700016],
    ['unknown tenant', {}, 'nowhere.onmicrosoft.com', 400, 'invalid_request', 90002],
    ['scope without /.default', { scope: 'https://graph.microsoft.com/User.Read' }, TENANT, 400, 'invalid_scope', 1002012],
    ['resource not in tenant', { scope: 'https://nothing.contoso.com/.default' }, TENANT, 400, 'invalid_resource', 500011],
  ])('answers %s as Entra does', async (_case, change, tenant, status, error, code) => {
    const reply = await token({ ...grant, ...change }, tenant);
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ error, error_codes: [code], trace_id: expect.any(String), correlation_id: expect.any(String), timestamp: expect.any(String) });
    expect(String(reply.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: .+\\r\\nTimestamp: `));
    expect(reply.body).not.toHaveProperty('access_token');
  });
});

describe('fake Entra: certificate credentials (client assertions)', () => {
  const fixture = (name: string): string => readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
  const APP_CERT = fixture('app-cert.pem');
  let entra: FakeEntra;
  beforeAll(async () => {
    entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT_ID, secret: 'unused', certificate: APP_CERT, roles: ['Sites.Read.All'] }] });
  });
  afterAll(async () => entra.stop());

  async function ask(assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(entra.tokenUrl(TENANT), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        scope: 'https://graph.microsoft.com/.default',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  /** A client assertion made here, independently of the product, as Microsoft documents it. */
  function assertion(overrides: { clientId?: string; tokenUrl?: string; certificatePem?: string; privateKeyPem?: string; now?: number } = {}): string {
    const o = { clientId: CLIENT_ID, tokenUrl: entra.tokenUrl(TENANT), certificatePem: APP_CERT, privateKeyPem: fixture('app-key.pem'), now: Math.floor(Date.now() / 1000), ...overrides };
    const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const x5t = createHash('sha1').update(new X509Certificate(o.certificatePem).raw).digest('base64url');
    const signingInput = `${b64({ alg: 'RS256', typ: 'JWT', x5t })}.${b64({ aud: o.tokenUrl, iss: o.clientId, sub: o.clientId, jti: randomUUID(), nbf: o.now, exp: o.now + 600 })}`;
    return `${signingInput}.${createSign('RSA-SHA256').update(signingInput).sign(o.privateKeyPem).toString('base64url')}`;
  }

  it('issues a token for an assertion signed with the registered certificate', async () => {
    const { status, body } = await ask(assertion());
    expect(status).toBe(200);
    expect(body.access_token).toEqual(expect.any(String));
  });

  it.each([
    ['another certificate', () => assertion({ certificatePem: fixture('other-cert.pem'), privateKeyPem: fixture('other-key.pem') }), 700027],
    ["the registered certificate's thumbprint with another key", () => assertion({ privateKeyPem: fixture('other-key.pem') }), 700027],
    ['an expired assertion', () => assertion({ now: Math.floor(Date.now() / 1000) - 7200 }), 700024],
    ['another audience', () => assertion({ tokenUrl: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }), 700023],
    ['another client id', () => assertion({ clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }), 700023],
    ['no JWT at all', () => 'not-a-jwt', 50027],
  ])('refuses %s', async (_case, make, code) => {
    const { status, body } = await ask(make());
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [code] });
  });
});

describe('credentials added while the fake runs', () => {
  it('refuses a new secret as Entra does (AADSTS7000215) until it has replicated, then grants it beside the first', async () => {
    const app = entra.apps.find((candidate) => candidate.clientId === CLIENT_ID)!;
    app.secrets = [{ value: 'added', keyId: randomUUID(), usableAfter: Date.now() + 400 }];
    const early = await token({ ...grant, client_secret: 'added' });
    expect(early).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [7000215] } });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await token({ ...grant, client_secret: 'added' })).status).toBe(200);
    expect((await token(grant)).status).toBe(200);
    app.secrets = [];
  });
});

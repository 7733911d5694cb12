/* The fake Graph answers as Graph v1.0 does and shares its state with the fake token endpoint. Raw HTTPS here. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeEntra, type FakeEntra } from './fakeEntra.js';
import { startFakeGraph, type FakeGraph } from './fakeGraph.js';
import { GRAPH_APP_ID } from './graphCatalog.js';
import { trustInProcess } from './selfSignedTls.js';
import { TENANT } from '../helpers/values.js';
import { PLUGIN_ROOT } from '../helpers/runCli.js';

const ADMIN = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', secret: 'admin-secret', roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
const READER = { clientId: 'aaaaaaaa-0000-4000-8000-000000000002', secret: 'reader-secret', roles: ['Application.Read.All'] };

let entra: FakeEntra;
let graph: FakeGraph;
beforeAll(async () => {
  entra = await startFakeEntra({ apps: [] });
  graph = await startFakeGraph({ entra, tenantId: TENANT, domains: { 'contoso.onmicrosoft.com': TENANT }, admins: [ADMIN, READER] });
  trustInProcess(graph.tls);
});
afterAll(async () => {
  await graph.stop();
  await entra.stop();
});

async function adminToken(admin = ADMIN): Promise<string> {
  const response = await fetch(`${graph.origin}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.secret, scope: 'https://graph.microsoft.com/.default' }),
  });
  expect(response.status).toBe(200);
  return String(((await response.json()) as Record<string, unknown>).access_token);
}

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, any>; headers: Headers }> {
  const response = await fetch(`${graph.origin}/v1.0${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, any>) : {}, headers: response.headers };
}

describe('fake Microsoft Graph', () => {
  it('answers MSAL discovery: openid-configuration for a tenant by GUID or domain, instance discovery', async () => {
    const config = (await (await fetch(`${graph.origin}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(config).toMatchObject({ token_endpoint: `${graph.origin}/${TENANT}/oauth2/v2.0/token`, issuer: `${graph.origin}/${TENANT}/v2.0` });
    expect(config.jwks_uri).toBeTruthy();
    const instance = (await (await fetch(`${graph.origin}/common/discovery/instance?api-version=1.1`)).json()) as { metadata: Array<{ aliases: string[] }> };
    expect(instance.metadata[0].aliases).toEqual([new URL(graph.origin).host]);
    expect((await fetch(`${graph.origin}/nowhere.example/v2.0/.well-known/openid-configuration`)).status).toBe(400);
  });

  it('refuses a call without a token (401 InvalidAuthenticationToken) and one the token does not allow (403 Authorization_RequestDenied)', async () => {
    const anonymous = await call('GET', '/applications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toMatchObject({ code: 'InvalidAuthenticationToken' });
    expect(anonymous.json.error.innerError['request-id']).toBeTruthy();
    const denied = await call('POST', '/applications', { displayName: 'X' }, await adminToken(READER));
    expect(denied.status).toBe(403);
    expect(denied.json.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
  });

  it('creates an app, its service principal, a role assignment and a secret: the token endpoint then grants the role', async () => {
    const token = await adminToken();
    const created = await call('POST', '/applications', { displayName: "O'Brien app" }, token);
    expect(created.status).toBe(201);
    const app = created.json;
    expect(app).toMatchObject({ displayName: "O'Brien app", signInAudience: 'AzureADMyOrg', passwordCredentials: [], keyCredentials: [] });
    const found = await call('GET', `/applications?$filter=${encodeURIComponent("displayName eq 'O''Brien app'")}`, undefined, token);
    expect(found.json.value.map((entry: { id: string }) => entry.id)).toEqual([app.id]);

    const sp = (await call('POST', '/servicePrincipals', { appId: app.appId }, token)).json;
    const graphSp = (await call('GET', `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`)}`, undefined, token)).json.value[0];
    const role = graphSp.appRoles.find((candidate: { value: string }) => candidate.value === 'User.Read.All');
    const assigned = await call('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, { principalId: sp.id, resourceId: graphSp.id, appRoleId: role.id }, token);
    expect(assigned.status).toBe(201);
    const again = await call('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, { principalId: sp.id, resourceId: graphSp.id, appRoleId: role.id }, token);
    expect(again.json.error).toMatchObject({ code: 'Request_BadRequest' });
    const unknown = await call('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, { principalId: sp.id, resourceId: graphSp.id, appRoleId: '00000000-0000-0000-0000-000000000000' }, token);
    expect(unknown.status).toBe(400);

    graph.secretDelayMs = 400;
    const password = await call('POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'test', endDateTime: new Date(Date.now() + 86400_000).toISOString() } }, token);
    graph.secretDelayMs = 0;
    expect(password.status).toBe(200);
    expect(password.json.secretText).toMatch(/^.{3}8Q~.{34}$/);
    expect(password.json.hint).toBe(password.json.secretText.slice(0, 3));
    const listed = (await call('GET', `/applications/${app.id}`, undefined, token)).json;
    expect(listed.passwordCredentials).toEqual([expect.objectContaining({ keyId: password.json.keyId, secretText: null })]);

    const askToken = async (): Promise<Response> =>
      fetch(entra.tokenUrl(TENANT), { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: password.json.secretText, scope: 'https://graph.microsoft.com/.default' }) });
    const early = await askToken();
    expect(early.status).toBe(401);
    expect(((await early.json()) as { error_codes: number[] }).error_codes).toEqual([7000215]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const granted = (await (await askToken()).json()) as { access_token: string };
    expect(JSON.parse(Buffer.from(granted.access_token.split('.')[1], 'base64url').toString('utf8'))).toMatchObject({ roles: ['User.Read.All'], azp: app.appId });

    expect((await call('POST', `/applications/${app.id}/removePassword`, { keyId: password.json.keyId }, token)).status).toBe(204);
    expect((await askToken()).status).toBe(401);
  });

  it('replaces keyCredentials on PATCH (each with its key), returns keys only on $select, and registers the certificate', async () => {
    const token = await adminToken();
    const app = (await call('POST', '/applications', { displayName: 'Cert app' }, token)).json;
    const pem = readFileSync(join(PLUGIN_ROOT, 'test/entra/fixtures/app-cert.pem'), 'utf8');
    const key = pem.replace(/-----[A-Z ]+-----|\s/g, '');
    expect((await call('PATCH', `/applications/${app.id}`, { keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key, displayName: 'CN=app' }] }, token)).status).toBe(204);
    const plain = (await call('GET', `/applications/${app.id}`, undefined, token)).json;
    expect(plain.keyCredentials[0]).toMatchObject({ key: null, type: 'AsymmetricX509Cert', usage: 'Verify' });
    expect(plain.keyCredentials[0].customKeyIdentifier).toMatch(/^[0-9A-F]{40}$/);
    const selected = (await call('GET', `/applications/${app.id}?$select=keyCredentials`, undefined, token)).json;
    expect(selected.keyCredentials[0].key).toBe(key);
    expect(entra.apps.find((candidate) => candidate.clientId === app.appId)?.certificates).toHaveLength(1);
    const bad = await call('PATCH', `/applications/${app.id}`, { keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', keyId: plain.keyCredentials[0].keyId }] }, token);
    expect(bad.json.error).toMatchObject({ code: 'Request_BadRequest' });
  });

  it('answers 404 Request_ResourceNotFound, 400 for an unsupported filter, and a scripted 429 with Retry-After', async () => {
    const token = await adminToken();
    const missing = await call('GET', '/applications/00000000-0000-4000-8000-000000000000', undefined, token);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('Request_ResourceNotFound');
    expect((await call('GET', `/applications?$filter=${encodeURIComponent("startswith(displayName,'a')")}`, undefined, token)).status).toBe(400);
    graph.fail({ method: 'GET', path: /^\/applications$/, status: 429, code: 'TooManyRequests', message: 'Too many requests.', retryAfter: 3 });
    const throttled = await call('GET', '/applications', undefined, token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '/applications', undefined, token)).status).toBe(200);
  });

  it('runs the device code flow: pending until the user enters the code, then a delegated token Graph accepts', async () => {
    const started = (await (await fetch(`${graph.origin}/${TENANT}/oauth2/v2.0/devicecode`, { method: 'POST', body: new URLSearchParams({ client_id: 'c', scope: 'https://graph.microsoft.com/.default' }) })).json()) as Record<string, string>;
    expect(started.message).toContain(started.user_code);
    const poll = async (): Promise<Record<string, string>> =>
      (await (await fetch(`${graph.origin}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'c', device_code: started.device_code, scope: 'https://graph.microsoft.com/.default openid' }) })).json()) as Record<string, string>;
    expect((await poll()).error).toBe('authorization_pending');
    graph.approveDeviceCode(started.user_code);
    const done = await poll();
    expect(done.id_token).toBeTruthy();
    expect((await call('GET', '/applications', undefined, done.access_token)).status).toBe(200);
  });
});

/**
 * The emulator's model of anonymous Apex: compile errors for unknown types, and callouts through Named Credentials
 * with Salesforce's own checks, the outside world's answer, the refresh-and-retry on 401, and the debug log that
 * the Apex SOAP API returns when asked with a DebuggingHeader.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import type { CalloutRequest } from './anonymousApex.js';
import { deployAndWait, start } from './helpers.js';
import { edit, loadFixture, zipBundle } from './fixtures.js';
import { startFakeEntra, type FakeAppWithSecret, type FakeEntra } from '../entra/fakeEntra.js';

const PERMSET = 'permissionsets/EmuGraphAccess.permissionset';
/** The fixture, with the User External Credential access that named-principal callouts also need. */
const BUNDLE = edit(loadFixture('valid'), PERMSET, (xml) =>
  xml.replace(
    '</PermissionSet>',
    '    <objectPermissions><allowCreate>true</allowCreate><allowDelete>true</allowDelete><allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>true</modifyAllRecords><object>UserExternalCredential</object><viewAllRecords>true</viewAllRecords></objectPermissions>\n</PermissionSet>'
  )
);
const CALLOUT = "HttpRequest r = new HttpRequest();\nr.setEndpoint('callout:EmuGraph/v1.0/organization');\nr.setMethod('GET');\nHttpResponse s = new Http().send(r);";

let emu: Emulator;
let conn: Connection;
let seen: CalloutRequest[];

beforeEach(async () => {
  ({ emu, conn } = await start());
  expect(await deployAndWait(conn, await zipBundle(BUNDLE))).toMatchObject({ success: true });
  seen = [];
  emu.org.setCalloutResponder((request) => {
    seen.push(request);
    return request.authorized ? { status: 200, body: '{"value":[]}' } : { status: 401 };
  });
});
afterEach(async () => emu.stop());

async function assign(): Promise<void> {
  const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'EmuGraphAccess'");
  await conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.org.adminUser.id, PermissionSetId: ps.records[0].Id });
}
const authenticate = (): void => void emu.org.configuredPrincipals.add('emuazurecred|graphprincipal');

/** executeAnonymous over the Apex SOAP API with a DebuggingHeader, as sf apex run does; returns result and log. */
async function soapRun(apex: string): Promise<{ xml: string; log: string }> {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const res = await fetch(`${emu.instanceUrl}/services/Soap/s/64.0`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
    body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:apex="http://soap.sforce.com/2006/08/apex"><soapenv:Header><apex:SessionHeader><apex:sessionId>${emu.accessToken}</apex:sessionId></apex:SessionHeader><apex:DebuggingHeader><apex:categories><apex:category>Callout</apex:category><apex:level>Info</apex:level></apex:categories><apex:debugLevel>None</apex:debugLevel></apex:DebuggingHeader></soapenv:Header><soapenv:Body><apex:executeAnonymous><apex:String>${esc(apex)}</apex:String></apex:executeAnonymous></soapenv:Body></soapenv:Envelope>`,
  });
  const xml = await res.text();
  const log = /<debugLog>([\s\S]*?)<\/debugLog>/.exec(xml)?.[1] ?? '';
  return { xml, log: log.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') };
}

describe('anonymous Apex: compile', () => {
  it('refuses types the org does not have, and accepts its classes, types and system types', async () => {
    const missing = await conn.tooling.executeAnonymous('Object x = new NoSuchPlugin().refresh(null, null);');
    expect(missing).toMatchObject({ compiled: false, compileProblem: 'Invalid type: NoSuchPlugin', line: 1, column: 16 });
    const missingType = await conn.tooling.executeAnonymous("No_Such__mdt r = No_Such__mdt.getInstance('x');");
    expect(missingType).toMatchObject({ compiled: false, compileProblem: 'Invalid type: No_Such__mdt' });
    const known = await conn.tooling.executeAnonymous("EmuConfig__mdt r = EmuConfig__mdt.getInstance('Default');\nMap<String, String> m = new Map<String, String>();\nObject p = new EmuAuthPlugin();");
    // It compiles; running the org's own class is beyond the emulator, which says so rather than invent a success.
    expect(known).toMatchObject({ compiled: true, success: false, exceptionMessage: expect.stringMatching(/not modeled by the emulator/) });
  });
});

describe('anonymous Apex: callouts through a Named Credential', () => {
  it("fails with Salesforce's credential error when no assigned permission set grants the principal", async () => {
    authenticate();
    const result = await conn.tooling.executeAnonymous(CALLOUT);
    expect(result).toMatchObject({ success: false, line: 2 });
    expect(result.exceptionMessage).toBe(
      'System.CalloutException: We couldn\'t access the credential(s). You might not have the required permissions, or the external credential "EmuAzureCred" might not exist.'
    );
    expect(seen).toHaveLength(0);
  });

  it('needs the User External Credential object as well as the principal', async () => {
    await emu.stop();
    ({ emu, conn } = await start());
    expect(await deployAndWait(conn, await zipBundle(loadFixture('valid')))).toMatchObject({ success: true });
    await assign();
    authenticate();
    const result = await conn.tooling.executeAnonymous(CALLOUT);
    expect(result.exceptionMessage).toMatch(/We couldn't access the credential/);
  });

  it('sends no Authorization when the principal was never authenticated, so the API answers 401 and no refresh happens', async () => {
    await assign();
    const { log } = await soapRun(CALLOUT);
    expect(seen).toEqual([{ url: 'https://graph.microsoft.com/v1.0/organization', method: 'GET', namedCredential: 'EmuGraph', authorized: false, attempt: 1 }]);
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=Unauthorized, StatusCode=401]');
  });

  it('calls the API with the token once authenticated, and logs request and response lines', async () => {
    await assign();
    authenticate();
    const { xml, log } = await soapRun(CALLOUT);
    expect(xml).toContain('<success>true</success>');
    expect(seen.map((request) => request.authorized)).toEqual([true]);
    expect(log).toContain('|CALLOUT_REQUEST|[2]|System.HttpRequest[Endpoint=callout:EmuGraph/v1.0/organization, Method=GET]');
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=OK, StatusCode=200]');
    expect(log).toMatch(/^64\.0 APEX_CODE/);
    expect(log).toContain("Execute Anonymous: r.setEndpoint('callout:EmuGraph/v1.0/organization');");
  });

  it('refreshes and retries once on 401, and not on 403', async () => {
    await assign();
    authenticate();
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 401 }));
    await soapRun(CALLOUT);
    expect(seen.map((request) => request.attempt)).toEqual([1, 2]);
    seen = [];
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 403 }));
    const { log } = await soapRun(CALLOUT);
    expect(seen).toHaveLength(1);
    expect(log).toContain('StatusCode=403');
  });

  it('fails for a Named Credential that does not exist', async () => {
    const result = await conn.tooling.executeAnonymous("HttpRequest r = new HttpRequest();\nr.setEndpoint('callout:Nope/x');");
    expect(result).toMatchObject({ success: false, exceptionMessage: 'System.UnexpectedException: Script-thrown exception' });
  });

  it('lets a scripted outcome take precedence, and writes it into the debug log', async () => {
    emu.org.setApexOutcome((body) => (body.includes('callout:') ? { success: false, exceptionMessage: 'System.CalloutException: Read timed out', exceptionStackTrace: 'AnonymousBlock: line 4, column 1' } : undefined));
    expect(await conn.tooling.executeAnonymous(CALLOUT)).toMatchObject({ success: false, exceptionMessage: 'System.CalloutException: Read timed out', line: 4 });
    expect(await conn.tooling.executeAnonymous('Integer i = 1;')).toMatchObject({ success: false, exceptionMessage: expect.stringMatching(/not modeled by the emulator/) });
    const { log } = await soapRun(CALLOUT);
    expect(log).toContain('|FATAL_ERROR|System.CalloutException: Read timed out');
  });
});

describe('anonymous Apex: callouts through a native OAuth client-credentials External Credential', () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const APP: FakeAppWithSecret = { tenantId: TENANT, clientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', secret: 'Zq8~first-secret.value', roles: ['Organization.Read.All'] };
  const EC_FILE = 'externalCredentials/EmuNativeCred.externalCredential';
  const REAL_TOKEN_URL = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token';
  const NATIVE_CALLOUT = "HttpRequest r = new HttpRequest();\nr.setEndpoint('callout:EmuNativeGraph/v1.0/organization');\nr.setMethod('GET');\nHttpResponse s = new Http().send(r);";
  let entra: FakeEntra;
  let app: FakeAppWithSecret;
  /** everything the org answered over HTTP in a test, to search for secrets */
  let answers: string[];

  beforeEach(async () => {
    app = { ...APP };
    entra = await startFakeEntra({ apps: [app] });
    answers = [];
  });
  afterEach(async () => entra.stop());

  /** Deploys the native bundle against this token URL and (unless asked not to) assigns its permission set. */
  async function deployNative(tokenUrl = entra.tokenUrl(TENANT), more: (ec: string) => string = (ec) => ec, assign = true): Promise<void> {
    const bundle = edit(loadFixture('native'), EC_FILE, (ec) => more(ec.replace(REAL_TOKEN_URL, tokenUrl)));
    expect(await deployAndWait(conn, await zipBundle(bundle))).toMatchObject({ success: true });
    if (!assign) return;
    const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'EmuNativeAccess'");
    await conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.org.adminUser.id, PermissionSetId: ps.records[0].Id });
  }

  async function setCredentials(method: 'POST' | 'PUT', clientId: string, secret: string, variant = 'ClientCredentialsClientSecret'): Promise<void> {
    const res = await fetch(`${emu.instanceUrl}/services/data/v64.0/named-credentials/credential`, {
      method,
      headers: { Authorization: `Bearer ${emu.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        externalCredential: 'EmuNativeCred', principalName: 'GraphPrincipal', principalType: 'NamedPrincipal', authenticationProtocol: 'OAuth', authenticationProtocolVariant: variant,
        credentials: { clientId: { value: clientId, encrypted: false }, clientSecret: { value: secret, encrypted: true } },
      }),
    });
    answers.push(await res.text());
    expect(res.status).toBe(method === 'POST' ? 201 : 200);
  }

  async function run(): Promise<{ xml: string; log: string }> {
    const r = await soapRun(NATIVE_CALLOUT);
    answers.push(r.xml);
    return r;
  }

  /** The secrets (and tokens) the org holds appear in no answer, no request-log entry and no stored debug log. */
  function expectNothingSecret(...secrets: string[]): void {
    const stored = JSON.stringify(emu.org.requests) + JSON.stringify(emu.org.logs);
    for (const secret of secrets) {
      for (const text of [...answers, stored]) expect(text).not.toContain(secret);
    }
  }

  const claims = (token: string | undefined): Record<string, unknown> => JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

  it('fetches a token from the AuthProviderUrl with client_credentials, calls the API with it, and caches it', async () => {
    await deployNative();
    await setCredentials('POST', app.clientId, app.secret);
    const { xml, log } = await run();
    expect(xml).toContain('<success>true</success>');
    expect(entra.requests).toEqual([
      { path: `/${TENANT}/oauth2/v2.0/token`, form: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.secret, scope: 'https://graph.microsoft.com/.default' } },
    ]);
    expect(seen).toEqual([{ url: 'https://graph.microsoft.com/v1.0/organization', method: 'GET', namedCredential: 'EmuNativeGraph', authorized: true, attempt: 1, bearerToken: expect.any(String) }]);
    expect(claims(seen[0].bearerToken)).toMatchObject({ aud: 'https://graph.microsoft.com', tid: TENANT, azp: app.clientId, roles: ['Organization.Read.All'] });
    expect(log).toContain('|CALLOUT_REQUEST|[2]|System.HttpRequest[Endpoint=callout:EmuNativeGraph/v1.0/organization, Method=GET]');
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=OK, StatusCode=200]');

    await run();
    expect(entra.requests).toHaveLength(1);
    expect(seen.map((request) => request.bearerToken)).toEqual([seen[0].bearerToken, seen[0].bearerToken]);
    expectNothingSecret(app.secret, seen[0].bearerToken!);
  });

  it('on 401 fetches a new token once and retries with it; not on 403 unless it is an additional refresh code', async () => {
    await deployNative();
    await setCredentials('POST', app.clientId, app.secret);
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: request.attempt === 1 ? 401 : 200 }));
    await run();
    expect(seen.map((request) => request.attempt)).toEqual([1, 2]);
    expect(entra.requests).toHaveLength(2);
    expect(seen[1].bearerToken).not.toBe(seen[0].bearerToken);

    seen = [];
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 403 }));
    await run();
    expect(seen).toHaveLength(1);
    expect(seen[0].bearerToken).toBe(emu.org.principalTokens.get('emunativecred|graphprincipal')?.accessToken);
    expect(entra.requests).toHaveLength(2);

    const refreshOn403 = '    <externalCredentialParameters>\n        <parameterName>Forbidden</parameterName>\n        <parameterType>AdditionalRefreshStatusCode</parameterType>\n        <parameterValue>403</parameterValue>\n    </externalCredentialParameters>\n    <label>';
    await deployNative(entra.tokenUrl(TENANT), (ec) => ec.replace('    <label>', refreshOn403), false);
    seen = [];
    await run();
    expect(seen.map((request) => request.attempt)).toEqual([1, 2]);
    expect(entra.requests).toHaveLength(4); // the redeploy dropped the cached token, the 403 asked for another
  });

  it('after a PUT of new credentials, the next callout gets its token with them', async () => {
    await deployNative();
    await setCredentials('POST', app.clientId, app.secret);
    await run();
    const before = seen[0].bearerToken;
    const oldSecret = app.secret;
    app.secret = 'Rotated~second-secret.value'; // rotated in Entra: the old secret no longer works
    await setCredentials('PUT', app.clientId, app.secret);
    await run();
    expect(entra.requests.map((request) => request.form.client_secret)).toEqual([oldSecret, app.secret]);
    expect(seen[1].bearerToken).toEqual(expect.any(String));
    expect(seen[1].bearerToken).not.toBe(before);
    expectNothingSecret(oldSecret, app.secret, before!, seen[1].bearerToken!);
  });

  it('fails the callout when the token endpoint refuses, with nothing secret in the result or the log', async () => {
    await deployNative();
    await setCredentials('POST', app.clientId, 'Wrong~secret.value');
    const { xml, log } = await run();
    expect(xml).toContain('<success>false</success>');
    expect(xml).toContain('<exceptionMessage>System.CalloutException: Unable to fetch the OAuth token. Error: invalid_client.</exceptionMessage>');
    expect(log).toContain('|FATAL_ERROR|System.CalloutException: Unable to fetch the OAuth token. Error: invalid_client.');
    expect(seen).toEqual([]);
    expect(emu.org.principalTokens.size).toBe(0);
    const viaRest = await conn.tooling.executeAnonymous(NATIVE_CALLOUT);
    expect(viaRest).toMatchObject({ success: false, line: 2, exceptionMessage: 'System.CalloutException: Unable to fetch the OAuth token. Error: invalid_client.' });
    expectNothingSecret('Wrong~secret.value', app.secret);
  });

  it('fails the callout when the token endpoint cannot be reached', async () => {
    await deployNative('http://127.0.0.1:9/tenant/oauth2/v2.0/token');
    await setCredentials('POST', app.clientId, app.secret);
    expect(await conn.tooling.executeAnonymous(NATIVE_CALLOUT)).toMatchObject({
      success: false, exceptionMessage: 'System.CalloutException: Unable to fetch the OAuth token. Error: Read timed out or connection refused.',
    });
    expect(seen).toEqual([]);
  });

  it('without credentials asks for no token and sends no Authorization, like an unconfigured principal', async () => {
    await deployNative();
    await run();
    expect(entra.requests).toEqual([]);
    expect(seen).toEqual([{ url: 'https://graph.microsoft.com/v1.0/organization', method: 'GET', namedCredential: 'EmuNativeGraph', authorized: false, attempt: 1 }]);
  });

  it('keeps the permission checks: without an assigned permission set, no token is fetched', async () => {
    await deployNative(entra.tokenUrl(TENANT), undefined, false);
    await setCredentials('POST', app.clientId, app.secret);
    const result = await conn.tooling.executeAnonymous(NATIVE_CALLOUT);
    expect(result.exceptionMessage).toBe(
      'System.CalloutException: We couldn\'t access the credential(s). You might not have the required permissions, or the external credential "EmuNativeCred" might not exist.'
    );
    expect(entra.requests).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('sends the client id and secret in a Basic header for ClientCredentialsClientSecretBasic', async () => {
    const received: Array<{ authorization?: string; body: string }> = [];
    const endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: 'basic-flow-token' }));
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://localhost:${(endpoint.address() as AddressInfo).port}/token`;
      await deployNative(url, (ec) => ec.replace('<parameterValue>ClientCredentialsClientSecret<', '<parameterValue>ClientCredentialsClientSecretBasic<'));
      await setCredentials('POST', 'id with space', 'se:cr+et', 'ClientCredentialsClientSecretBasic');
      await run();
    } finally {
      endpoint.close();
    }
    expect(received).toHaveLength(1);
    expect(Buffer.from(received[0].authorization!.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('id+with+space:se%3Acr%2Bet');
    expect(Object.fromEntries(new URLSearchParams(received[0].body))).toEqual({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(seen.map((request) => request.bearerToken)).toEqual(['basic-flow-token']);
  });
});

describe('anonymous Apex: External Credential merge fields in a callout body', () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  // '+' and '&' would break a form body merged raw: the value is stored form-encoded, as a caller must store it.
  const APP: FakeAppWithSecret = { tenantId: TENANT, clientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', secret: 'Zq8~a+b&c.value', roles: ['Organization.Read.All'] };
  const FORM_SECRET = new URLSearchParams({ v: APP.secret }).toString().slice(2);
  const TOKEN_REQUEST = [
    'HttpRequest r = new HttpRequest();',
    "r.setEndpoint('callout:EmuTokenLogin');",
    "r.setMethod('POST');",
    "r.setHeader('Content-Type', 'application/x-www-form-urlencoded');",
    `r.setBody('grant_type=client_credentials&client_id=${APP.clientId}&client_secret={!$Credential.EmuTokenCred.ClientSecret}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default');`,
    'HttpResponse s = new Http().send(r);',
  ].join('\n');
  let entra: FakeEntra;

  beforeEach(async () => {
    entra = await startFakeEntra({ apps: [{ ...APP }] });
    emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  });
  afterEach(async () => entra.stop());

  async function deployCustom(edits: (nc: string) => string = (nc) => nc, assign = true): Promise<void> {
    const bundle = edit(loadFixture('custom'), 'namedCredentials/EmuTokenLogin.namedCredential', edits);
    expect(await deployAndWait(conn, await zipBundle(bundle))).toMatchObject({ success: true });
    if (!assign) return;
    const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'EmuTokenAccess'");
    await conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.org.adminUser.id, PermissionSetId: ps.records[0].Id });
  }

  async function storeSecret(value: string): Promise<string> {
    const res = await fetch(`${emu.instanceUrl}/services/data/v64.0/named-credentials/credential`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emu.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        externalCredential: 'EmuTokenCred', principalName: 'Default', principalType: 'NamedPrincipal', authenticationProtocol: 'Custom',
        credentials: { ClientSecret: { value, encrypted: true } },
      }),
    });
    expect(res.status).toBe(201);
    return res.text();
  }

  it('replaces the merge field with the principal\'s value as the request goes out, and the token endpoint gets the secret', async () => {
    await deployCustom();
    const answer = await storeSecret(FORM_SECRET);
    const { xml, log } = await soapRun(TOKEN_REQUEST);
    expect(xml).toContain('<success>true</success>');
    expect(entra.requests).toEqual([
      { path: `/${TENANT}/oauth2/v2.0/token`, form: { grant_type: 'client_credentials', client_id: APP.clientId, client_secret: APP.secret, scope: 'https://graph.microsoft.com/.default' } },
    ]);
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=OK, StatusCode=200]');
    // Custom credentials are Unknown, never Configured, and the encrypted value never comes back.
    expect(JSON.parse(answer)).toMatchObject({ authenticationStatus: 'Unknown', credentials: { ClientSecret: { encrypted: true, value: '********' } } });
    for (const text of [answer, xml, log, JSON.stringify(emu.org.requests), JSON.stringify(emu.org.logs)]) {
      expect(text).not.toContain(APP.secret);
      expect(text).not.toContain(FORM_SECRET);
    }
  });

  it('sends the merge field as written when the Named Credential does not allow merge fields in the body', async () => {
    await deployCustom((nc) => nc.replace('<allowMergeFieldsInBody>true', '<allowMergeFieldsInBody>false'));
    await storeSecret(FORM_SECRET);
    const { log } = await soapRun(TOKEN_REQUEST);
    expect(entra.requests.map((request) => request.form.client_secret)).toEqual(['{!$Credential.EmuTokenCred.ClientSecret}']);
    expect(log).toContain('StatusCode=401');
  });

  it('fails the callout for a parameter the principal does not hold, or a merge field of another External Credential', async () => {
    await deployCustom();
    const missing = await conn.tooling.executeAnonymous(TOKEN_REQUEST);
    expect(missing).toMatchObject({ success: false, exceptionMessage: 'System.CalloutException: Field EmuTokenCred.ClientSecret does not exist' });
    await storeSecret(FORM_SECRET);
    const other = await conn.tooling.executeAnonymous(TOKEN_REQUEST.replace('$Credential.EmuTokenCred.', '$Credential.EmuNativeCred.'));
    expect(other).toMatchObject({ success: false, exceptionMessage: 'System.CalloutException: Field EmuNativeCred.ClientSecret does not exist' });
    expect(entra.requests).toEqual([]);
  });

  it('merges nothing for a user whose permission sets do not grant the principal', async () => {
    await deployCustom(undefined, false);
    await storeSecret(FORM_SECRET);
    const result = await conn.tooling.executeAnonymous(TOKEN_REQUEST);
    expect(result.exceptionMessage).toMatch(/We couldn't access the credential\(s\).*"EmuTokenCred"/);
    expect(entra.requests).toEqual([]);
  });
});

/**
 * Connect REST `/named-credentials/credential` of the emulated org, over real HTTP: a native OAuth client-credentials
 * principal's client id and secret are created, shown back masked, replaced, deleted and refused as Salesforce
 * refuses malformed input; the secret never appears in a response or in the org's request log.
 */
import type { Connection } from '@jsforce/jsforce-node';
import JSZip from 'jszip';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { edit, loadFixture, packageXml, zipBundle } from './fixtures.js';

const CLIENT_ID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const SECRET = 'Zq8~never-shown-again.Secret_value';
const NEW_SECRET = 'Rotated~second-secret.value_42';
const EC = 'EmuNativeCred';
const PRINCIPAL = 'GraphPrincipal';
const QUERY = `externalCredential=${EC}&principalName=${PRINCIPAL}&principalType=NamedPrincipal`;

let emu: Emulator;
let conn: Connection;
/** every response body the org sent in this test */
let answers: string[];

beforeEach(async () => {
  ({ emu, conn } = await start({ orgType: 'sandbox' }));
  expect(await deployAndWait(conn, await zipBundle(loadFixture('native')))).toMatchObject({ success: true });
  expect(await deployAndWait(conn, await zipBundle(loadFixture('valid')))).toMatchObject({ success: true });
  answers = [];
});
afterEach(async () => emu.stop());

type Reply = { status: number; body: unknown };

async function call(method: string, path: string, body?: unknown, version = '64.0'): Promise<Reply> {
  const res = await fetch(`${emu.instanceUrl}/services/data/v${version}/named-credentials/${path}`, {
    method,
    headers: { Authorization: `Bearer ${emu.accessToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const input = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  externalCredential: EC,
  principalName: PRINCIPAL,
  principalType: 'NamedPrincipal',
  authenticationProtocol: 'OAuth',
  authenticationProtocolVariant: 'ClientCredentialsClientSecret',
  credentials: { clientId: { value: CLIENT_ID, encrypted: false }, clientSecret: { value: SECRET, encrypted: true } },
  ...over,
});
const credentials = (c: Record<string, unknown>): Record<string, unknown> => input({ credentials: c });
const refusal = (status: number, errorCode: string, message: string): Reply => ({ status, body: [{ errorCode, message }] });
const invalid = (message: string): Reply => refusal(400, 'INVALID_API_INPUT', message);

const shown = (status: string, creds: Record<string, unknown>) => ({
  authenticationProtocol: 'OAuth',
  authenticationProtocolVariant: 'ClientCredentialsClientSecret',
  authenticationStatus: status,
  credentials: creds,
  externalCredential: EC,
  principalName: PRINCIPAL,
  principalType: 'NamedPrincipal',
});
const BOTH = { clientId: { encrypted: false, value: CLIENT_ID }, clientSecret: { encrypted: true, value: '********' } };

async function principalStatus(): Promise<string> {
  const ec = await conn.request<{ principals: Array<{ authenticationStatus: string }> }>(`/services/data/v64.0/named-credentials/external-credentials/${EC}`);
  return ec.principals[0].authenticationStatus;
}

function expectNoSecret(): void {
  for (const secret of [SECRET, NEW_SECRET]) {
    for (const text of answers) expect(text).not.toContain(secret);
    expect(JSON.stringify(emu.org.requests)).not.toContain(secret);
  }
}

describe('Connect REST named-credentials/credential: the life of a principal credential', () => {
  it('answers NotConfigured before, creates with POST (201), then shows clientId and masks clientSecret', async () => {
    expect(await call('GET', `credential?${QUERY}`)).toEqual({ status: 200, body: shown('NotConfigured', {}) });
    expect(await principalStatus()).toBe('NotConfigured');

    // jsforce, as the plugin sends it
    const created = await conn.request({ method: 'POST', url: '/services/data/v64.0/named-credentials/credential', body: JSON.stringify(input()), headers: { 'Content-Type': 'application/json' } });
    answers.push(JSON.stringify(created));
    expect(created).toEqual(shown('Configured', BOTH));
    expect(emu.org.requests.filter((r) => r.operation === 'createCredential').map((r) => r.status)).toEqual([201]);

    expect(await call('GET', `credential?${QUERY}`)).toEqual({ status: 200, body: shown('Configured', BOTH) });
    expect(await principalStatus()).toBe('Configured');
    expectNoSecret();
  });

  it('lists the protocol variant and the parameters of the External Credential as Connect does', async () => {
    const ec = await conn.request<Record<string, unknown>>(`/services/data/v64.0/named-credentials/external-credentials/${EC}`);
    expect(ec).toMatchObject({
      authenticationProtocol: 'OAuth',
      authenticationProtocolVariant: 'ClientCredentialsClientSecret',
      developerName: EC,
      namedCredentials: [expect.objectContaining({ developerName: 'EmuNativeGraph' })],
      principals: [expect.objectContaining({ principalName: PRINCIPAL, principalType: 'NamedPrincipal', authenticationStatus: 'NotConfigured' })],
    });
    const parameters = (ec.parameters as Array<Record<string, unknown>>).map(({ parameterName, parameterType, parameterValue }) => ({ parameterName, parameterType, parameterValue }));
    expect(parameters).toEqual([
      { parameterName: 'AuthProviderUrl', parameterType: 'AuthProviderUrl', parameterValue: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token' },
      { parameterName: 'Scope', parameterType: 'AuthParameter', parameterValue: 'https://graph.microsoft.com/.default' },
    ]);
    const browserFlow = await conn.request<{ authenticationProtocolVariant: unknown; parameters: Array<Record<string, unknown>> }>('/services/data/v64.0/named-credentials/external-credentials/EmuAzureCred');
    expect(browserFlow.authenticationProtocolVariant).toBeNull();
    expect(browserFlow.parameters).toEqual([expect.objectContaining({ parameterName: 'AuthProvider', parameterType: 'AuthProvider', parameterValue: 'EmuAzure' })]);
  });

  it('refuses a second POST (use PUT) and a PUT with nothing to replace (use POST)', async () => {
    expect(await call('PUT', 'credential', input())).toEqual(invalid(`No credentials exist for the principal ${PRINCIPAL} of the external credential ${EC}. To create them, use POST.`));
    expect((await call('POST', 'credential', input())).status).toBe(201);
    expect(await call('POST', 'credential', credentials({ clientId: { value: 'other', encrypted: false }, clientSecret: { value: NEW_SECRET, encrypted: true } }))).toEqual(
      invalid(`Credentials already exist for the principal ${PRINCIPAL} of the external credential ${EC}. To change them, use PUT.`)
    );
    expect((await call('GET', `credential?${QUERY}`)).body).toEqual(shown('Configured', BOTH));
    expectNoSecret();
  });

  it('replaces the whole set with PUT: what the body leaves out is gone', async () => {
    await call('POST', 'credential', input());
    const rotated = await call('PUT', 'credential', credentials({ clientId: { value: 'new-client', encrypted: false }, clientSecret: { value: NEW_SECRET, encrypted: true } }));
    expect(rotated).toEqual({ status: 200, body: shown('Configured', { clientId: { encrypted: false, value: 'new-client' }, clientSecret: { encrypted: true, value: '********' } }) });
    expect(emu.org.principalCredentials.get('emunativecred|graphprincipal')?.clientSecret.value).toBe(NEW_SECRET);
    const secretOnly = await call('PUT', 'credential', credentials({ clientSecret: { value: NEW_SECRET, encrypted: true } }));
    expect(secretOnly).toEqual({ status: 200, body: shown('NotConfigured', { clientSecret: { encrypted: true, value: '********' } }) });
    expect(await principalStatus()).toBe('NotConfigured');
    expectNoSecret();
  });

  it('deletes with DELETE (204), leaving the principal NotConfigured', async () => {
    await call('POST', 'credential', input());
    const res = await fetch(`${emu.instanceUrl}/services/data/v64.0/named-credentials/credential?${QUERY}`, { method: 'DELETE', headers: { Authorization: `Bearer ${emu.accessToken}` } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await call('GET', `credential?${QUERY}`)).body).toEqual(shown('NotConfigured', {}));
    expect(await principalStatus()).toBe('NotConfigured');
    expect((await call('POST', 'credential', input())).status).toBe(201);
  });
});

describe('Connect REST named-credentials/credential: what Salesforce refuses', () => {
  it.each<[string, unknown, Reply]>([
    ['a body that is no JSON', '{"externalCredential": "EmuNativeCred", ', refusal(400, 'JSON_PARSER_ERROR', 'The request body is not a valid CredentialInput JSON object.')],
    ['a JSON array', [input()], refusal(400, 'JSON_PARSER_ERROR', 'The request body is not a valid CredentialInput JSON object.')],
    ['no externalCredential', input({ externalCredential: undefined }), invalid('Missing required field: externalCredential')],
    ['no authenticationProtocol', input({ authenticationProtocol: undefined }), invalid('Missing required field: authenticationProtocol')],
    ['no principalName for a named principal', input({ principalName: '' }), invalid('Missing required field: principalName')],
    ['no credentials', input({ credentials: undefined }), invalid('Missing required field: credentials')],
    ['an unknown external credential', input({ externalCredential: 'NoSuchCred' }), refusal(404, 'NOT_FOUND', "We couldn't find an external credential with the name NoSuchCred. Check the name and try again.")],
    ['an unknown principal', input({ principalName: 'Other' }), invalid(`We couldn't find a principal named Other of type NamedPrincipal on ${EC}.`)],
    ['the wrong principal type', input({ principalType: 'PerUserPrincipal' }), invalid(`We couldn't find a principal named ${PRINCIPAL} of type PerUserPrincipal on ${EC}.`)],
    ['a principal type that does not exist', input({ principalType: 'Named' }), invalid('The principalType Named isn\'t valid. Valid values are AwsStsPrincipal, NamedPrincipal, PerUserPrincipal.')],
    ['the Metadata spelling Oauth', input({ authenticationProtocol: 'Oauth' }), invalid(`The authentication protocol Oauth doesn't match the authentication protocol of the external credential ${EC} (OAuth).`)],
    ['another protocol', input({ authenticationProtocol: 'Custom' }), invalid(`The authentication protocol Custom doesn't match the authentication protocol of the external credential ${EC} (OAuth).`)],
    ['another protocol variant', input({ authenticationProtocolVariant: 'ClientCredentialsClientSecretBasic' }),
      invalid(`The authentication protocol variant ClientCredentialsClientSecretBasic doesn't match the authentication protocol variant of the external credential ${EC} (ClientCredentialsClientSecret).`)],
    ['a credential name off the allowlist', credentials({ client_secret: { value: SECRET, encrypted: true } }),
      invalid("client_secret isn't a valid credential for the ClientCredentialsClientSecret authentication protocol. Valid credentials: clientId, clientSecret.")],
    ['a name the prototype has', credentials({ toString: { value: SECRET, encrypted: true } }),
      invalid("toString isn't a valid credential for the ClientCredentialsClientSecret authentication protocol. Valid credentials: clientId, clientSecret.")],
    ['an unencrypted clientSecret', credentials({ clientSecret: { value: SECRET, encrypted: false } }), invalid('The credential clientSecret must be encrypted for the ClientCredentialsClientSecret authentication protocol.')],
    ['an encrypted clientId', credentials({ clientId: { value: CLIENT_ID, encrypted: true } }), invalid('The credential clientId must not be encrypted for the ClientCredentialsClientSecret authentication protocol.')],
    ['a credential without value', credentials({ clientSecret: { encrypted: true } }), invalid('The credential clientSecret needs a value.')],
    ['an empty value', credentials({ clientId: { value: '', encrypted: false } }), invalid('The credential clientId needs a value.')],
    ['encrypted as a string', credentials({ clientSecret: { value: SECRET, encrypted: 'true' } }), invalid('The credential clientSecret needs encrypted set to true or false.')],
    ['client credentials for a browser-flow External Credential', input({ externalCredential: 'EmuAzureCred', authenticationProtocolVariant: undefined }),
      invalid("clientId isn't a valid credential for the OAuth authentication protocol. It takes no credentials.")],
  ])('POST with %s', async (_case, body, expected) => {
    expect(await call('POST', 'credential', body)).toEqual(expected);
    expect((await call('GET', `credential?${QUERY}`)).body).toEqual(shown('NotConfigured', {}));
    expect(emu.org.principalCredentials.size).toBe(0);
    expectNoSecret();
  });

  it('refuses a PUT as it refuses a POST, keeping what was stored', async () => {
    await call('POST', 'credential', input());
    expect(await call('PUT', 'credential', credentials({ clientSecret: { value: NEW_SECRET, encrypted: false } }))).toEqual(
      invalid('The credential clientSecret must be encrypted for the ClientCredentialsClientSecret authentication protocol.')
    );
    expect(emu.org.principalCredentials.get('emunativecred|graphprincipal')?.clientSecret.value).toBe(SECRET);
    expectNoSecret();
  });

  it.each<[string, string, Reply]>([
    ['no externalCredential', 'principalName=GraphPrincipal&principalType=NamedPrincipal', invalid('Missing required query parameter: externalCredential')],
    ['no principalType', `externalCredential=${EC}&principalName=${PRINCIPAL}`, invalid('Missing required query parameter: principalType')],
    ['an unknown external credential', 'externalCredential=Nope&principalName=GraphPrincipal&principalType=NamedPrincipal', refusal(404, 'NOT_FOUND', "We couldn't find an external credential with the name Nope. Check the name and try again.")],
    ['an unknown principal', `externalCredential=${EC}&principalName=Nobody&principalType=NamedPrincipal`, invalid(`We couldn't find a principal named Nobody of type NamedPrincipal on ${EC}.`)],
  ])('GET and DELETE with %s', async (_case, query, expected) => {
    expect(await call('GET', `credential?${query}`)).toEqual(expected);
    expect(await call('DELETE', `credential?${query}`)).toEqual(expected);
  });

  it('exists from API 56.0, and takes GET, POST, PUT and DELETE only', async () => {
    expect(await call('GET', `credential?${QUERY}`, undefined, '55.0')).toEqual(refusal(404, 'NOT_FOUND', 'The requested resource does not exist'));
    expect((await call('GET', `credential?${QUERY}`, undefined, '56.0')).status).toBe(200);
    expect(await call('PATCH', 'credential', input())).toEqual(refusal(405, 'METHOD_NOT_ALLOWED', "HTTP Method 'PATCH' not allowed. Allowed are GET,POST,PUT,DELETE"));
    expect(emu.org.principalCredentials.size).toBe(0);
  });
});

describe('Connect REST named-credentials/credential: around it', () => {
  it('logs each call under its operation, and injects faults by those names', async () => {
    emu.org.injectFault('createCredential', 503, 1);
    expect((await call('POST', 'credential', input())).status).toBe(503);
    expect((await call('POST', 'credential', input())).status).toBe(201);
    await call('PUT', 'credential', input());
    await call('GET', `credential?${QUERY}`);
    await call('DELETE', `credential?${QUERY}`);
    const logged = emu.org.requests.filter((r) => r.path.endsWith('/named-credentials/credential')).map((r) => [r.method, r.operation, r.status]);
    expect(logged).toEqual([
      ['POST', 'createCredential', 503],
      ['POST', 'createCredential', 201],
      ['PUT', 'updateCredential', 200],
      ['GET', 'getCredential', 200],
      ['DELETE', 'deleteCredential', 204],
    ]);
    expectNoSecret();
  });

  it('drops the credentials with their External Credential (destructive deploy), not when it is redeployed', async () => {
    await call('POST', 'credential', input());
    expect(await deployAndWait(conn, await zipBundle(loadFixture('native')))).toMatchObject({ success: true });
    expect(await principalStatus()).toBe('Configured');

    const zip = new JSZip();
    zip.file('package.xml', packageXml({}));
    zip.file('destructiveChanges.xml', packageXml({ ExternalCredential: [EC], NamedCredential: ['EmuNativeGraph'], PermissionSet: ['EmuNativeAccess'] }));
    expect(await deployAndWait(conn, await zip.generateAsync({ type: 'nodebuffer' }))).toMatchObject({ success: true });
    expect(await call('GET', `credential?${QUERY}`)).toEqual(refusal(404, 'NOT_FOUND', `We couldn't find an external credential with the name ${EC}. Check the name and try again.`));

    expect(await deployAndWait(conn, await zipBundle(loadFixture('native')))).toMatchObject({ success: true });
    expect((await call('GET', `credential?${QUERY}`)).body).toEqual(shown('NotConfigured', {}));
  });

  it('drops them with a CRUD delete too, and when a redeploy takes the principal away', async () => {
    await call('POST', 'credential', input());
    const renamed = edit(loadFixture('native'), 'externalCredentials/EmuNativeCred.externalCredential', (s) => s.replaceAll('GraphPrincipal', 'OtherPrincipal'));
    const ecOnly = new Map([...renamed].filter(([path]) => path.startsWith('externalCredentials/')).concat([['package.xml', packageXml({ ExternalCredential: [EC] })]]));
    expect(await deployAndWait(conn, await zipBundle(ecOnly))).toMatchObject({ success: true });
    expect(await deployAndWait(conn, await zipBundle(loadFixture('native')))).toMatchObject({ success: true });
    expect(await principalStatus()).toBe('NotConfigured');

    await call('POST', 'credential', input());
    for (const [type, name] of [['PermissionSet', 'EmuNativeAccess'], ['NamedCredential', 'EmuNativeGraph'], ['ExternalCredential', EC]]) {
      expect(asArray(await conn.metadata.delete(type as 'PermissionSet', [name]))[0]).toMatchObject({ success: true });
    }
    expect(emu.org.principalCredentials.size).toBe(0);
  });
});

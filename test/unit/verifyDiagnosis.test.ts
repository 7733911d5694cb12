/*
 * How verify reads what it gets back: token claims, Entra's AADSTS codes, and the outcomes of the anonymous Apex
 * runs (exception messages and debug logs in the form Salesforce returns them). Every hint is reached here.
 */
import { decodeClaims } from '../../src/entra/tokenRequest.js';
import { aadstsCodeIn, audienceFits, diagnoseEntraError } from '../../src/entra/entraDiagnosis.js';
import { calloutRunCheck, calloutStatusIn, tokenCredentialRunCheck, tokenRunCheck } from '../../src/verify/apexRuns.js';
import { calloutCheckApex, tokenCredentialCheckApex } from '../../src/render/renderVerifyApex.js';
import { firstFailure, fail, pass } from '../../src/checks/checks.js';
import { EXIT_CODES } from '../../src/errors/exitCodes.js';
import type { AnonymousApexResult } from '../../src/salesforce/anonymousApex.js';
import { parseCalloutPath } from '../../src/input/calloutPath.js';
import { parseTokenRequestSpec } from '../../src/input/tokenRequestSpec.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';

const jwt = (claims: object): string =>
  ['{"alg":"RS256"}', JSON.stringify(claims), 'sig'].map((part) => Buffer.from(part).toString('base64url')).join('.');

describe('decodeClaims', () => {
  it('reads audience, tenant, application (azp or appid), roles and expiry', () => {
    expect(decodeClaims(jwt({ aud: 'https://graph.microsoft.com', tid: TENANT, azp: CLIENT_ID, roles: ['User.Read.All'], exp: 1800000000, ver: '2.0' }))).toEqual({
      audience: 'https://graph.microsoft.com',
      tenant: TENANT,
      appId: CLIENT_ID,
      roles: ['User.Read.All'],
      issuer: undefined,
      expiresAt: '2027-01-15T08:00:00.000Z',
      version: '2.0',
    });
    expect(decodeClaims(jwt({ appid: CLIENT_ID }))).toMatchObject({ appId: CLIENT_ID, roles: [] });
  });

  it('gives undefined for a token that is not a JWT', () => {
    expect(decodeClaims('opaque-token')).toBeUndefined();
    expect(decodeClaims('a.!!!.c')).toBeUndefined();
  });
});

describe('audienceFits', () => {
  it('compares URL audiences with the endpoint by origin', () => {
    expect(audienceFits('https://graph.microsoft.com', 'https://graph.microsoft.com')).toBe('match');
    expect(audienceFits('https://graph.microsoft.com/', 'https://graph.microsoft.com/v1.0')).toBe('match');
    expect(audienceFits('https://graph.microsoft.com', 'https://contoso.sharepoint.com')).toBe('mismatch');
  });

  it("knows Graph's application id, and cannot judge other identifiers", () => {
    expect(audienceFits('00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.us')).toBe('match');
    expect(audienceFits('00000003-0000-0000-c000-000000000000', 'https://api.contoso.com')).toBe('mismatch');
    expect(audienceFits('api://3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', 'https://api.contoso.com')).toBe('unknown');
    expect(audienceFits('https://graph.microsoft.com', undefined)).toBe('unknown');
  });
});

describe('diagnoseEntraError', () => {
  it.each([
    [7000215, /client secret is wrong/],
    [7000222, /has expired/],
    [7000216, /no client secret/],
    [700016, /not an application in this tenant/],
    [90002, /tenant does not exist/],
    [900023, /tenant identifier is not valid/],
    [1002012, /scope is not valid/],
    [70011, /scope is not valid/],
    [500011, /API named by the scope or resource does not exist/],
  ])('AADSTS%s: %s, a credentials failure with a fix', (code, cause) => {
    const diagnosis = diagnoseEntraError(code, 'ignored');
    expect(diagnosis.category).toBe('credentials');
    expect(diagnosis.cause).toMatch(cause);
    expect(diagnosis.fix.length).toBeGreaterThan(20);
  });

  it("explains unknown codes with Entra's own sentence", () => {
    const diagnosis = diagnoseEntraError(50034, 'AADSTS50034: The user account does not exist.');
    expect(diagnosis.cause).toBe('AADSTS50034: The user account does not exist.');
    expect(diagnosis.fix).toContain('AADSTS50034');
  });

  it('finds the code inside a message', () => {
    expect(aadstsCodeIn('... failed with HTTP 401: AADSTS7000215; error: invalid_client')).toBe(7000215);
    expect(aadstsCodeIn('no code')).toBeUndefined();
  });
});

const ran = (outcome: Partial<AnonymousApexResult>): AnonymousApexResult => ({ compiled: true, success: true, line: -1, column: -1, ...outcome });
const threw = (exceptionMessage: string, log?: string): AnonymousApexResult => ran({ success: false, exceptionMessage, exceptionStackTrace: 'AnonymousBlock: line 8, column 1', log });

describe('tokenRunCheck: the plugin asked for a token in the org', () => {
  it('passes when the plugin returned a token', () => {
    expect(tokenRunCheck(ran({}), 'me@example.com')).toMatchObject({ status: 'pass', id: 'token-in-org' });
  });

  it.each([
    ['AzureClientCredentialsProvider.TokenException: The token request to https://login.microsoftonline.com/t/oauth2/v2.0/token failed with HTTP 401: AADSTS7000215; error: invalid_client', 'credentials', /client secret is wrong/, /Certificates & secrets/],
    ['System.CalloutException: Unauthorized endpoint, please check Setup->Security->Remote site settings. endpoint = https://login.microsoftonline.com/t/oauth2/v2.0/token', 'org-setup', /Unauthorized endpoint/, /remote site/],
    ['AzureClientCredentialsProvider.TokenException: The client secret of Azure_Client_Credential__mdt record for X is still the placeholder written by sf azure-authprovider generate.', 'org-setup', /placeholder/, /Client Secret field/],
    ['AzureClientCredentialsProvider.TokenException: The token request to https://idp.example.com/token failed with HTTP 400: error: invalid_client', 'credentials', /HTTP 400/, /from this machine/],
    ['AzureClientCredentialsProvider.TokenException: The client assertion could not be signed with the certificate Entra_Signing named in Certificate_Name__c: Invalid certificate.', 'org-setup', /Entra_Signing/, /Certificate and Key Management/],
    ['AzureClientCredentialsProvider.TokenException: The token request to https://login.microsoftonline.com/t/oauth2/v2.0/token failed with HTTP 401: AADSTS700027; error: invalid_client', 'credentials', /AADSTS700027/, /certificate/i],
    ['System.CalloutException: Read timed out', 'unreachable', /Read timed out/, /token URL/],
    ['System.NullPointerException: Attempt to de-reference a null object', 'org-setup', /null object/, /debug log/],
  ])('%s', (message, category, summary, fix) => {
    const check = tokenRunCheck(threw(message), 'me@example.com');
    expect(check).toMatchObject({ status: 'fail', category });
    expect(check.summary).toMatch(summary);
    expect(check.fix).toMatch(fix);
  });

  it('reports a compile problem as incomplete org setup', () => {
    const check = tokenRunCheck(ran({ compiled: false, success: false, compileProblem: 'Invalid type: AzureClientCredentialsProvider', line: 8, column: 41 }), 'me');
    expect(check).toMatchObject({ status: 'fail', category: 'org-setup' });
    expect(check.summary).toContain('Invalid type: AzureClientCredentialsProvider (line 8, column 41)');
  });
});

const log = (status: number, reason: string, body?: string): string =>
  [
    '64.0 APEX_CODE,DEBUG;CALLOUT,INFO',
    '22:00:00.001 (1000)|CALLOUT_REQUEST|[6]|System.HttpRequest[Endpoint=callout:AzureGraph/v1.0/organization, Method=GET]',
    `22:00:00.002 (2000)|CALLOUT_RESPONSE|[6]|System.HttpResponse[Status=${reason}, StatusCode=${status}]`,
    `22:00:00.003 (3000)|USER_DEBUG|[7]|INFO|sf azure-authprovider verify: HTTP ${status} ${reason}`,
    ...(body ? [`22:00:00.004 (4000)|USER_DEBUG|[10]|INFO|sf azure-authprovider verify: ${body}`] : []),
  ].join('\n');

describe('calloutRunCheck: a GET through the Named Credential', () => {
  const target = 'callout:AzureGraph/v1.0/organization';

  it('reads the status of the last callout from the log', () => {
    expect(calloutStatusIn(log(200, 'OK'))).toBe(200);
    expect(calloutStatusIn(`${log(401, 'Unauthorized')}\n|CALLOUT_RESPONSE|[6]|System.HttpResponse[Status=OK, StatusCode=200]`)).toBe(200);
    expect(calloutStatusIn('x|USER_DEBUG|[7]|INFO|sf azure-authprovider verify: HTTP 204 No Content')).toBe(204);
    expect(calloutStatusIn(undefined)).toBeUndefined();
  });

  it('passes on 2xx and warns when no log tells the status', () => {
    expect(calloutRunCheck(ran({ log: log(200, 'OK') }), target, 'external')).toMatchObject({ status: 'pass' });
    expect(calloutRunCheck(ran({}), target, 'external')).toMatchObject({ status: 'warn' });
  });

  it.each([
    [401, 'Unauthorized', undefined, /even though Salesforce asks the plugin for a new token/, /scope or resource names this API/],
    [403, 'Forbidden', '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}', /Authorization_RequestDenied: Insufficient privileges/, /Application permission/],
    [404, 'Not Found', undefined, /nothing at this path/, /--path/],
    [500, 'Internal Server Error', 'not json', /HTTP 500.*not json/, /debug log/],
  ])('HTTP %s is an API access failure with its hint', (status, reason, body, summary, fix) => {
    const check = calloutRunCheck(ran({ log: log(status, reason, body) }), target, 'external');
    expect(check).toMatchObject({ status: 'fail', category: 'api-access' });
    expect(check.summary).toMatch(summary);
    expect(check.fix).toMatch(fix);
  });

  it.each([
    ['System.CalloutException: We couldn\'t access the credential(s). You might not have the required permissions, or the external credential "AzureGraph" might not exist.', 'external', /permission set/],
    ['System.CalloutException: Unauthorized endpoint, please check Setup->Security->Remote site settings.', 'external', /Named Credential's URL/],
    ['System.UnexpectedException: Script-thrown exception', 'legacy', /Start Authentication Flow/],
    ['System.UnexpectedException: Script-thrown exception', 'external', /debug log/],
  ])('%s (%s) is incomplete org setup', (message, model, fix) => {
    const check = calloutRunCheck(threw(message), target, model as 'external' | 'legacy');
    expect(check).toMatchObject({ status: 'fail', category: 'org-setup' });
    expect(check.fix).toMatch(fix);
  });
});

describe('calloutRunCheck: a native principal whose token request fails', () => {
  const target = 'callout:AzureGraph/v1.0/organization';
  it.each([
    ['invalid_client', 'credentials', /the client ID or the secret is wrong/, /rotate-secret --name AzureGraph/],
    ['invalid_scope', 'credentials', /scope is not valid/, /rotate-secret/],
    ['Read timed out or connection refused', 'unreachable', /could not get a token for the principal of AzureGraph: Read timed out/, /AuthProviderUrl/],
  ])('"Unable to fetch the OAuth token. Error: %s." is filed as %s, with its cause', (error, category, summary, fix) => {
    const check = calloutRunCheck(threw(`System.CalloutException: Unable to fetch the OAuth token. Error: ${error}.`), target, 'external', 'AzureGraph');
    expect(check).toMatchObject({ status: 'fail', category });
    expect(check.summary).toMatch(summary);
    expect(check.fix).toMatch(fix);
  });

  it("uses Entra's AADSTS code when the debug log carries the token answer", () => {
    const result = { ...threw('System.CalloutException: Unable to fetch the OAuth token. Error: invalid_client.'), log: '...|CALLOUT_RESPONSE|...{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys are expired."}' };
    const check = calloutRunCheck(result, target, 'external', 'AzureGraph');
    expect(check).toMatchObject({ status: 'fail', category: 'credentials' });
    expect(check.summary).toMatch(/AADSTS7000222, .*expired/i);
  });
});

/** A debug log as Salesforce returns it: the anonymous source echoed first, then the run's events. */
const echoed = (source: string, events: string[]): string =>
  ['64.0 APEX_CODE,DEBUG;CALLOUT,INFO', ...source.split('\n').map((line) => `Execute Anonymous: ${line}`), ...events].join('\n');

describe('tokenCredentialRunCheck: a token request through the token credential', () => {
  const request = { name: 'AzureGraph_Token', provider: 'AzureGraph', clientId: CLIENT_ID, scope: 'https://graph.microsoft.com/.default' };
  const source = tokenCredentialCheckApex(request);
  const answered = (status: number, reason: string, body?: string): string =>
    echoed(source, [
      `22:00:00.001 (1000)|CALLOUT_REQUEST|[4]|System.HttpRequest[Endpoint=callout:AzureGraph_Token, Method=POST]`,
      `22:00:00.002 (2000)|CALLOUT_RESPONSE|[4]|System.HttpResponse[Status=${reason}, StatusCode=${status}]`,
      `22:00:00.003 (3000)|USER_DEBUG|[11]|INFO|sf azure-authprovider verify: HTTP ${status} ${reason}`,
      ...(body ? [`22:00:00.004 (4000)|USER_DEBUG|[14]|INFO|sf azure-authprovider verify: ${body}`] : []),
    ]);

  it('sends the merge field, never a value, and passes on 200', () => {
    expect(source).toContain("client_secret={!$Credential.AzureGraph_Token.ClientSecret}");
    expect(source).toContain("'callout:AzureGraph_Token'");
    expect(tokenCredentialRunCheck(ran({ log: answered(200, 'OK') }), request)).toMatchObject({ status: 'pass' });
  });

  it("reads Entra's AADSTS code from the logged answer, not from the echoed source", () => {
    const body = '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}';
    const check = tokenCredentialRunCheck(ran({ log: answered(401, 'Unauthorized', body) }), request);
    expect(check).toMatchObject({ status: 'fail', category: 'credentials', summary: expect.stringMatching(/HTTP 401, AADSTS7000215/) });
    // Without the answer's line, the echoed source alone must not pass for one.
    expect(tokenCredentialRunCheck(ran({ log: answered(401, 'Unauthorized') }), request).summary).toMatch(/answered HTTP 401 to the token request/);
  });

  it.each([
    ['System.CalloutException: Field AzureGraph_Token.ClientSecret does not exist', /rotate-secret --name AzureGraph/],
    ['System.CalloutException: We couldn\'t access the credential(s). You might not have the required permissions, or the external credential "AzureGraph_Token" might not exist.', /permission set/],
  ])('%s is incomplete org setup with its fix', (message, fix) => {
    const check = tokenCredentialRunCheck(threw(message), request);
    expect(check).toMatchObject({ status: 'fail', category: 'org-setup' });
    expect(check.fix).toMatch(fix);
  });
});

describe('calloutRunCheck reads the API error the Apex printed, not the source Salesforce echoes', () => {
  it('quotes Graph\'s own error after the source echo', () => {
    const source = calloutCheckApex('AzureGraph', '/v1.0/organization');
    const body = '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}';
    const check = calloutRunCheck(ran({ log: echoed(source, log(403, 'Forbidden', body).split('\n').slice(1)) }), 'callout:AzureGraph/v1.0/organization', 'external');
    expect(check.summary).toMatch(/needs\. The API said: Authorization_RequestDenied: Insufficient privileges/);
    expect(check.summary).not.toMatch(/one GET through the Named Credential/);
  });
});

describe('exit codes', () => {
  it('come from the first failure, one per category', () => {
    const categories = ['credentials', 'unreachable', 'org-setup', 'api-access'] as const;
    expect(new Set(categories.map((category) => EXIT_CODES[category])).size).toBe(4);
    expect(firstFailure([pass('a', 'x'), fail('b', 'org-setup', 'y'), fail('c', 'credentials', 'z')])?.id).toBe('b');
  });
});

describe('verify input', () => {
  it('accepts plain http only to a loopback host', () => {
    expect(parseTokenRequestSpec({ clientId: CLIENT_ID, tokenUrl: `http://127.0.0.1:8080/${TENANT}/oauth2/v2.0/token` })).toMatchObject({ tokenEndpoint: 'entra-v2' });
    expect(() => parseTokenRequestSpec({ clientId: CLIENT_ID, tokenUrl: 'http://login.example.com/token' })).toThrow(/--token-url must use https, or plain http to this machine/);
    expect(() => parseTokenRequestSpec({ clientId: CLIENT_ID })).toThrow(/--tenant-id is required/);
  });

  it('checks the callout path', () => {
    expect(parseCalloutPath('/v1.0/users?$top=1')).toBe('/v1.0/users?$top=1');
    for (const bad of ['v1.0/users', '/a b', '/x#y', `/${'a'.repeat(1000)}`]) expect(() => parseCalloutPath(bad)).toThrow(/--path must be a path/);
  });
});

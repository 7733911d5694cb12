import { SfError } from '@salesforce/core';
import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { remoteSiteNameFor } from '../../src/input/names.js';
import { clientSecretFrom, clientSecretFromBytes } from '../../src/input/clientSecret.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';

const THUMBPRINT = 'q9Vxw9wDmF3eCkPlYKgZX1fD3hE';
const base: ProviderInput = { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID };

function spec(overrides: Partial<ProviderInput> = {}, apiVersion?: string) {
  return parseBundleSpec({ apiVersion, providers: [{ ...base, ...overrides }] });
}

function problem(overrides: Partial<ProviderInput>, apiVersion?: string): SfError {
  try {
    spec(overrides, apiVersion);
  } catch (error) {
    expect(error).toBeInstanceOf(SfError);
    return error as SfError;
  }
  throw new Error(`accepted ${JSON.stringify(overrides)}`);
}

describe('parseBundleSpec defaults', () => {
  it('builds the v2 Graph provider of the global cloud in the External Credential model', () => {
    const { apiVersion, providers } = spec();
    expect(apiVersion).toBe('62.0');
    expect(providers[0]).toMatchObject({
      name: 'AzureGraph',
      label: 'AzureGraph',
      tokenUrl: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      tokenEndpoint: 'entra-v2',
      scope: 'https://graph.microsoft.com/.default',
      endpoint: 'https://graph.microsoft.com',
      model: 'external',
      namedCredential: 'AzureGraph',
      externalCredential: 'AzureGraph',
      principal: 'NamedPrincipal',
      permissionSet: 'AzureGraph_Callout',
      remoteSite: { name: 'TokenHost_login_microsoftonline_com', url: 'https://login.microsoftonline.com' },
      refreshStatusCodes: [],
    });
    expect(providers[0].resource).toBeUndefined();
  });

  it.each([
    ['usgov', 'login.microsoftonline.us', 'graph.microsoft.us'],
    ['dod', 'login.microsoftonline.us', 'dod-graph.microsoft.us'],
    ['china', 'login.chinacloudapi.cn', 'microsoftgraph.chinacloudapi.cn'],
  ])('uses the %s cloud hosts', (cloud, authority, graph) => {
    const [provider] = spec({ cloud }).providers;
    expect(provider.tokenUrl).toBe(`https://${authority}/${TENANT}/oauth2/v2.0/token`);
    expect(provider.scope).toBe(`https://${graph}/.default`);
    expect(provider.endpoint).toBe(`https://${graph}`);
  });

  it('selects the v1 endpoint with --resource and derives the endpoint from it', () => {
    const [provider] = spec({ resource: 'https://management.azure.com' }).providers;
    expect(provider.tokenUrl).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/token`);
    expect(provider.tokenEndpoint).toBe('entra-v1');
    expect(provider.scope).toBeUndefined();
    expect(provider.endpoint).toBe('https://management.azure.com');
  });

  it('accepts a verified domain as tenant, lower-cased, and GUIDs in any case', () => {
    const [provider] = spec({ tenantId: 'Contoso.OnMicrosoft.com', clientId: CLIENT_ID.toUpperCase() }).providers;
    expect(provider.tenantId).toBe('contoso.onmicrosoft.com');
    expect(provider.clientId).toBe(CLIENT_ID);
  });

  it('accepts any https token URL without a tenant, classifying Entra paths', () => {
    const okta = spec({ tenantId: undefined, tokenUrl: 'https://contoso.okta.com/oauth2/default/v1/token', scope: 'api.read', endpoint: 'https://api.contoso.com' }).providers[0];
    expect(okta).toMatchObject({ tokenEndpoint: 'custom', scope: 'api.read', endpoint: 'https://api.contoso.com' });
    expect(okta.remoteSite.url).toBe('https://contoso.okta.com');
    const entra = spec({ tokenUrl: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` }).providers[0];
    expect(entra.tokenEndpoint).toBe('entra-v2');
  });

  it('has no External Credential pieces in the legacy model and allows API 56.0 there', () => {
    const { providers, apiVersion } = spec({ model: 'legacy' }, '56.0');
    expect(apiVersion).toBe('56.0');
    expect(providers[0]).toMatchObject({ model: 'legacy', externalCredential: undefined, permissionSet: undefined, principal: undefined });
  });

  it('keeps distinct refresh status codes in order', () => {
    expect(spec({ refreshStatusCodes: ['403', 403, ' 429 '] }).providers[0].refreshStatusCodes).toEqual([403, 429]);
  });

  it('shares one remote site name per token host, within 40 characters', () => {
    expect(remoteSiteNameFor('https://login.microsoftonline.com')).toBe('TokenHost_login_microsoftonline_com');
    const long = remoteSiteNameFor('https://a-very-long-identity-provider-host.example.com');
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]$/);
    expect(remoteSiteNameFor('https://a-very-long-identity-provider-host.example.org')).not.toBe(long);
  });

  it('is plugin mode with a client secret unless told otherwise', () => {
    expect(spec().providers[0]).toMatchObject({ mode: 'plugin', auth: { kind: 'secret' } });
  });

  it('takes native mode in the External Credential model without an execution user', () => {
    expect(spec({ mode: 'native' }, '59.0').providers[0]).toMatchObject({ mode: 'native', model: 'external', executionUser: undefined });
    expect(problem({ mode: 'native' }, '58.0').message).toMatch(/needs API version 59.0 or later/);
  });

  it('carries a certificate and its thumbprint for --auth certificate', () => {
    const provider = spec({ auth: 'certificate', certificate: 'Entra_Signing', certificateThumbprint: THUMBPRINT }).providers[0];
    expect(provider.auth).toEqual({ kind: 'certificate', certificate: 'Entra_Signing', thumbprint: THUMBPRINT });
  });

  it('keeps a secret provider\'s secret in its token credential on the External Credential model, and in the record on the legacy one', () => {
    expect(spec({}).providers[0]).toMatchObject({ secretStorage: 'credential', tokenCredential: 'AzureGraph_Token' });
    expect(spec({ model: 'legacy' }).providers[0]).toMatchObject({ secretStorage: 'record' });
    expect(spec({ model: 'legacy' }).providers[0].tokenCredential).toBeUndefined();
    expect(spec({ auth: 'certificate', certificate: 'Entra_Signing', certificateThumbprint: THUMBPRINT }).providers[0].secretStorage).toBeUndefined();
    expect(spec({ mode: 'native' }).providers[0].secretStorage).toBeUndefined();
  });

  it('refuses a credential named like a token credential', () => {
    expect(() => parseBundleSpec({ providers: [base, { ...base, name: 'Other', namedCredential: 'AzureGraph_Token' }] })).toThrow(
      /--named-credential is "AzureGraph_Token", the name of a provider's token credential/
    );
  });

  it('refuses two providers with the same name', () => {
    expect(() => parseBundleSpec({ providers: [base, { ...base, tenantId: 'contoso.com' }] })).toThrow(/--name names the provider AzureGraph more than once/);
  });
});

describe('parseBundleSpec refuses bad input, naming the flag', () => {
  const cases: Array<[string, Partial<ProviderInput>, RegExp, string?]> = [
    ['missing name', { name: undefined }, /--name is required/],
    ['name with a space', { name: 'Azure Graph' }, /--name must be a Salesforce API name/],
    ['name starting with a digit', { name: '1Graph' }, /--name must be a Salesforce API name/],
    ['name with a double underscore', { name: 'Azure__Graph' }, /--name must be a Salesforce API name/],
    ['name with a trailing underscore', { name: 'AzureGraph_' }, /--name must be a Salesforce API name/],
    ['name with path traversal', { name: '../../etc/passwd' }, /--name must be a Salesforce API name/],
    ['name with XML', { name: 'A<b>' }, /--name must be a Salesforce API name/],
    ['name over 32 characters', { name: 'A'.repeat(33) }, /--name accepts at most 32 characters; the value has 33/],
    ['empty name', { name: '  ' }, /--name is empty/],
    ['label with a newline', { label: 'Graph\nEvil' }, /--label contains a line break/],
    ['label over 32 characters', { label: 'L'.repeat(33) }, /--label accepts at most 32/],
    ['malformed tenant', { tenantId: 'not a tenant' }, /--tenant-id must be the directory \(tenant\) ID/],
    ['tenant "common"', { tenantId: 'common' }, /--tenant-id must be the directory/],
    ['missing tenant', { tenantId: undefined }, /--tenant-id is required unless --token-url/],
    ['malformed client id', { clientId: '1234' }, /--client-id must be a GUID/],
    ['GUID with braces', { clientId: `{${CLIENT_ID}}` }, /--client-id must be a GUID/],
    ['missing client id', { clientId: undefined }, /--client-id is required/],
    ['http token URL', { tokenUrl: 'http://login.example.com/token' }, /--token-url must use https/],
    ['relative token URL', { tokenUrl: '/oauth2/token' }, /--token-url must be an absolute URL/],
    ['token URL with credentials', { tokenUrl: 'https://user:pw@login.example.com/token' }, /--token-url must be a plain https URL/],
    ['token URL with a query', { tokenUrl: 'https://login.example.com/token?x=1' }, /--token-url must be a plain https URL/],
    ['token URL on localhost', { tokenUrl: 'https://localhost/token' }, /--token-url must name a host Salesforce can reach/],
    ['javascript endpoint', { endpoint: 'javascript:alert(1)' }, /--endpoint must use https/],
    ['endpoint with a fragment', { endpoint: 'https://graph.microsoft.com/#x' }, /--endpoint must be a plain https URL/],
    ['scope with a quote', { scope: 'https://graph.microsoft.com/.default"' }, /--scope must be one or more OAuth scope values/],
    ['v2 scope without .default', { scope: 'User.Read' }, /--scope must be exactly one "<resource>\/.default"/],
    ['two v2 scopes', { scope: 'https://a.com/.default https://b.com/.default' }, /--scope must be exactly one/],
    ['scope and resource', { scope: 'https://graph.microsoft.com/.default', resource: 'https://graph.microsoft.com' }, /--resource cannot be combined with --scope/],
    ['resource on a v2 token URL', { tokenUrl: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, resource: 'https://graph.microsoft.com' }, /--resource does not work with a v2 token endpoint/],
    ['non-https resource without endpoint', { resource: 'api://orders' }, /--endpoint is required/],
    ['unknown model', { model: 'modern' }, /--model must be one of: external, legacy. Got "modern"/],
    ['unknown cloud', { cloud: 'mars' }, /--cloud must be one of: global, usgov, dod, china/],
    ['execution user that is not a username', { executionUser: 'admin' }, /--execution-user must be a Salesforce username/],
    ['refresh code 401', { refreshStatusCodes: ['401'] }, /--refresh-status-code must be an HTTP status code an External Credential can refresh on: 4xx other than 401/],
    ['refresh code text', { refreshStatusCodes: ['forbidden'] }, /--refresh-status-code must be an HTTP status code/],
    ['refresh code on legacy', { model: 'legacy', refreshStatusCodes: ['403'] }, /--refresh-status-code applies to the External Credential model only/],
    ['permission set on legacy', { model: 'legacy', permissionSet: 'X' }, /--permission-set applies to the External Credential model only/],
    ['Apex-reserved-looking principal with a dash', { principal: 'Named-Principal' }, /--principal must be a Salesforce API name/],
    ['control character in scope', { scope: 'https://graph.microsoft.com/.default\u0000' }, /--scope contains a line break or another control character/],
    ['lone surrogate in label', { label: 'bad\uD800' }, /--label contains a line break or another control character/],
    ['Unicode line separator in label', { label: 'one\u2028two' }, /--label contains a line break or another control character/],
    ['next-line control (NEL) in label', { label: 'one\u0085two' }, /--label contains a line break or another control character/],
    ['right-to-left override in label', { label: 'Invoice\u202Efdp.exe' }, /--label contains an invisible formatting character \(U\+202E\)/],
    ['zero-width space in label', { label: 'Gr\u200Baph' }, /--label contains an invisible formatting character \(U\+200B\)/],
    ['first-strong isolate in label', { label: 'a\u2068b' }, /--label contains an invisible formatting character \(U\+2068\)/],
    ['byte order mark inside label', { label: 'a\uFEFFb' }, /--label contains an invisible formatting character \(U\+FEFF\)/],
    ['soft hyphen in label', { label: 'Gra\u00ADph' }, /--label contains an invisible formatting character \(U\+00AD\)/],
    ['tag character in label', { label: 'Graph\u{E0041}' }, /--label contains an invisible formatting character \(U\+E0041\)/],
    ['zero-width joiner in execution user', { executionUser: 'ad\u200Dmin@contoso.com' }, /--execution-user contains an invisible formatting character \(U\+200D\)/],
    ['left-to-right mark in execution user', { executionUser: 'admin@contoso.com\u200E' }, /--execution-user contains an invisible formatting character/],
    ['zero-width space in the endpoint host', { endpoint: 'https://api.con\u200Btoso.com' }, /--endpoint contains an invisible formatting character/],
    ['soft hyphen in the token URL host', { tokenUrl: 'https://login.micro\u00ADsoftonline.com/t/oauth2/v2.0/token' }, /--token-url contains an invisible formatting character/],
    ['endpoint over 1000 characters', { endpoint: `https://api.contoso.com/${'e'.repeat(1000)}` }, /--endpoint accepts at most 1000 characters/],
    ['endpoint over 1000 characters once percent-encoded', { endpoint: `https://api.contoso.com/${'é'.repeat(300)}` }, /--endpoint accepts at most 1000 characters; the value has 1824/],
    ['refresh code in hex', { refreshStatusCodes: ['0x193'] }, /--refresh-status-code must be an HTTP status code .* written as three digits such as 403 .* Got "0x193"/],
    ['refresh code with an exponent', { refreshStatusCodes: ['4e2'] }, /--refresh-status-code must be .* Got "4e2"/],
    ['refresh code with a sign', { refreshStatusCodes: ['+403'] }, /--refresh-status-code must be .* Got "\+403"/],
    ['refresh code with a decimal point', { refreshStatusCodes: ['403.0'] }, /--refresh-status-code must be .* Got "403.0"/],
    ['refresh code with a leading zero', { refreshStatusCodes: ['0403'] }, /--refresh-status-code must be .* Got "0403"/],
    ['refresh code in octal', { refreshStatusCodes: ['0o623'] }, /--refresh-status-code must be .* Got "0o623"/],
    ['refresh code with inner space', { refreshStatusCodes: ['4 03'] }, /--refresh-status-code must be .* Got "4 03"/],
    ['refresh code as a fraction', { refreshStatusCodes: [403.5] }, /--refresh-status-code must be .* Got "403.5"/],
    ['unknown mode', { mode: 'auto' }, /--mode must be one of: plugin, native. Got "auto"/],
    ['native with the legacy model', { mode: 'native', model: 'legacy' }, /--mode native sets up an External Credential/],
    ['native with the v1 resource', { mode: 'native', resource: 'https://graph.microsoft.com' }, /--resource \(Entra's v1 endpoint\) is not available with --mode native/],
    ['native with an execution user', { mode: 'native', executionUser: 'admin@contoso.com' }, /--execution-user applies to --mode plugin only/],
    ['native with a certificate', { mode: 'native', auth: 'certificate', certificate: 'Cert', certificateThumbprint: THUMBPRINT }, /--auth certificate needs --mode plugin/],
    ['unknown auth', { auth: 'password' }, /--auth must be one of: secret, certificate/],
    ['certificate without --auth certificate', { certificate: 'Cert' }, /--certificate applies to --auth certificate only/],
    ['certificate file without --auth certificate', { certificateFile: 'cert.pem' }, /--certificate-file applies to --auth certificate only/],
    ['certificate auth without a certificate', { auth: 'certificate', certificateThumbprint: THUMBPRINT }, /--certificate is required/],
    ['certificate auth without its file', { auth: 'certificate', certificate: 'Cert' }, /--certificate-file is required/],
    ['certificate name that is not an API name', { auth: 'certificate', certificate: 'my cert', certificateThumbprint: THUMBPRINT }, /--certificate must be a Salesforce API name/],
    ['malformed thumbprint', { auth: 'certificate', certificate: 'Cert', certificateThumbprint: 'abc' }, /--certificate-file must give a certificate whose thumbprint/],
  ];

  it.each(cases)('%s', (_title, overrides, expected) => {
    const error = problem(overrides);
    expect(error.message).toMatch(expected);
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['62', /--api-version must be a Salesforce API version from 56.0 to 70.0, written like 62.0. Got "62"/],
    ['55.0', /--api-version must be a Salesforce API version from 56.0/],
    ['620.0', /--api-version must be a Salesforce API version/],
    ['58.0', /--api-version is "58.0", but the External Credential model needs API version 59.0 or later/],
  ])('refuses API version %s', (version, expected) => {
    expect(problem({}, version).message).toMatch(expected);
  });

  // Every spelling of this machine the URL parser leaves as its own host; Salesforce would call its own servers.
  it.each([
    'https://localhost',
    'https://LOCALHOST',
    'https://localhost.',
    'https://LocalHost./api',
    'https://localhost.localdomain',
    'https://api.localhost',
    'https://api.localhost.',
    'https://127.0.0.1',
    'https://127.1',
    'https://0x7f.0.0.1',
    'https://2130706433',
    'https://017700000001',
    'https://127.0.0.2',
    'https://127.255.255.255',
    'https://0.0.0.0',
    'https://0',
    'https://0.1.2.3',
    'https://[::1]',
    'https://[0:0:0:0:0:0:0:1]',
    'https://[::]',
    'https://[::ffff:7f00:1]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:0.0.0.0]',
    'https://[::ffff:127.9.9.9]',
    'https://[::127.0.0.1]',
    'https://%6c%6fcalhost',
    'https://ｌｏｃａｌｈｏｓｔ',
  ])('refuses the local host %s as endpoint and token URL', (url) => {
    // One message: a refused --endpoint is not also reported missing.
    expect(problem({ endpoint: url }).message).toMatch(/^--endpoint must name a host Salesforce can reach/);
    expect(problem({ tokenUrl: `${url}/oauth2/v2.0/token` }).message).toMatch(/--token-url must name a host Salesforce can reach/);
  });

  it.each(['https://localhost.contoso.com', 'https://127.0.0.1.nip.example', 'https://[::ffff:8.8.8.8]', 'https://[2001:db8::1]', 'https://1.0.0.127'])(
    'accepts the public host %s as endpoint',
    (url) => {
      expect(spec({ endpoint: url }).providers[0].endpoint).toBe(new URL(url).href.replace(/\/$/, ''));
    }
  );

  it('derives no endpoint from a scope on a local host', () => {
    expect(problem({ scope: 'https://127.0.0.1/.default' }).message).toMatch(/--endpoint is required/);
  });

  it('keeps an endpoint of exactly 1000 characters, the Named Credential URL limit', () => {
    const endpoint = `https://api.contoso.com/${'e'.repeat(1000 - 24)}`;
    expect(endpoint).toHaveLength(1000);
    expect(spec({ endpoint }).providers[0].endpoint).toBe(endpoint);
  });

  it('names the config key of an invisible character, not a flag', () => {
    expect(() =>
      parseBundleSpec({ providers: [{ ...base, label: 'a\u202Eb' }] }, (field, provider) => `file.json: providers[${provider}].${field}`)
    ).toThrow(/file.json: providers\[0\].label contains an invisible formatting character/);
  });

  it('lists every problem at once', () => {
    const error = problem({ name: '1x', clientId: 'nope', tenantId: 'bad tenant' });
    expect(error.message).toMatch(/several problems/);
    expect(error.message).toMatch(/- --name/);
    expect(error.message).toMatch(/- --client-id/);
    expect(error.message).toMatch(/- --tenant-id/);
  });

  it('shows a rejected value quoted and cut short, never raw', () => {
    const error = problem({ clientId: `x${'y'.repeat(200)}` });
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain('..."');
  });
});

describe('clientSecretFrom', () => {
  it('prefers the flag, then the environment variable', () => {
    expect(clientSecretFrom('from-flag', { AZURE_CLIENT_SECRET: 'from-env' })).toEqual({ value: 'from-flag', source: '--client-secret' });
    expect(clientSecretFrom(undefined, { AZURE_CLIENT_SECRET: 'from-env' })).toEqual({ value: 'from-env', source: 'AZURE_CLIENT_SECRET' });
    expect(clientSecretFrom(undefined, {})).toBeUndefined();
  });

  it('decodes a secret read as bytes as UTF-8 only, dropping one trailing line break', () => {
    expect(clientSecretFromBytes(Buffer.from('s3cr€t~\r\n'), 'standard input')).toBe('s3cr€t~');
    expect(() => clientSecretFromBytes(Buffer.from([0x61, 0xff, 0x62]), 'standard input')).toThrow(/client secret from standard input is not valid UTF-8/);
    expect(() => clientSecretFromBytes(Buffer.from([0x61, 0xe2, 0x82]), 'standard input')).toThrow(/not valid UTF-8/);
    // Latin-1 "é" (0xE9) is no UTF-8 character: refused, not turned into U+FFFD.
    expect(() => clientSecretFromBytes(Buffer.from([0x61, 0xe9, 0x62]), 'standard input')).toThrow(/not valid UTF-8/);
    expect(() => clientSecretFromBytes(undefined, 'standard input')).toThrow(/longer than 255 characters/);
  });

  it('refuses a secret that holds U+FFFD, what undecodable bytes become, without echoing it', () => {
    expect(() => clientSecretFrom(undefined, { AZURE_CLIENT_SECRET: 'abc\uFFFDdef' })).toThrow(/client secret from AZURE_CLIENT_SECRET is not valid UTF-8/);
    expect(() => clientSecretFrom('abc\uFFFDdef', {})).toThrow(/client secret from --client-secret is not valid UTF-8/);
    try {
      clientSecretFrom('abc\uFFFDdef', {});
    } catch (error) {
      expect((error as Error).message).not.toContain('abc');
    }
  });

  it('refuses secrets a custom metadata field cannot hold, without echoing them', () => {
    expect(() => clientSecretFrom('', {})).toThrow(/from --client-secret is empty/);
    expect(() => clientSecretFrom(undefined, { AZURE_CLIENT_SECRET: 'line\n' })).toThrow(/AZURE_CLIENT_SECRET contains a line break/);
    const long = 'S'.repeat(256);
    expect(() => clientSecretFrom(long, {})).toThrow(/longer than 255 characters/);
    try {
      clientSecretFrom(`${long}`, {});
    } catch (error) {
      expect((error as Error).message).not.toContain('SSSS');
    }
  });
});

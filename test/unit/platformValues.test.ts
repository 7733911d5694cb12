/**
 * Values as the platform takes them (issue 19, items 2 and 9): the refresh codes an External Credential accepts, and
 * providers of token servers other than Microsoft Entra (no GUID client id, no Microsoft default).
 */
import { SfError } from '@salesforce/core';
import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { isOffEntra, parseTokenRequestSpec } from '../../src/input/tokenRequestSpec.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';

const base: ProviderInput = { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID };
const OKTA = 'https://contoso.okta.com/oauth2/default/v1/token';
const okta: ProviderInput = { name: 'OktaApi', tokenUrl: OKTA, clientId: '0oa1b2c3d4E5f6G7h8i9', endpoint: 'https://api.contoso.com' };

const spec = (input: ProviderInput) => parseBundleSpec({ providers: [input] }).providers[0];

function refusal(input: ProviderInput): string {
  try {
    spec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SfError);
    expect((error as SfError).exitCode).toBe(2);
    return (error as SfError).message;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('refresh status codes', () => {
  it.each([['403'], ['429'], ['499'], ['600'], ['799'], ['999'], [403]])('accepts %s', (code) => {
    expect(spec({ ...base, refreshStatusCodes: [code] }).refreshStatusCodes).toEqual([Number(code)]);
  });

  it('accepts a comma list, as Setup does, once per code', () => {
    expect(spec({ ...base, refreshStatusCodes: ['403, 429', '403', '600'] }).refreshStatusCodes).toEqual([403, 429, 600]);
  });

  it.each(['500', '503', '599', '401', '302', '399', '1000', '0x193', '4e2', '40 3', ''])('refuses %j, saying what is accepted', (code) => {
    const message = refusal({ ...base, refreshStatusCodes: [code] });
    expect(message).toContain('--refresh-status-code');
    expect(message).toContain('4xx other than 401');
    expect(message).toContain('6xx, 7xx, 8xx or 9xx');
    expect(message).toContain('5xx codes are not accepted');
  });
});

describe('token servers other than Entra', () => {
  it('tells Entra hosts of every cloud, and a loopback stand-in with Entra paths, from other servers', () => {
    for (const host of ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'LOGIN.MICROSOFTONLINE.COM']) {
      expect(isOffEntra(`https://${host}/${TENANT}/oauth2/v2.0/token`)).toBe(false);
    }
    expect(isOffEntra(`http://127.0.0.1:4000/${TENANT}/oauth2/v2.0/token`)).toBe(false);
    expect(isOffEntra(undefined)).toBe(false);
    for (const url of [OKTA, 'https://sso.contoso.com/realms/apps/protocol/openid-connect/token', 'https://adfs.contoso.com/adfs/oauth2/token', 'https://login.microsoftonline.com.evil.com/t/oauth2/v2.0/token']) {
      expect(isOffEntra(url)).toBe(true);
    }
  });

  it('takes the client ids those servers issue, as typed, and sends no Microsoft scope', () => {
    const provider = spec(okta);
    expect(provider).toMatchObject({ clientId: '0oa1b2c3d4E5f6G7h8i9', tokenEndpoint: 'custom', endpoint: 'https://api.contoso.com', remoteSite: { url: 'https://contoso.okta.com' } });
    expect(provider.scope).toBeUndefined();
    expect(provider.tenantId).toBeUndefined();
    expect(spec({ ...okta, clientId: 'orders-service', scope: 'orders.read orders.write' })).toMatchObject({ clientId: 'orders-service', scope: 'orders.read orders.write' });
    // ADFS: a GUID or a string; its /adfs/oauth2/token path is not Entra's v1 endpoint
    expect(spec({ ...okta, tokenUrl: 'https://adfs.contoso.com/adfs/oauth2/token', clientId: CLIENT_ID.toUpperCase() })).toMatchObject({ clientId: CLIENT_ID.toUpperCase(), tokenEndpoint: 'custom' });
  });

  it('refuses client ids with spaces, controls or non-ASCII, or over 255 characters', () => {
    for (const clientId of ['my client', 'clïent', 'x'.repeat(256)]) {
      expect(refusal({ ...okta, clientId })).toContain('--client-id must be the client id your token server issued');
    }
  });

  it('still wants a GUID on Entra, with or without --token-url', () => {
    expect(refusal({ ...base, clientId: '0oa1b2c3d4E5f6G7h8i9' })).toContain('--client-id must be a GUID');
    expect(refusal({ ...base, tenantId: undefined, tokenUrl: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, clientId: 'orders' })).toContain('must be a GUID');
  });

  it('wants --endpoint, naming --scope as optional, and no Graph default', () => {
    const message = refusal({ ...okta, endpoint: undefined });
    expect(message).toContain('--endpoint is required with a --token-url of a token server other than Microsoft Entra (contoso.okta.com)');
    expect(message).toContain('--scope is optional there');
    // a URL-shaped scope is no Entra resource off Entra: no endpoint is derived from it
    expect(refusal({ ...okta, endpoint: undefined, scope: 'https://api.contoso.com/read' })).toContain('--endpoint is required');
  });

  it('refuses --tenant-id, which nothing would read', () => {
    expect(refusal({ ...okta, tenantId: TENANT })).toContain('--tenant-id applies to Microsoft Entra only');
  });

  it('names config-file fields as the file does', () => {
    const naming = (field: string, index: number): string => `providers[${index}].${field}`;
    try {
      parseBundleSpec({ providers: [{ ...okta, endpoint: undefined, clientId: 'a b', tenantId: TENANT }] }, naming as never);
      throw new Error('accepted');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('providers[0].clientId must be the client id');
      expect(message).toContain('providers[0].tenantId applies to Microsoft Entra only');
      expect(message).toContain('providers[0].endpoint is required');
      expect(message).toContain('providers[0].scope is optional there');
    }
  });

  it('applies the same rules to a local token check, where the endpoint may stay unknown', () => {
    expect(parseTokenRequestSpec({ tokenUrl: OKTA, clientId: '0oa1b2c3d4E5f6G7h8i9' })).toMatchObject({ clientId: '0oa1b2c3d4E5f6G7h8i9', tokenEndpoint: 'custom', scope: undefined, endpoint: undefined });
    expect(() => parseTokenRequestSpec({ tokenUrl: OKTA, clientId: '0oa1b2c3d4E5f6G7h8i9', tenantId: TENANT })).toThrow(/--tenant-id applies to Microsoft Entra only/);
  });
});

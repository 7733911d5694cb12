/*
 * The token request a provider makes, and one checked for a local token check (verify, rotate-secret): the token
 * endpoint (Entra v2 or v1 from --tenant-id and --cloud, or any --token-url), the scope or resource, and the API's
 * base URL. The provider parser (providerSpec.ts) shares these rules.
 */
import { CLOUD_HOSTS, CLOUDS, ENDPOINT_MAX, TEXT_FIELD_MAX, type Cloud } from './platform.js';
import { isLocalHost } from './localHost.js';
import { Checker, GUID, LOOPBACK, shown, specError } from './checker.js';
import type { ProviderInput } from './providerFields.js';

export type TokenEndpointKind = 'entra-v2' | 'entra-v1' | 'custom';

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** RFC 6749 scope token: printable ASCII except space, double quote and backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Entra's token paths, v2 and v1: on a loopback host they stand for Entra in a local check (a fake Entra). */
const ENTRA_TOKEN_PATH = /\/oauth2\/(?:v2\.0\/)?token$/;
const ENTRA_HOSTS = new Set(Object.values(CLOUD_HOSTS).map((hosts) => hosts.authority));

/**
 * True when --token-url names a token server other than Microsoft Entra's (Okta, Keycloak, PingFederate, ADFS): its
 * host is no Entra login host of any --cloud. Such a provider gets no Microsoft default (Graph scope or endpoint) and
 * its client id need not be a GUID. An unparsable URL counts as Entra here; its own check reports it.
 */
export function isOffEntra(tokenUrl: string | undefined): boolean {
  if (tokenUrl === undefined) return false;
  let url: URL;
  try {
    url = new URL(tokenUrl.trim());
  } catch {
    return false;
  }
  if (ENTRA_HOSTS.has(url.hostname.toLowerCase())) return false;
  return !(LOOPBACK.has(url.hostname) && ENTRA_TOKEN_PATH.test(url.pathname));
}

export function tenantOf(check: Checker, raw: string | undefined, offEntra = false): string | undefined {
  const value = check.text('tenantId', raw);
  if (value === undefined) return undefined;
  // Off Entra nothing reads a tenant: refused rather than carried along meaning nothing.
  if (offEntra) return check.fail('tenantId', 'error.TenantOffEntra');
  if (GUID.test(value)) return value.toLowerCase();
  if (DOMAIN.test(value)) return value.toLowerCase();
  return check.fail('tenantId', 'error.Tenant', shown(value));
}

function scopeOf(check: Checker, raw: string | undefined, entraV2: boolean): string | undefined {
  const value = check.text('scope', raw);
  if (value === undefined) return undefined;
  const tokens = value.split(/ +/);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) return check.fail('scope', 'error.Scope', shown(value));
  // client_credentials on Entra's v2 endpoint accepts exactly one "<resource>/.default" scope.
  if (entraV2 && (tokens.length !== 1 || !tokens[0].endsWith('/.default'))) {
    return check.fail('scope', 'error.ScopeDefault', shown(value));
  }
  return check.fits('scope', value, TEXT_FIELD_MAX);
}

/** The API's base URL follows from an https resource or `<https resource>/.default` scope of a host Salesforce can reach. */
function endpointFrom(resourceOrScope: string | undefined): string | undefined {
  if (!resourceOrScope) return undefined;
  const candidate = resourceOrScope.replace(/\/\.default$/, '');
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' && !isLocalHost(url.hostname) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

type TokenEndpoint = { tokenUrl: string; kind: TokenEndpointKind; origin: string };

function tokenEndpointOf(
  check: Checker,
  input: ProviderInput,
  cloud: Cloud,
  tenantId: string | undefined,
  loopbackHttp = false
): TokenEndpoint | undefined {
  const useV1 = input.resource !== undefined;
  if (input.tokenUrl !== undefined) {
    const url = check.httpsUrl('tokenUrl', check.text('tokenUrl', input.tokenUrl), loopbackHttp);
    if (!url) return undefined;
    const tokenUrl = check.fits('tokenUrl', url.href, TEXT_FIELD_MAX);
    if (!tokenUrl) return undefined;
    // ADFS's /adfs/oauth2/token is shaped like Entra's v1 path; only Entra's hosts get Entra's rules.
    const kind: TokenEndpointKind = isOffEntra(url.href)
      ? 'custom'
      : url.pathname.endsWith('/oauth2/v2.0/token')
      ? 'entra-v2'
      : url.pathname.endsWith('/oauth2/token')
        ? 'entra-v1'
        : 'custom';
    return { tokenUrl, kind, origin: url.origin };
  }
  if (tenantId === undefined) {
    if (input.tenantId === undefined) check.fail('tenantId', 'error.TenantRequired');
    return undefined;
  }
  const origin = `https://${CLOUD_HOSTS[cloud].authority}`;
  const path = useV1 ? 'oauth2/token' : 'oauth2/v2.0/token';
  return { tokenUrl: `${origin}/${tenantId}/${path}`, kind: useV1 ? 'entra-v1' : 'entra-v2', origin };
}

type TokenRequest = {
  token: TokenEndpoint | undefined;
  resource: string | undefined;
  scope: string | undefined;
  endpoint: string | undefined;
  resourceOrScope: string | undefined;
};

/** Token endpoint, scope or resource, and the API's base URL: the rules a provider and a local token check share. */
export function tokenRequestOf(check: Checker, input: ProviderInput, cloud: Cloud, tenantId: string | undefined, loopbackHttp = false): TokenRequest {
  if (input.scope !== undefined && input.resource !== undefined) check.fail('resource', 'error.ScopeAndResource');
  const token = tokenEndpointOf(check, input, cloud, tenantId, loopbackHttp);
  if (token?.kind === 'entra-v2' && input.resource !== undefined) check.fail('resource', 'error.ResourceOnV2');

  const resource = check.fits('resource', check.text('resource', input.resource), TEXT_FIELD_MAX);
  if (resource !== undefined && !SCOPE_TOKEN.test(resource)) check.fail('resource', 'error.Resource', shown(resource));
  // Off Entra there is no Microsoft default: no scope is sent unless given (RFC 6749 4.4.2 makes it optional).
  const offEntra = isOffEntra(input.tokenUrl);
  const defaultScope = resource === undefined && !offEntra ? `https://${CLOUD_HOSTS[cloud].graph}/.default` : undefined;
  const scope = scopeOf(check, input.scope, token?.kind === 'entra-v2') ?? (input.scope === undefined ? defaultScope : undefined);
  // The cap applies to what is written: the parser's href, percent-encoded.
  const given = input.endpoint !== undefined ? check.httpsUrl('endpoint', check.text('endpoint', input.endpoint))?.href.replace(/\/$/, '') : undefined;
  // An API's URL follows from Entra's <resource>/.default convention only; off Entra it is always given.
  const derived = offEntra ? undefined : endpointFrom(resource ?? scope);
  const endpoint = input.endpoint !== undefined ? check.fits('endpoint', given, ENDPOINT_MAX) : derived;
  return { token, resource, scope, endpoint, resourceOrScope: resource ?? scope };
}

/** What a local token check sends, and the API the token is meant for (to compare with its audience). */
export type TokenRequestSpec = {
  tenantId?: string;
  clientId: string;
  tokenUrl: string;
  tokenEndpoint: TokenEndpointKind;
  scope?: string;
  resource?: string;
  /** Base URL of the API; unknown when the scope or resource is not an https URL and --endpoint is not given. */
  endpoint?: string;
};

/**
 * Validates a token request made from this machine: the provider's rules, except that the token URL may also be
 * plain http to a loopback host (a test or local server).
 */
export function parseTokenRequestSpec(input: ProviderInput): TokenRequestSpec {
  const check = new Checker();
  const cloud = check.oneOf('cloud', input.cloud, CLOUDS, 'global');
  const offEntra = isOffEntra(input.tokenUrl);
  const tenantId = tenantOf(check, input.tenantId, offEntra);
  const clientId = check.clientId(check.required('clientId', input.clientId), offEntra);
  const { token, scope, resource, endpoint } = tokenRequestOf(check, input, cloud, tenantId, true);
  if (check.problems.length > 0 || !clientId || !token) throw specError(check.problems);
  return { tenantId, clientId, tokenUrl: token.tokenUrl, tokenEndpoint: token.kind, scope, resource, endpoint };
}

/*
 * Turns raw input (flags today, a config file later) into a validated ProviderSpec. Every rule about what input is
 * acceptable lives here, once; nothing downstream re-checks or re-derives.
 */
import { Messages, SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import {
  AUTH_KINDS,
  CLOUD_HOSTS,
  CLOUDS,
  CREDENTIAL_MODELS,
  DEFAULT_API_VERSION,
  DEFAULT_PRINCIPAL,
  defaultPermissionSet,
  ENDPOINT_MAX,
  LABEL_MAX,
  MAX_API_VERSION,
  MIN_API_VERSION,
  MIN_API_VERSION_EXTERNAL,
  MODES,
  NAME_LIMITS,
  TEXT_FIELD_MAX,
  tokenCredentialName,
  USERNAME_MAX,
  type Cloud,
  type CredentialModel,
  type Mode,
  type SecretStorage,
} from './platform.js';
import { isLocalHost } from './localHost.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

export type ProviderInput = {
  name?: string;
  label?: string;
  tenantId?: string;
  clientId?: string;
  cloud?: string;
  tokenUrl?: string;
  scope?: string;
  resource?: string;
  endpoint?: string;
  model?: string;
  executionUser?: string;
  namedCredential?: string;
  externalCredential?: string;
  principal?: string;
  permissionSet?: string;
  refreshStatusCodes?: Array<string | number>;
  mode?: string;
  auth?: string;
  /** Developer name of the Salesforce certificate that signs the client assertion. */
  certificate?: string;
  /** PEM file of that certificate (the one registered on the Entra app), read for its thumbprint. */
  certificateFile?: string;
  /** base64url SHA-1 thumbprint (x5t) of the certificate, filled in from certificateFile by resolveCertificateFiles. */
  certificateThumbprint?: string;
};

export type BundleInput = { apiVersion?: string; providers: ProviderInput[] };

export type TokenEndpointKind = 'entra-v2' | 'entra-v1' | 'custom';

/** How the application proves its identity to the token endpoint. */
export type ProviderAuth = { kind: 'secret' } | { kind: 'certificate'; certificate: string; thumbprint: string };

export type ProviderSpec = {
  name: string;
  label: string;
  tenantId?: string;
  clientId: string;
  cloud: Cloud;
  tokenUrl: string;
  tokenEndpoint: TokenEndpointKind;
  scope?: string;
  resource?: string;
  /** Base URL of the API the Named Credential calls. */
  endpoint: string;
  model: CredentialModel;
  executionUser?: string;
  namedCredential: string;
  /** Set for the External Credential model only, like principal and permissionSet. */
  externalCredential?: string;
  principal?: string;
  permissionSet?: string;
  refreshStatusCodes: number[];
  remoteSite: { name: string; url: string };
  mode: Mode;
  auth: ProviderAuth;
  /** Plugin providers with a client secret only, like tokenCredential (set for `credential` storage). */
  secretStorage?: SecretStorage;
  tokenCredential?: string;
};

/** Everything one deploy or one generate run renders: any number of providers on one API version. */
export type BundleSpec = { apiVersion: string; providers: ProviderSpec[] };

export type Field = Exclude<keyof ProviderInput, 'certificateThumbprint'> | 'apiVersion';

/** The flag each input field comes from, so every message names what the user typed. */
export const FLAG_OF: Record<Field, string> = {
  name: '--name',
  label: '--label',
  tenantId: '--tenant-id',
  clientId: '--client-id',
  cloud: '--cloud',
  tokenUrl: '--token-url',
  scope: '--scope',
  resource: '--resource',
  endpoint: '--endpoint',
  model: '--model',
  executionUser: '--execution-user',
  namedCredential: '--named-credential',
  externalCredential: '--external-credential',
  principal: '--principal',
  permissionSet: '--permission-set',
  refreshStatusCodes: '--refresh-status-code',
  mode: '--mode',
  auth: '--auth',
  certificate: '--certificate',
  certificateFile: '--certificate-file',
  apiVersion: '--api-version',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;
const API_VERSION = /^(\d{2,3})\.0$/;
const USERNAME = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** RFC 6749 scope token: printable ASCII except space, double quote and backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/**
 * Characters XML 1.0 cannot carry, plus the line breaks no single-line value may hold: C0 and C1 controls (NEL,
 * U+0085, is a line end to XML 1.1 parsers) and the Unicode line and paragraph separators.
 */
// Matching control characters is this pattern's purpose.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Invisible format characters (general category Cf): zero-width spaces and joiners, bidirectional marks, embeddings,
 * overrides and isolates (U+202E shows "txt.exe" as "exe.txt"), byte order marks, soft hyphens and tag characters.
 * They make a label or a username look like another, and the URL parser silently drops some from host names.
 */
const FORMAT_CHAR = /\p{Cf}/u;
/** The hosts a local token check may reach over plain http, in the URL parser's spelling. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** A status code as people write one: three digits, no sign, exponent, base prefix or leading zero. */
const STATUS_CODE = /^\d{3}$/;
/**
 * A client id off Entra, as Okta (20 characters, 0oa...), Keycloak (any string) or ADFS (a GUID or a string) issue
 * them: RFC 6749 Appendix A.1 allows any visible ASCII (VSCHAR); a space is refused too, since it would be invisible
 * in messages and trimmed by hand-written files. 255 is the custom metadata text field that holds it.
 */
const CLIENT_ID_OFF_ENTRA = /^[\x21-\x7E]{1,255}$/;
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

/**
 * The refresh codes an External Credential takes: "4xx, 6xx, 7xx, 8xx, and 9xx HTTP status codes ... in addition to
 * the standard 401" (Metadata API Developer Guide, ExternalCredential, ExternalCredentialParamType
 * AdditionalRefreshStatusCode). 5xx is not among them; 401 always refreshes, so listing it is refused as a mistake.
 */
export function isRefreshStatusCode(code: number): boolean {
  const hundreds = Math.floor(code / 100);
  return Number.isInteger(code) && code !== 401 && (hundreds === 4 || (hundreds >= 6 && hundreds <= 9));
}

type Problem = { flag: string; key: string; tokens: Array<string | number> };

/** The first format character of a value as U+XXXX digits, for a message that cannot show it. */
function formatCharIn(value: string): string | undefined {
  const found = FORMAT_CHAR.exec(value);
  return found ? found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0') : undefined;
}

/** Shows a rejected value safely: quoted, escaped, and cut short. */
function shown(value: string): string {
  const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(cut);
}

/** How a message names where a value came from: the flag, or its place in a config file. */
export type FieldNaming = (field: Field, provider: number) => string;

class Checker {
  public readonly problems: Problem[] = [];
  /** The provider being checked, for names such as providers[1].tenantId. */
  public provider = 0;

  public constructor(private readonly naming: FieldNaming = (field): string => FLAG_OF[field]) {}

  /** How messages name a field of the provider being checked: its flag, or its place in a config file. */
  public nameOf(field: Field): string {
    return this.naming(field, this.provider);
  }

  public fail(field: Field, key: string, ...tokens: Array<string | number>): undefined {
    this.problems.push({ flag: this.naming(field, this.provider), key, tokens });
    return undefined;
  }

  /** Trims a value and refuses control and invisible format characters; undefined when absent or empty. */
  public text(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed === '') return this.fail(field, 'error.Empty');
    if (FORBIDDEN_CHARS.test(trimmed)) return this.fail(field, 'error.ControlCharacters');
    const format = formatCharIn(trimmed);
    if (format) return this.fail(field, 'error.FormatCharacters', format);
    return trimmed;
  }

  public required(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return this.fail(field, 'error.Required');
    return this.text(field, value);
  }

  public developerName(field: Field, value: string | undefined, max: number): string | undefined {
    if (value === undefined) return undefined;
    if (!DEVELOPER_NAME.test(value) || value.endsWith('_')) return this.fail(field, 'error.DeveloperName', shown(value));
    if (value.length > max) return this.fail(field, 'error.TooLong', max, value.length);
    return value;
  }

  public guid(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    return GUID.test(value) ? value.toLowerCase() : this.fail(field, 'error.Guid', shown(value));
  }

  /** A GUID on Entra; off Entra, what that server issues, kept as typed (case can matter there). */
  public clientId(value: string | undefined, offEntra: boolean): string | undefined {
    if (!offEntra) return this.guid('clientId', value);
    if (value === undefined) return undefined;
    return CLIENT_ID_OFF_ENTRA.test(value) ? value : this.fail('clientId', 'error.ClientIdOffEntra', shown(value));
  }

  /**
   * An https URL to a host other than this machine (whatever its spelling, see localHost.ts). `loopbackHttp` accepts
   * local hosts, and plain http to localhost, 127.0.0.1 or [::1], for requests this machine makes itself (a local
   * check against a test server); Salesforce can never reach those.
   */
  public httpsUrl(field: Field, value: string | undefined, loopbackHttp = false): URL | undefined {
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.fail(field, 'error.Url', shown(value));
    }
    const httpAllowed = loopbackHttp && LOOPBACK.has(url.hostname);
    if (url.protocol !== 'https:' && !(httpAllowed && url.protocol === 'http:')) {
      return this.fail(field, loopbackHttp ? 'error.HttpsOrLoopback' : 'error.Https', shown(value));
    }
    if (url.username || url.password || url.hash || url.search || /\s/.test(value)) {
      return this.fail(field, 'error.UrlParts', shown(value));
    }
    if (!loopbackHttp && isLocalHost(url.hostname)) return this.fail(field, 'error.LocalHost', shown(value));
    return url;
  }

  public oneOf<T extends string>(field: Field, value: string | undefined, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(field, 'error.OneOf', allowed.join(', '), shown(value));
    return fallback;
  }

  public fits(field: Field, value: string | undefined, max: number): string | undefined {
    if (value === undefined || value.length <= max) return value;
    return this.fail(field, 'error.TooLong', max, value.length);
  }
}

function apiVersionOf(check: Checker, raw: string | undefined, model: CredentialModel): string {
  const value = check.text('apiVersion', raw) ?? DEFAULT_API_VERSION;
  const match = API_VERSION.exec(value);
  const major = match ? Number(match[1]) : NaN;
  const min = model === 'external' ? MIN_API_VERSION_EXTERNAL : MIN_API_VERSION;
  if (!match || major > MAX_API_VERSION || major < MIN_API_VERSION) {
    check.fail('apiVersion', 'error.ApiVersion', `${MIN_API_VERSION}.0`, `${MAX_API_VERSION}.0`, shown(value));
  } else if (major < min) {
    check.fail('apiVersion', 'error.ApiVersionExternal', shown(value), `${min}.0`, `${MAX_API_VERSION}.0`);
  }
  return value;
}

function tenantOf(check: Checker, raw: string | undefined, offEntra = false): string | undefined {
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

/** A remote site name from the token host: letters, digits and single underscores, within the 40-character limit. */
export function remoteSiteNameFor(origin: string): string {
  const host = new URL(origin).host.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const name = `TokenHost_${host}`;
  if (name.length <= NAME_LIMITS.remoteSite) return name;
  let hash = 0;
  for (const char of origin) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const suffix = `_${hash.toString(36)}`;
  return `${name.slice(0, NAME_LIMITS.remoteSite - suffix.length).replace(/_+$/, '')}${suffix}`;
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

/**
 * Validates the input of every provider and fills in every default. Throws one SfError listing every problem found,
 * before anything is rendered or written.
 */
export function parseBundleSpec(input: BundleInput, naming?: FieldNaming): BundleSpec {
  const check = new Checker(naming);
  const providers = input.providers.map((provider, index) => {
    check.provider = index;
    return providerSpecOf(check, provider);
  });
  const needsExternal = input.providers.some((provider) => (provider.model ?? 'external') === 'external' || provider.mode === 'native');
  const apiVersion = apiVersionOf(check, input.apiVersion, needsExternal ? 'external' : 'legacy');
  const seen = new Set<string>();
  for (const [index, provider] of providers.entries()) {
    check.provider = index;
    if (provider && seen.has(provider.name.toLowerCase())) check.fail('name', 'error.DuplicateName', provider.name);
    if (provider) seen.add(provider.name.toLowerCase());
  }
  // A token credential is named after its provider; a credential the user named must not take that name.
  const tokenCredentials = new Set(providers.flatMap((provider) => (provider?.tokenCredential ? [provider.tokenCredential.toLowerCase()] : [])));
  for (const [index, provider] of providers.entries()) {
    check.provider = index;
    for (const field of ['namedCredential', 'externalCredential'] as const) {
      const name = provider?.[field];
      if (name && tokenCredentials.has(name.toLowerCase())) check.fail(field, 'error.TokenCredentialName', shown(name));
    }
  }
  if (check.problems.length > 0) throw specError(check.problems);
  return { apiVersion, providers: providers as ProviderSpec[] };
}

type TokenRequest = {
  token: TokenEndpoint | undefined;
  resource: string | undefined;
  scope: string | undefined;
  endpoint: string | undefined;
  resourceOrScope: string | undefined;
};

/** Token endpoint, scope or resource, and the API's base URL: the rules a provider and a local token check share. */
function tokenRequestOf(check: Checker, input: ProviderInput, cloud: Cloud, tenantId: string | undefined, loopbackHttp = false): TokenRequest {
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

/** The External Credential, principal and permission set names, and the refresh status codes: external model only. */
function externalPiecesOf(
  check: Checker,
  input: ProviderInput,
  name: string | undefined,
  external: boolean
): Pick<ProviderSpec, 'externalCredential' | 'principal' | 'permissionSet' | 'refreshStatusCodes'> {
  const onlyExternal = (field: Field, value: unknown): void => {
    if (!external && value !== undefined) check.fail(field, 'error.ExternalOnly');
  };
  onlyExternal('externalCredential', input.externalCredential);
  onlyExternal('principal', input.principal);
  onlyExternal('permissionSet', input.permissionSet);
  onlyExternal('refreshStatusCodes', input.refreshStatusCodes?.length ? input.refreshStatusCodes : undefined);
  const externalCredential = external
    ? check.developerName('externalCredential', check.text('externalCredential', input.externalCredential) ?? name, NAME_LIMITS.externalCredential)
    : undefined;
  const principal = external
    ? check.developerName('principal', check.text('principal', input.principal) ?? DEFAULT_PRINCIPAL, NAME_LIMITS.principal)
    : undefined;
  const permissionSet = external
    ? check.developerName('permissionSet', check.text('permissionSet', input.permissionSet) ?? (name && defaultPermissionSet(name)), NAME_LIMITS.permissionSet)
    : undefined;

  const refreshStatusCodes: number[] = [];
  // Setup's "Additional Status Codes for Token Refresh" takes a comma list, so a flag value may be one too.
  const given = (external ? input.refreshStatusCodes ?? [] : []).flatMap((raw): Array<string | number> => (typeof raw === 'number' ? [raw] : raw.split(',')));
  for (const raw of given) {
    // Number() would read 0x193 as 403 and 4e2 as 400; a config file's numbers are already numbers.
    const digits = typeof raw === 'number' ? String(raw) : raw.trim();
    const code = STATUS_CODE.test(digits) ? Number(digits) : NaN;
    if (!isRefreshStatusCode(code)) {
      check.fail('refreshStatusCodes', 'error.RefreshStatusCode', shown(String(raw)));
    } else if (!refreshStatusCodes.includes(code)) {
      refreshStatusCodes.push(code);
    }
  }
  return { externalCredential, principal, permissionSet, refreshStatusCodes };
}

function modeOf(check: Checker, input: ProviderInput, external: boolean): Mode {
  const mode = check.oneOf('mode', input.mode, MODES, 'plugin');
  if (mode === 'native') {
    if (!external) check.fail('mode', 'error.NativeExternal');
    if (input.resource !== undefined) check.fail('resource', 'error.NativeResource');
    if (input.executionUser !== undefined) check.fail('executionUser', 'error.PluginOnly');
  }
  return mode;
}

function providerSpecOf(check: Checker, input: ProviderInput): ProviderSpec | undefined {
  const problemsBefore = check.problems.length;
  const name = check.developerName('name', check.required('name', input.name), NAME_LIMITS.authProvider);
  const label = check.fits('label', check.text('label', input.label) ?? name, LABEL_MAX);
  const model = check.oneOf('model', input.model, CREDENTIAL_MODELS, 'external');
  const cloud = check.oneOf('cloud', input.cloud, CLOUDS, 'global');
  const offEntra = isOffEntra(input.tokenUrl);
  const tenantId = tenantOf(check, input.tenantId, offEntra);
  const clientId = check.clientId(check.required('clientId', input.clientId), offEntra);

  const request = tokenRequestOf(check, input, cloud, tenantId);
  const { token, resource, scope } = request;
  // A refused --endpoint has its own message; only a missing one needs this.
  const missing = input.endpoint === undefined && request.endpoint === undefined;
  const endpoint =
    request.endpoint ??
    (missing && offEntra && token
      ? check.fail('endpoint', 'error.EndpointOffEntra', new URL(token.tokenUrl).host, check.nameOf('scope'))
      : missing && request.resourceOrScope !== undefined
        ? check.fail('endpoint', 'error.EndpointRequired')
        : undefined);

  const executionUser = check.fits('executionUser', check.text('executionUser', input.executionUser), USERNAME_MAX);
  if (executionUser !== undefined && !USERNAME.test(executionUser)) {
    check.fail('executionUser', 'error.Username', shown(executionUser));
  }

  const namedCredential = check.developerName(
    'namedCredential',
    check.text('namedCredential', input.namedCredential) ?? name,
    NAME_LIMITS.namedCredential
  );
  const external = model === 'external';
  const { externalCredential, principal, permissionSet, refreshStatusCodes } = externalPiecesOf(check, input, name, external);
  const mode = modeOf(check, input, external);
  const auth = authOf(check, input, mode);

  if (check.problems.length > problemsBefore || !name || !label || !clientId || !token || !endpoint || !namedCredential || !auth) {
    return undefined;
  }
  return {
    name,
    label,
    tenantId,
    clientId,
    cloud,
    tokenUrl: token.tokenUrl,
    tokenEndpoint: token.kind,
    scope,
    resource,
    endpoint,
    model,
    executionUser,
    namedCredential,
    externalCredential,
    principal,
    permissionSet,
    refreshStatusCodes,
    remoteSite: { name: remoteSiteNameFor(token.origin), url: token.origin },
    mode,
    auth,
    ...secretStorageOf(mode, auth, model, name),
  };
}

/**
 * A plugin provider's secret goes to an External Credential wherever a permission set can grant its principal: the
 * External Credential model (API 59.0 and later, which that model requires anyway). The legacy model keeps it in the record.
 */
function secretStorageOf(mode: Mode, auth: ProviderAuth, model: CredentialModel, name: string): Pick<ProviderSpec, 'secretStorage' | 'tokenCredential'> {
  if (mode !== 'plugin' || auth.kind !== 'secret') return {};
  return model === 'external' ? { secretStorage: 'credential', tokenCredential: tokenCredentialName(name) } : { secretStorage: 'record' };
}

/** x5t: 27 base64url characters of a SHA-1 digest. */
const THUMBPRINT = /^[A-Za-z0-9_-]{27}$/;

function authOf(check: Checker, input: ProviderInput, mode: Mode): ProviderAuth | undefined {
  const kind = check.oneOf('auth', input.auth, AUTH_KINDS, 'secret');
  if (kind === 'secret') {
    if (input.certificate !== undefined) check.fail('certificate', 'error.CertificateOnly');
    if (input.certificateFile !== undefined) check.fail('certificateFile', 'error.CertificateOnly');
    return { kind };
  }
  // --mode native sets up Salesforce's client-secret variant only; a certificate is signed by the plugin.
  if (mode === 'native') return check.fail('auth', 'error.NativeCertificate');
  const certificate = check.developerName('certificate', check.required('certificate', input.certificate), NAME_LIMITS.certificate);
  if (input.certificateThumbprint === undefined) return check.fail('certificateFile', 'error.Required');
  if (!THUMBPRINT.test(input.certificateThumbprint)) return check.fail('certificateFile', 'error.Thumbprint', shown(input.certificateThumbprint));
  return certificate ? { kind, certificate, thumbprint: input.certificateThumbprint } : undefined;
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

/** The names of one provider's pieces in an org, as deploy names them unless told otherwise. */
export type ProviderNames = {
  name: string;
  namedCredential: string;
  externalCredential: string;
  principal: string;
  permissionSet: string;
};

export function parseProviderNames(input: ProviderInput): ProviderNames {
  const check = new Checker();
  const name = check.developerName('name', check.required('name', input.name), NAME_LIMITS.authProvider);
  const named = (field: Field, value: string | undefined, fallback: string | undefined, max: number): string | undefined =>
    check.developerName(field, check.text(field, value) ?? fallback, max);
  const names = {
    name,
    namedCredential: named('namedCredential', input.namedCredential, name, NAME_LIMITS.namedCredential),
    externalCredential: named('externalCredential', input.externalCredential, name, NAME_LIMITS.externalCredential),
    principal: named('principal', input.principal, DEFAULT_PRINCIPAL, NAME_LIMITS.principal),
    permissionSet: named('permissionSet', input.permissionSet, name && defaultPermissionSet(name), NAME_LIMITS.permissionSet),
  };
  if (check.problems.length > 0) throw specError(check.problems);
  return names as ProviderNames;
}

const CALLOUT_PATH_MAX = 1000;

/** A path below the Named Credential's URL for a test callout: starts with /, no spaces, control characters or #. */
export function parseCalloutPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ok = value.startsWith('/') && !/[\s#]/.test(value) && !FORBIDDEN_CHARS.test(value) && !FORMAT_CHAR.test(value) && value.length <= CALLOUT_PATH_MAX;
  if (!ok) throw specError([{ flag: '--path', key: 'error.CalloutPath', tokens: [CALLOUT_PATH_MAX, shown(value)] }]);
  return value;
}

/** One error for every problem in the input (each a line naming its flag), exit 2. */
export function invalidInput(lines: string[]): SfError {
  const message = lines.length === 1 ? lines[0] : messages.getMessage('error.Several', [lines.map((line) => `- ${line}`).join('\n')]);
  return messages.createError('error.InvalidInput', [message], [], EXIT_CODES['invalid-input']);
}

function specError(problems: Problem[]): SfError {
  return invalidInput(problems.map((problem) => messages.getMessage(problem.key, [problem.flag, ...problem.tokens])));
}

/**
 * The client secret: any non-empty value a custom metadata text field can hold, with no control characters and no
 * U+FFFD, which is what bytes that are not UTF-8 become when the environment or the command line is decoded.
 */
export function checkClientSecret(secret: string, source: string): string {
  const key =
    secret.length === 0
      ? 'error.SecretEmpty'
      : secret.length > TEXT_FIELD_MAX
        ? 'error.SecretTooLong'
        : FORBIDDEN_CHARS.test(secret)
          ? 'error.SecretCharacters'
          : secret.includes('\uFFFD')
            ? 'error.SecretEncoding'
            : undefined;
  if (key) throw messages.createError(key, [source, TEXT_FIELD_MAX], [], EXIT_CODES['invalid-input']);
  return secret;
}

/*
 * The provider parser: flags or a config file's values -> a validated ProviderSpec with every default filled in.
 * Every rule about what a provider's input may be lives here or in the modules it calls (checker.ts,
 * tokenRequestSpec.ts); nothing downstream re-checks or re-derives.
 */
import {
  AUTH_KINDS,
  CLOUDS,
  CREDENTIAL_MODELS,
  DEFAULT_API_VERSION,
  DEFAULT_PRINCIPAL,
  defaultPermissionSet,
  LABEL_MAX,
  MAX_API_VERSION,
  MIN_API_VERSION,
  MIN_API_VERSION_EXTERNAL,
  MODES,
  NAME_LIMITS,
  tokenCredentialName,
  USERNAME_MAX,
  type Cloud,
  type NamedCredentialModel,
  type ProviderMode,
  type SecretStorage,
} from './platform.js';
import { Checker, shown, specError, type FieldNaming } from './checker.js';
import type { Field, ProviderInput } from './providerFields.js';
import { remoteSiteNameFor } from './names.js';
import { isOffEntra, tenantOf, tokenRequestOf, type TokenEndpointKind } from './tokenRequestSpec.js';

// The parser's input types, for its callers.
export type { FieldNaming } from './checker.js';
export type { ProviderInput } from './providerFields.js';

export type BundleInput = { apiVersion?: string; providers: ProviderInput[] };

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
  model: NamedCredentialModel;
  executionUser?: string;
  namedCredential: string;
  /** Set for the External Credential model only, like principal and permissionSet. */
  externalCredential?: string;
  principal?: string;
  permissionSet?: string;
  refreshStatusCodes: number[];
  remoteSite: { name: string; url: string };
  mode: ProviderMode;
  auth: ProviderAuth;
  /** Plugin providers with a client secret only, like tokenCredential (set for `credential` storage). */
  secretStorage?: SecretStorage;
  tokenCredential?: string;
};

/** Everything one deploy or one generate run renders: any number of providers on one API version. */
export type BundleSpec = { apiVersion: string; providers: ProviderSpec[] };

const API_VERSION = /^(\d{2,3})\.0$/;
const USERNAME = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A status code as people write one: three digits, no sign, exponent, base prefix or leading zero. */
const STATUS_CODE = /^\d{3}$/;
/**
 * The refresh codes an External Credential takes: "4xx, 6xx, 7xx, 8xx, and 9xx HTTP status codes ... in addition to
 * the standard 401" (Metadata API Developer Guide, ExternalCredential, ExternalCredentialParamType
 * AdditionalRefreshStatusCode). 5xx is not among them; 401 always refreshes, so listing it is refused as a mistake.
 */
export function isRefreshStatusCode(code: number): boolean {
  const hundreds = Math.floor(code / 100);
  return Number.isInteger(code) && code !== 401 && (hundreds === 4 || (hundreds >= 6 && hundreds <= 9));
}

function apiVersionOf(check: Checker, raw: string | undefined, model: NamedCredentialModel): string {
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

function modeOf(check: Checker, input: ProviderInput, external: boolean): ProviderMode {
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
function secretStorageOf(mode: ProviderMode, auth: ProviderAuth, model: NamedCredentialModel, name: string): Pick<ProviderSpec, 'secretStorage' | 'tokenCredential'> {
  if (mode !== 'plugin' || auth.kind !== 'secret') return {};
  return model === 'external' ? { secretStorage: 'credential', tokenCredential: tokenCredentialName(name) } : { secretStorage: 'record' };
}

/** x5t: 27 base64url characters of a SHA-1 digest. */
const THUMBPRINT = /^[A-Za-z0-9_-]{27}$/;

function authOf(check: Checker, input: ProviderInput, mode: ProviderMode): ProviderAuth | undefined {
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


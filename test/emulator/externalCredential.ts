/**
 * External Credentials as the platform reads them: the authentication protocol and its variant, the deploy rules for
 * a native OAuth client-credentials External Credential (the token endpoint Salesforce calls itself), and the
 * credentials a principal holds (Connect REST `named-credentials/credential`): which names each protocol allows,
 * which must be encrypted, when a principal counts as configured, and how a credential is shown back (masked).
 */
import { child, childrenNamed, childText, type XNode } from './xml.js';

/** Protocol variants (Connect and Metadata spell them alike) and the protocol each belongs to; undefined: any. */
const VARIANT_PROTOCOL: Record<string, string | undefined> = {
  ClientCredentialsClientSecret: 'Oauth',
  ClientCredentialsClientSecretBasic: 'Oauth',
  ClientCredentialsJwtAssertion: 'Oauth',
  JwtBearer: 'Oauth',
  AwsSv4_STS: 'AwsSv4',
  RolesAnywhere: 'AwsSv4',
  NoAuthentication: undefined,
};

/** Variants whose tokens Salesforce requests from the AuthProviderUrl itself (no Auth. Provider). */
const TOKEN_ENDPOINT_VARIANTS = new Set(['ClientCredentialsClientSecret', 'ClientCredentialsClientSecretBasic', 'ClientCredentialsJwtAssertion', 'JwtBearer']);

/** Variants whose token request the emulator makes: a client id and secret, in the body or a Basic header. */
export const CLIENT_SECRET_VARIANTS = new Set(['ClientCredentialsClientSecret', 'ClientCredentialsClientSecretBasic']);

export type CredentialValue = { value: string; encrypted: boolean };
export type StoredCredentials = Record<string, CredentialValue>;

/** The External Credential parameters of one type. */
export function parametersOf(tree: XNode | undefined, type: string): XNode[] {
  return childrenNamed(tree, 'externalCredentialParameters').filter((p) => childText(p, 'parameterType') === type);
}

export function parameterValue(tree: XNode | undefined, type: string, name?: string): string | undefined {
  const p = parametersOf(tree, type).find((x) => name === undefined || childText(x, 'parameterName') === name);
  return childText(p, 'parameterValue');
}

export function protocolVariant(tree: XNode | undefined): string | undefined {
  return parameterValue(tree, 'AuthProtocolVariant');
}

/** Connect REST spells the Metadata API's `Oauth` as `OAuth`; the other protocols alike. */
export function connectProtocol(tree: XNode | undefined): string {
  const p = childText(tree, 'authenticationProtocol') ?? '';
  return p === 'Oauth' ? 'OAuth' : p;
}

const isLoopback = (host: string): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(host.toLowerCase());

/**
 * Why a deploy (or CRUD upsert) refuses an External Credential's protocol settings; empty when it does not.
 * The wording is the emulator's. http is refused except to loopback, an emulator allowance for local fake token
 * endpoints (Salesforce itself wants https).
 */
export function externalCredentialProblems(tree: XNode): Array<{ message: string; node?: XNode }> {
  const problems: Array<{ message: string; node?: XNode }> = [];
  const protocol = childText(tree, 'authenticationProtocol') ?? '';
  const variantParam = parametersOf(tree, 'AuthProtocolVariant')[0];
  const variant = childText(variantParam, 'parameterValue');
  if (variantParam === undefined) return problems;
  const at = child(variantParam, 'parameterValue') ?? variantParam;
  if (variant === undefined || !(variant in VARIANT_PROTOCOL)) {
    problems.push({ message: `In field: parameterValue - '${variant ?? ''}' is not a valid AuthProtocolVariant`, node: at });
    return problems;
  }
  const owner = VARIANT_PROTOCOL[variant];
  if (owner !== undefined && owner !== protocol) {
    problems.push({ message: `In field: parameterValue - The AuthProtocolVariant ${variant} can't be used with the ${protocol} authentication protocol`, node: at });
    return problems;
  }
  if (!TOKEN_ENDPOINT_VARIANTS.has(variant)) return problems;
  const authProvider = parametersOf(tree, 'AuthProvider')[0];
  if (authProvider) {
    problems.push({ message: `In field: authProvider - An AuthProvider parameter can't be used with the AuthProtocolVariant ${variant}`, node: authProvider });
  }
  const urlParam = parametersOf(tree, 'AuthProviderUrl')[0];
  const url = childText(urlParam, 'parameterValue');
  if (!url) {
    problems.push({ message: `Required field is missing: AuthProviderUrl (the token endpoint of the AuthProtocolVariant ${variant})`, node: urlParam ?? tree });
    return problems;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const secure = parsed?.protocol === 'https:' || (parsed?.protocol === 'http:' && isLoopback(parsed.hostname));
  if (!secure) problems.push({ message: `In field: parameterValue - The AuthProviderUrl must be a valid https URL: ${url}`, node: child(urlParam, 'parameterValue') ?? urlParam });
  return problems;
}

// ---------------------------------------------------------------- a principal's credentials (Connect REST)

/** The credential names a protocol (and variant) accepts, each with the encryption it must have; 'any': Custom. */
export type CredentialRule = { names: Record<string, boolean> | 'any'; required: string[] };

/**
 * The allowlists and encryption rules. AwsSv4 and Custom are as documented for ConnectApi.CredentialInput; the OAuth
 * client-credentials names (clientId not encrypted, clientSecret encrypted) are what clients in the wild send, not
 * confirmed by Salesforce's documentation. Other OAuth variants (browser flow, JwtBearer) take no credentials here.
 */
export function credentialRule(tree: XNode | undefined): CredentialRule {
  const protocol = childText(tree, 'authenticationProtocol');
  const variant = protocolVariant(tree);
  if (protocol === 'Oauth' && variant && CLIENT_SECRET_VARIANTS.has(variant)) return { names: { clientId: false, clientSecret: true }, required: ['clientId', 'clientSecret'] };
  if (protocol === 'Oauth' && variant === 'ClientCredentialsJwtAssertion') return { names: { clientId: false }, required: ['clientId'] };
  if (protocol === 'AwsSv4') return { names: { awsAccessKeyId: false, awsSecretAccessKey: true, awsRoleArn: false }, required: ['awsAccessKeyId', 'awsSecretAccessKey'] };
  if (protocol === 'Custom') return { names: 'any', required: [] };
  return { names: {}, required: [] };
}

/** Configured once every required credential is set; Custom credentials are Unknown, as Salesforce reports them. */
export function credentialStatus(tree: XNode | undefined, stored: StoredCredentials | undefined): 'Configured' | 'NotConfigured' | 'Unknown' {
  const rule = credentialRule(tree);
  if (rule.names === 'any') return 'Unknown';
  return rule.required.length > 0 && rule.required.every((n) => stored?.[n]?.value) ? 'Configured' : 'NotConfigured';
}

/** What Salesforce never shows again: an encrypted value comes back as this mask, whatever its length. */
export const MASK = '********';

export function maskedCredentials(stored: StoredCredentials | undefined): Record<string, { encrypted: boolean; value: string }> {
  return Object.fromEntries(Object.entries(stored ?? {}).map(([name, c]) => [name, { encrypted: c.encrypted, value: c.encrypted ? MASK : c.value }]));
}

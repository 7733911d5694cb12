/*
 * Facts about Salesforce and Microsoft Entra ID that the spec builds on. Names of the shared artifacts live here
 * because every provider in an org reuses them: one plugin class, one test class, one custom metadata type.
 */

export type Cloud = 'global' | 'usgov' | 'dod' | 'china';
export const CLOUDS: readonly Cloud[] = ['global', 'usgov', 'dod', 'china'];

/** Entra authority host and Microsoft Graph host of each national cloud. */
export const CLOUD_HOSTS: Record<Cloud, { authority: string; graph: string }> = {
  global: { authority: 'login.microsoftonline.com', graph: 'graph.microsoft.com' },
  usgov: { authority: 'login.microsoftonline.us', graph: 'graph.microsoft.us' },
  dod: { authority: 'login.microsoftonline.us', graph: 'dod-graph.microsoft.us' },
  china: { authority: 'login.chinacloudapi.cn', graph: 'microsoftgraph.chinacloudapi.cn' },
};

const GRAPH_HOSTS = new Set(CLOUDS.map((cloud) => CLOUD_HOSTS[cloud].graph));
/** Whether a host name is Microsoft Graph in one of the clouds. */
export const isGraphHost = (hostname: string): boolean => GRAPH_HOSTS.has(hostname);

export type NamedCredentialModel = 'external' | 'legacy';
/**
 * How tokens are obtained: `plugin`, the Apex Auth. Provider this tool generates; `native`, Salesforce's own
 * client-credentials flow in an External Credential (API 59+, no Apex, the secret stored encrypted through Connect REST).
 */
export type ProviderMode = 'plugin' | 'native';
export const MODES: readonly ProviderMode[] = ['plugin', 'native'];
/** The External Credential protocol variant --mode native sets up: the client secret goes in the token request's body. */
export const NATIVE_VARIANT = 'ClientCredentialsClientSecret';
/** What marks a native External Credential as set up by this tool (in its description), so list and remove find it. */
export const NATIVE_MARKER = 'sf azure-authprovider';
/** What proves the application's identity: a client secret, or a certificate's signed client assertion. */
export type AuthKind = 'secret' | 'certificate';
export const AUTH_KINDS: readonly AuthKind[] = ['secret', 'certificate'];
export const CREDENTIAL_MODELS: readonly NamedCredentialModel[] = ['external', 'legacy'];

/**
 * API versions: the Assert class used by the test class exists from 56.0, and permission-set access to an
 * External Credential principal from 59.0. The upper bound only catches typos such as 620.0.
 */
export const MIN_API_VERSION = 56;
export const MIN_API_VERSION_EXTERNAL = 59;
export const MAX_API_VERSION = 70;
export const DEFAULT_API_VERSION = '62.0';

/** Salesforce limits on developer names, per metadata type. */
export const NAME_LIMITS = {
  authProvider: 32,
  namedCredential: 80,
  externalCredential: 80,
  principal: 80,
  permissionSet: 80,
  remoteSite: 40,
  metadataRecord: 40,
  certificate: 64,
} as const;
/** The label is the Auth. Provider's friendlyName, which holds 32 characters, and the credentials' label. */
export const LABEL_MAX = 32;
export const USERNAME_MAX = 80;
/** Custom metadata text fields hold at most 255 characters. */
export const TEXT_FIELD_MAX = 255;
/**
 * A Named Credential's URL (NamedCredential.Endpoint, "URL") is a textarea of 1000 characters: Salesforce Field
 * Reference, NamedCredential (developer.salesforce.com/docs/platform/field-reference, salesforce-field-reference-namedcredential).
 */
export const ENDPOINT_MAX = 1000;

/** The artifacts every provider shares. */
export const SHARED = {
  pluginClass: 'AzureClientCredentialsProvider',
  testClass: 'AzureClientCredentialsProviderTest',
  metadataType: 'Azure_Client_Credential',
} as const;

/** Fields of the shared custom metadata type, keyed by the role they play in the plugin. */
export const FIELDS = {
  providerName: { apiName: 'Auth_Provider_Name__c', label: 'Auth. Provider Name', required: true },
  tokenUrl: { apiName: 'Token_URL__c', label: 'Token URL', required: true },
  clientId: { apiName: 'Client_ID__c', label: 'Client ID', required: true },
  // Not required: a certificate record has no secret.
  clientSecret: { apiName: 'Client_Secret__c', label: 'Client Secret', required: false },
  scope: { apiName: 'Scope__c', label: 'Scope', required: false },
  resource: { apiName: 'Resource__c', label: 'Resource', required: false },
  tenantId: { apiName: 'Tenant_ID__c', label: 'Tenant ID', required: false },
  // Not required either: records deployed before certificate support have none, and the plugin reads them as secret.
  authMethod: { apiName: 'Auth_Method__c', label: 'Auth. Method', required: false },
  certificateName: { apiName: 'Certificate_Name__c', label: 'Certificate Name', required: false },
  certificateThumbprint: { apiName: 'Certificate_Thumbprint__c', label: 'Certificate Thumbprint', required: false },
  // Set when the secret lives in an External Credential: the Named Credential (and External Credential) of the token
  // request, through which Salesforce merges the secret into the request it sends.
  tokenCredential: { apiName: 'Token_Credential__c', label: 'Token Credential', required: false },
} as const;
export type FieldRole = keyof typeof FIELDS;

/**
 * What generated files hold instead of the client secret. The plugin class recognizes it and fails with a clear
 * message, so a bundle deployed without its secret explains itself.
 */
export const SECRET_PLACEHOLDER = 'PLACEHOLDER-set-by-sf-azure-authprovider-deploy';

/**
 * Where a plugin provider's client secret lives: `credential`, encrypted in the named principal of a Custom External
 * Credential that only Salesforce reads (it merges the secret into the token request); `record`, in plain text in the
 * custom metadata record, the fallback for the legacy model (no permission set grants a principal there).
 */
export type SecretStorage = 'credential' | 'record';
/** The principal's authentication parameter that holds the secret, as the merge field names it. */
export const SECRET_PARAMETER = 'ClientSecret';
/** The Named Credential and External Credential of a provider's token request share this name. */
export const tokenCredentialName = (provider: string): string => `${provider}_Token`;
/** The merge field Salesforce replaces with the secret when the token request goes out. */
export const secretMergeField = (tokenCredential: string): string => `{!$Credential.${tokenCredential}.${SECRET_PARAMETER}}`;

/** Names deploy gives a provider's principal and permission set unless told otherwise. */
export const DEFAULT_PRINCIPAL = 'NamedPrincipal';
export const defaultPermissionSet = (provider: string): string => `${provider}_Callout`;

/** The name Salesforce gives the principal access entry of a permission set: ExternalCredential-Principal. */
export function principalAccessName(externalCredential: string, principal: string): string {
  return `${externalCredential}-${principal}`;
}

/*
 * Renders a validated BundleSpec into source-format files in memory. Which files exist is decided here, from the
 * spec; what each file looks like is decided by its template under templates/.
 */
import { Messages } from '@salesforce/core';
import type { BundleSpec, ProviderSpec } from '../input/providerSpec.js';
import { DEFAULT_PRINCIPAL, FIELDS, NATIVE_MARKER, NATIVE_VARIANT, SECRET_PARAMETER, SECRET_PLACEHOLDER, SHARED, principalAccessName, type FieldRole } from '../input/platform.js';
import { render } from './templates.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const text = Messages.loadMessages('plugin-azure-authprovider', 'metadata');

/** One rendered file: its path inside the package directory, and the component it belongs to. */
export type BundleFile = { path: string; content: string; type: string; fullName: string };

export type RenderOptions = {
  /** Client secrets by provider name. Providers without one get the placeholder. */
  secrets?: Readonly<Record<string, string>>;
};

const PACKAGE_PATH = 'main/default';

const typeApiName = `${SHARED.metadataType}__mdt`;

function sharedView(apiVersion: string): object {
  return {
    apiVersion,
    classes: { plugin: SHARED.pluginClass, test: SHARED.testClass },
    type: {
      apiName: typeApiName,
      label: text.getMessage('type.label'),
      pluralLabel: text.getMessage('type.pluralLabel'),
      description: text.getMessage('type.description', [SHARED.pluginClass]),
    },
    fields: FIELDS,
    secretPlaceholder: SECRET_PLACEHOLDER,
    secretParameter: SECRET_PARAMETER,
  };
}

function sharedFiles(view: object): BundleFile[] {
  const files: BundleFile[] = [];
  for (const className of [SHARED.pluginClass, SHARED.testClass]) {
    const path = `${PACKAGE_PATH}/classes/${className}.cls`;
    files.push(
      { path, content: render(`classes/${className}.cls.hbs`, view), type: 'ApexClass', fullName: className },
      { path: `${path}-meta.xml`, content: render('classes/class.cls-meta.xml.hbs', view), type: 'ApexClass', fullName: className }
    );
  }
  const objectDir = `${PACKAGE_PATH}/objects/${typeApiName}`;
  files.push({
    path: `${objectDir}/${typeApiName}.object-meta.xml`,
    content: render('objects/metadata-type.object-meta.xml.hbs', view),
    type: 'CustomObject',
    fullName: typeApiName,
  });
  for (const role of Object.keys(FIELDS) as FieldRole[]) {
    const field = { ...FIELDS[role], description: text.getMessage(`field.${role}`) };
    files.push({
      path: `${objectDir}/fields/${field.apiName}.field-meta.xml`,
      content: render('objects/field.field-meta.xml.hbs', { ...view, field }),
      type: 'CustomField',
      fullName: `${typeApiName}.${field.apiName}`,
    });
  }
  return files;
}

/** The record's values in field order, as a retrieve lists them; absent values become xsi:nil. */
function recordValues(provider: ProviderSpec, secret: string): Array<{ field: string; value?: string }> {
  const { auth } = provider;
  const certificate = auth.kind === 'certificate' ? auth : undefined;
  const values: Record<FieldRole, string | undefined> = {
    providerName: provider.name,
    tokenUrl: provider.tokenUrl,
    clientId: provider.clientId,
    // A certificate provider has no secret, not even the placeholder; nor has one whose secret a credential holds.
    clientSecret: certificate !== undefined || provider.secretStorage === 'credential' ? undefined : secret,
    scope: provider.scope,
    resource: provider.resource,
    tenantId: provider.tenantId,
    authMethod: auth.kind,
    certificateName: certificate?.certificate,
    certificateThumbprint: certificate?.thumbprint,
    tokenCredential: provider.tokenCredential,
  };
  return (Object.keys(FIELDS) as FieldRole[])
    .map((role) => ({ field: FIELDS[role].apiName, value: values[role] }))
    .sort((a, b) => a.field.localeCompare(b.field));
}

/**
 * The token request's own credentials when the secret is stored encrypted: a Custom External Credential whose
 * principal holds it (set through Connect REST after the deploy, never in a file), and a Named Credential for the
 * token endpoint that lets Salesforce merge it into the request body.
 */
function tokenCredentialFiles(view: object, provider: ProviderSpec): BundleFile[] {
  const name = provider.tokenCredential!;
  const tokenView = {
    ...view,
    tokenPrincipal: DEFAULT_PRINCIPAL,
    tokenLabel: text.getMessage('tokenCredential.label', [provider.label]),
    tokenDescription: text.getMessage('tokenCredential.description', [NATIVE_MARKER, provider.name, DEFAULT_PRINCIPAL]),
  };
  return [
    {
      path: `${PACKAGE_PATH}/externalCredentials/${name}.externalCredential-meta.xml`,
      content: render('externalCredentials/token-external-credential.externalCredential-meta.xml.hbs', tokenView),
      type: 'ExternalCredential',
      fullName: name,
    },
    {
      path: `${PACKAGE_PATH}/namedCredentials/${name}.namedCredential-meta.xml`,
      content: render('namedCredentials/token-named-credential.namedCredential-meta.xml.hbs', tokenView),
      type: 'NamedCredential',
      fullName: name,
    },
  ];
}

/** The plugin's own pieces: the provider's custom metadata record and its Auth. Provider. */
function pluginFiles(view: object, provider: ProviderSpec, secret: string): BundleFile[] {
  const recordName = `${SHARED.metadataType}.${provider.name}`;
  return [
    {
      path: `${PACKAGE_PATH}/customMetadata/${recordName}.md-meta.xml`,
      content: render('customMetadata/record.md-meta.xml.hbs', { ...view, values: recordValues(provider, secret) }),
      type: 'CustomMetadata',
      fullName: recordName,
    },
    {
      path: `${PACKAGE_PATH}/authproviders/${provider.name}.authprovider-meta.xml`,
      content: render('authproviders/auth-provider.authprovider-meta.xml.hbs', view),
      type: 'AuthProvider',
      fullName: provider.name,
    },
  ];
}

function providerFiles(shared: object, provider: ProviderSpec, secret: string): BundleFile[] {
  const native = provider.mode === 'native';
  const view = {
    ...shared,
    provider,
    native,
    nativeVariant: NATIVE_VARIANT,
    nativeDescription: native ? text.getMessage('externalCredential.nativeDescription', [NATIVE_MARKER, provider.principal]) : undefined,
  };
  const files = native ? [] : pluginFiles(view, provider, secret);
  const namedCredentialTemplate =
    provider.model === 'external'
      ? 'namedCredentials/named-credential.namedCredential-meta.xml.hbs'
      : 'namedCredentials/legacy-named-credential.namedCredential-meta.xml.hbs';
  files.push({
    path: `${PACKAGE_PATH}/namedCredentials/${provider.namedCredential}.namedCredential-meta.xml`,
    content: render(namedCredentialTemplate, view),
    type: 'NamedCredential',
    fullName: provider.namedCredential,
  });
  if (provider.model === 'external' && provider.externalCredential && provider.principal && provider.permissionSet) {
    files.push(
      {
        path: `${PACKAGE_PATH}/externalCredentials/${provider.externalCredential}.externalCredential-meta.xml`,
        content: render('externalCredentials/external-credential.externalCredential-meta.xml.hbs', view),
        type: 'ExternalCredential',
        fullName: provider.externalCredential,
      },
      {
        path: `${PACKAGE_PATH}/permissionsets/${provider.permissionSet}.permissionset-meta.xml`,
        content: render('permissionsets/permission-set.permissionset-meta.xml.hbs', {
          ...view,
          principalAccess: principalAccessName(provider.externalCredential, provider.principal),
          tokenPrincipalAccess: provider.tokenCredential ? principalAccessName(provider.tokenCredential, DEFAULT_PRINCIPAL) : undefined,
          permissionSetLabel: text.getMessage('permissionSet.label', [provider.label]),
        }),
        type: 'PermissionSet',
        fullName: provider.permissionSet,
      }
    );
  }
  if (provider.tokenCredential) files.push(...tokenCredentialFiles(view, provider));
  return files;
}

/**
 * Renders every file of the bundle: for plugin providers the shared class, test class and custom metadata type once,
 * one remote site per token host, and each one's record and Auth. Provider; for every provider its credentials.
 * Native providers need no Apex and no remote site: Salesforce itself calls their token endpoint.
 */
export function renderBundle(spec: BundleSpec, options: RenderOptions = {}): BundleFile[] {
  const shared = sharedView(spec.apiVersion);
  const plugins = spec.providers.filter((provider) => provider.mode === 'plugin');
  const files = plugins.length > 0 ? sharedFiles(shared) : [];
  const remoteSites = new Map(plugins.map((provider) => [provider.remoteSite.name, provider.remoteSite]));
  for (const remoteSite of remoteSites.values()) {
    files.push({
      path: `${PACKAGE_PATH}/remoteSiteSettings/${remoteSite.name}.remoteSite-meta.xml`,
      content: render('remoteSiteSettings/remote-site.remoteSite-meta.xml.hbs', { ...shared, remoteSite }),
      type: 'RemoteSiteSetting',
      fullName: remoteSite.name,
    });
  }
  for (const provider of spec.providers) {
    files.push(...providerFiles(shared, provider, options.secrets?.[provider.name] ?? SECRET_PLACEHOLDER));
  }
  return files;
}

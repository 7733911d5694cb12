/*
 * The flags that describe a provider, shared by every command that renders one, and their mapping to the spec's
 * input. Flags only collect text: all validation happens in parseBundleSpec, so messages are the same everywhere.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { BundleInput, FieldNaming, ProviderInput } from '../../input/providerSpec.js';
import type { ConfigFile } from '../../input/configFile.js';
import { AUTH_KINDS, CLOUDS, CREDENTIAL_MODELS, DEFAULT_API_VERSION, MODES } from '../../input/platform.js';
import { needsClientSecret } from '../../input/clientSecret.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'provider-flags');

/** --wait's default for deploys, in minutes: the same as `sf project deploy start`. */
export const WAIT_MINUTES = 33;

export const providerFlags = {
  name: Flags.string({
    char: 'n',
    summary: messages.getMessage('flags.name.summary'),
    description: messages.getMessage('flags.name.description'),
  }),
  label: Flags.string({ summary: messages.getMessage('flags.label.summary') }),
  'tenant-id': Flags.string({
    char: 't',
    summary: messages.getMessage('flags.tenant-id.summary'),
    description: messages.getMessage('flags.tenant-id.description'),
  }),
  'client-id': Flags.string({
    char: 'c',
    summary: messages.getMessage('flags.client-id.summary'),
  }),
  'client-secret': Flags.string({
    summary: messages.getMessage('flags.client-secret.summary'),
    description: messages.getMessage('flags.client-secret.description'),
  }),
  cloud: Flags.string({
    summary: messages.getMessage('flags.cloud.summary'),
    description: messages.getMessage('flags.cloud.description'),
    options: [...CLOUDS],
    default: 'global',
  }),
  'token-url': Flags.string({
    summary: messages.getMessage('flags.token-url.summary'),
    description: messages.getMessage('flags.token-url.description'),
  }),
  scope: Flags.string({
    summary: messages.getMessage('flags.scope.summary'),
    description: messages.getMessage('flags.scope.description'),
    exclusive: ['resource'],
  }),
  resource: Flags.string({
    summary: messages.getMessage('flags.resource.summary'),
    description: messages.getMessage('flags.resource.description'),
    exclusive: ['scope'],
  }),
  endpoint: Flags.string({
    summary: messages.getMessage('flags.endpoint.summary'),
    description: messages.getMessage('flags.endpoint.description'),
  }),
  model: Flags.string({
    summary: messages.getMessage('flags.model.summary'),
    description: messages.getMessage('flags.model.description'),
    options: [...CREDENTIAL_MODELS],
  }),
  'execution-user': Flags.string({
    summary: messages.getMessage('flags.execution-user.summary'),
    description: messages.getMessage('flags.execution-user.description'),
  }),
  'named-credential': Flags.string({ summary: messages.getMessage('flags.named-credential.summary') }),
  'external-credential': Flags.string({ summary: messages.getMessage('flags.external-credential.summary') }),
  principal: Flags.string({ summary: messages.getMessage('flags.principal.summary') }),
  'permission-set': Flags.string({ summary: messages.getMessage('flags.permission-set.summary') }),
  'refresh-status-code': Flags.string({
    summary: messages.getMessage('flags.refresh-status-code.summary'),
    description: messages.getMessage('flags.refresh-status-code.description'),
    multiple: true,
  }),
  'api-version': Flags.string({
    summary: messages.getMessage('flags.api-version.summary', [DEFAULT_API_VERSION]),
  }),
  mode: Flags.string({
    summary: messages.getMessage('flags.mode.summary'),
    description: messages.getMessage('flags.mode.description'),
    options: [...MODES],
  }),
  auth: Flags.string({
    summary: messages.getMessage('flags.auth.summary'),
    description: messages.getMessage('flags.auth.description'),
    options: [...AUTH_KINDS],
  }),
  certificate: Flags.string({
    summary: messages.getMessage('flags.certificate.summary'),
    description: messages.getMessage('flags.certificate.description'),
  }),
  'certificate-file': Flags.string({
    summary: messages.getMessage('flags.certificate-file.summary'),
    description: messages.getMessage('flags.certificate-file.description'),
  }),
};

/** Several providers from one file instead of the provider flags (generate and deploy). */
export const configFileFlag = {
  'config-file': Flags.file({
    summary: messages.getMessage('flags.config-file.summary'),
    description: messages.getMessage('flags.config-file.description'),
    exists: true,
  }),
};

/** generate and deploy: let a provider name already in use get another tenant or client. */
export const forceFlag = {
  force: Flags.boolean({
    summary: messages.getMessage('flags.force.summary'),
    description: messages.getMessage('flags.force.description'),
    default: false,
  }),
};

type ParseMetadata = { flags: Record<string, { setFromDefault?: boolean } | undefined> };

type SecretFlagValues = { 'client-secret'?: string; 'client-secret-stdin'?: boolean };

/** A secret given for a bundle that has no use for one is a mistake worth naming, not something to ignore. */
function refuseUnusedSecret(flags: SecretFlagValues, input: BundleInput): void {
  const given = flags['client-secret'] !== undefined ? '--client-secret' : flags['client-secret-stdin'] ? '--client-secret-stdin' : undefined;
  if (given && !input.providers.some(needsClientSecret)) {
    throw messages.createError('error.SecretWithCertificate', [given], [given], EXIT_CODES['invalid-input']);
  }
}

/**
 * The bundle's input from --config-file or from the provider flags, never both. With a config file, messages name
 * the file's keys and `config` says where each provider's secret lives.
 */
export async function bundleInputOf(
  flags: ProviderFlagValues & SecretFlagValues & { 'config-file'?: string },
  metadata: ParseMetadata
): Promise<{ input: BundleInput; naming?: FieldNaming; config?: ConfigFile; warnings: string[] }> {
  const path = flags['config-file'];
  const { resolveCertificateFiles } = await import('../../input/certificateCredential.js');
  if (path === undefined) {
    const { input, warnings } = resolveCertificateFiles(bundleInputFromFlags(flags));
    refuseUnusedSecret(flags, input);
    return { input, warnings };
  }
  const given = Object.keys(providerFlags).filter(
    (key) => key !== 'client-secret' && (flags as Record<string, unknown>)[key] !== undefined && metadata.flags[key]?.setFromDefault !== true
  );
  if (given.length > 0) throw messages.createError('error.ConfigAndFlags', [given.map((key) => `--${key}`).join(', ')], [], EXIT_CODES['invalid-input']);
  const { configNaming, readConfigFile } = await import('../../input/configFile.js');
  const config = await readConfigFile(path);
  const naming = configNaming(path);
  refuseUnusedSecret(flags, config.input);
  return { ...resolveCertificateFiles(config.input, naming), naming, config };
}

type ProviderFlagValues = {
  name?: string;
  label?: string;
  'tenant-id'?: string;
  'client-id'?: string;
  cloud?: string;
  'token-url'?: string;
  scope?: string;
  resource?: string;
  endpoint?: string;
  model?: string;
  'execution-user'?: string;
  'named-credential'?: string;
  'external-credential'?: string;
  principal?: string;
  'permission-set'?: string;
  'refresh-status-code'?: string[];
  'api-version'?: string;
  mode?: string;
  auth?: string;
  certificate?: string;
  'certificate-file'?: string;
};

/** One provider's input from the flags a command has; flags it lacks stay undefined. */
export function providerInputFromFlags(flags: ProviderFlagValues): ProviderInput {
  return {
    name: flags.name,
    label: flags.label,
    tenantId: flags['tenant-id'],
    clientId: flags['client-id'],
    cloud: flags.cloud,
    tokenUrl: flags['token-url'],
    scope: flags.scope,
    resource: flags.resource,
    endpoint: flags.endpoint,
    model: flags.model,
    executionUser: flags['execution-user'],
    namedCredential: flags['named-credential'],
    externalCredential: flags['external-credential'],
    principal: flags.principal,
    permissionSet: flags['permission-set'],
    refreshStatusCodes: flags['refresh-status-code'],
    mode: flags.mode,
    auth: flags.auth,
    certificate: flags.certificate,
    certificateFile: flags['certificate-file'],
  };
}

export function bundleInputFromFlags(flags: ProviderFlagValues): BundleInput {
  return { apiVersion: flags['api-version'], providers: [providerInputFromFlags(flags)] };
}

/*
 * The flags that describe a provider, shared by every command that renders one, made from the table of provider
 * inputs (input/providerFields.ts). Flags only collect text: all validation happens in parseBundleSpec, so messages
 * are the same everywhere.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { OptionFlag } from '@oclif/core/interfaces';
import type { BundleInput, FieldNaming } from '../../input/providerSpec.js';
import { PROVIDER_FIELDS, providerInputFromFlags, type FieldRow, type ProviderFlagValues } from '../../input/providerFields.js';
import type { ConfigFile } from '../../input/configFile.js';
import { needsClientSecret } from '../../input/clientSecret.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'provider-flags');

// The commands map their flags with this too.
export { providerInputFromFlags } from '../../input/providerFields.js';

/** --wait's default for deploys, in minutes: the same as `sf project deploy start`. */
export const WAIT_MINUTES = 33;

type Rows = (typeof PROVIDER_FIELDS)[number];
/** What oclif's Flags.string returns for a row: repeatable, with a default, or neither. */
type FlagOf<R extends Rows> = R extends { kind: 'list' }
  ? OptionFlag<string[] | undefined>
  : R extends { default: string }
    ? OptionFlag<string>
    : OptionFlag<string | undefined>;

function flagOf(row: FieldRow): OptionFlag<string | undefined> | OptionFlag<string[] | undefined> {
  const definition = {
    ...(row.char ? { char: row.char } : {}),
    summary: messages.getMessage(row.summary, row.summaryTokens ? [...row.summaryTokens] : []),
    ...(row.description ? { description: messages.getMessage(row.description) } : {}),
    ...(row.options ? { options: [...row.options] } : {}),
    ...(row.exclusive ? { exclusive: [...row.exclusive] } : {}),
  };
  if (row.kind === 'list') return Flags.string({ ...definition, multiple: true });
  return Flags.string({ ...definition, ...(row.default !== undefined ? { default: row.default } : {}) });
}

/** The flags that describe a provider, in the table's order (the order --help lists them in). */
export const providerFlags = Object.fromEntries(PROVIDER_FIELDS.map((row) => [row.flag, flagOf(row)])) as {
  [R in Rows as R['flag']]: FlagOf<R>;
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

export function bundleInputFromFlags(flags: ProviderFlagValues): BundleInput {
  return { apiVersion: flags['api-version'], providers: [providerInputFromFlags(flags)] };
}

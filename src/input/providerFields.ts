/*
 * The one table of provider inputs: per input its config-file key, its flag, the kind of value and its help text's
 * message keys. The input types, FLAG_OF, the oclif flags (cli/flags/providerFlags.ts) and the flag-to-input mapper
 * derive from it; test/unit/providerFields.test.ts holds schemas/config.schema.json to it. Adding an input: a row here,
 * its messages in messages/provider-flags.md, its rule in the parser and its use in a template (CONTRIBUTING.md).
 */
import { AUTH_KINDS, CLOUDS, CREDENTIAL_MODELS, DEFAULT_API_VERSION, MODES } from './platform.js';

/** text: one string; list: a repeatable flag (a config file's array); option: one of `options`. */
export type FieldKind = 'text' | 'list' | 'option';

export type FieldRow = {
  /** The config file's key and the input's property; absent for the client secret, which is never an input field. */
  readonly key?: string;
  /** The flag's name, without the dashes. */
  readonly flag: string;
  readonly char?: 'n' | 't' | 'c';
  readonly kind: FieldKind;
  readonly options?: readonly string[];
  readonly default?: string;
  /** Flags that cannot be given together with this one. */
  readonly exclusive?: readonly string[];
  /** provider: one per provider (`providers[i]` in a config file); bundle: one per run (top level). */
  readonly level: 'provider' | 'bundle';
  /** Message keys in messages/provider-flags.md, and the summary's tokens. */
  readonly summary: string;
  readonly summaryTokens?: readonly string[];
  readonly description?: string;
};

/** In flag order: --help lists the flags in this order. */
export const PROVIDER_FIELDS = [
  { key: 'name', flag: 'name', char: 'n', kind: 'text', level: 'provider', summary: 'flags.name.summary', description: 'flags.name.description' },
  { key: 'label', flag: 'label', kind: 'text', level: 'provider', summary: 'flags.label.summary' },
  { key: 'tenantId', flag: 'tenant-id', char: 't', kind: 'text', level: 'provider', summary: 'flags.tenant-id.summary', description: 'flags.tenant-id.description' },
  { key: 'clientId', flag: 'client-id', char: 'c', kind: 'text', level: 'provider', summary: 'flags.client-id.summary' },
  // No key: the secret travels apart from the input (clientSecret.ts), so nothing that carries a spec can carry it.
  { flag: 'client-secret', kind: 'text', level: 'provider', summary: 'flags.client-secret.summary', description: 'flags.client-secret.description' },
  {
    key: 'cloud',
    flag: 'cloud',
    kind: 'option',
    options: CLOUDS,
    default: 'global',
    level: 'provider',
    summary: 'flags.cloud.summary',
    description: 'flags.cloud.description',
  },
  { key: 'tokenUrl', flag: 'token-url', kind: 'text', level: 'provider', summary: 'flags.token-url.summary', description: 'flags.token-url.description' },
  {
    key: 'scope',
    flag: 'scope',
    kind: 'text',
    exclusive: ['resource'],
    level: 'provider',
    summary: 'flags.scope.summary',
    description: 'flags.scope.description',
  },
  {
    key: 'resource',
    flag: 'resource',
    kind: 'text',
    exclusive: ['scope'],
    level: 'provider',
    summary: 'flags.resource.summary',
    description: 'flags.resource.description',
  },
  { key: 'endpoint', flag: 'endpoint', kind: 'text', level: 'provider', summary: 'flags.endpoint.summary', description: 'flags.endpoint.description' },
  {
    key: 'model',
    flag: 'model',
    kind: 'option',
    options: CREDENTIAL_MODELS,
    level: 'provider',
    summary: 'flags.model.summary',
    description: 'flags.model.description',
  },
  {
    key: 'executionUser',
    flag: 'execution-user',
    kind: 'text',
    level: 'provider',
    summary: 'flags.execution-user.summary',
    description: 'flags.execution-user.description',
  },
  { key: 'namedCredential', flag: 'named-credential', kind: 'text', level: 'provider', summary: 'flags.named-credential.summary' },
  { key: 'externalCredential', flag: 'external-credential', kind: 'text', level: 'provider', summary: 'flags.external-credential.summary' },
  { key: 'principal', flag: 'principal', kind: 'text', level: 'provider', summary: 'flags.principal.summary' },
  { key: 'permissionSet', flag: 'permission-set', kind: 'text', level: 'provider', summary: 'flags.permission-set.summary' },
  {
    key: 'refreshStatusCodes',
    flag: 'refresh-status-code',
    kind: 'list',
    level: 'provider',
    summary: 'flags.refresh-status-code.summary',
    description: 'flags.refresh-status-code.description',
  },
  {
    key: 'apiVersion',
    flag: 'api-version',
    kind: 'text',
    level: 'bundle',
    summary: 'flags.api-version.summary',
    summaryTokens: [DEFAULT_API_VERSION],
  },
  { key: 'mode', flag: 'mode', kind: 'option', options: MODES, level: 'provider', summary: 'flags.mode.summary', description: 'flags.mode.description' },
  { key: 'auth', flag: 'auth', kind: 'option', options: AUTH_KINDS, level: 'provider', summary: 'flags.auth.summary', description: 'flags.auth.description' },
  // The developer name of the Salesforce certificate that signs the client assertion.
  { key: 'certificate', flag: 'certificate', kind: 'text', level: 'provider', summary: 'flags.certificate.summary', description: 'flags.certificate.description' },
  // The PEM file of that certificate (the one registered on the Entra app), read for its thumbprint.
  {
    key: 'certificateFile',
    flag: 'certificate-file',
    kind: 'text',
    level: 'provider',
    summary: 'flags.certificate-file.summary',
    description: 'flags.certificate-file.description',
  },
] as const satisfies readonly FieldRow[];

type Row = (typeof PROVIDER_FIELDS)[number];
type InputRow = Extract<Row, { key: string }>;
type ProviderRow = Extract<InputRow, { level: 'provider' }>;

/** A config file's list holds numbers as well as strings (status codes); a flag's values are always strings. */
type InputValue<R extends Row> = R extends { kind: 'list' } ? Array<string | number> : string;
type FlagValue<R extends Row> = R extends { kind: 'list' } ? string[] : string;

/** One provider's raw input, from flags or a config file; every value is checked by parseBundleSpec. */
export type ProviderInput = { [R in ProviderRow as R['key']]?: InputValue<R> } & {
  /** base64url SHA-1 thumbprint (x5t) of the certificate, filled in from certificateFile by resolveCertificateFiles. */
  certificateThumbprint?: string;
};

/** Every input a message can name: the provider's fields and the run's apiVersion. */
export type Field = InputRow['key'];

/** The values of the provider flags as oclif parses them, keyed by flag name. */
export type ProviderFlagValues = { [R in InputRow as R['flag']]?: FlagValue<R> };

const INPUT_ROWS = PROVIDER_FIELDS.filter((row): row is InputRow => 'key' in row);

/** The flag each input field comes from, so every message names what the user typed. */
export const FLAG_OF = Object.fromEntries(INPUT_ROWS.map((row) => [row.key, `--${row.flag}`])) as Record<Field, string>;

/** One provider's input from the flags a command has; flags it lacks stay undefined. */
export function providerInputFromFlags(flags: ProviderFlagValues): ProviderInput {
  const values = flags as Record<string, string | string[] | undefined>;
  return Object.fromEntries(INPUT_ROWS.filter((row) => row.level === 'provider').map((row) => [row.key, values[row.flag]])) as ProviderInput;
}

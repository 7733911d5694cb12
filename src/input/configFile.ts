/*
 * Reads a config file (JSON or YAML) describing several providers, checks it against the published JSON Schema
 * (schemas/config.schema.json), and turns it into the spec's input. Secrets never live in the file: each provider
 * names the environment variable that holds its secret. The parsers load only when a config file is used.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Messages, SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import type { BundleInput } from './providerSpec.js';
import type { FieldNaming } from './checker.js';
import type { ProviderInput } from './providerFields.js';
import { jsonSyntaxProblem } from './jsonSyntax.js';
import { requireUsableSecret, needsClientSecret, SECRET_ENV, type ClientSecret } from './clientSecret.js';
import { utf8Text } from './utf8.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

const SCHEMA_PATH = fileURLToPath(new URL('../../schemas/config.schema.json', import.meta.url));

export type ConfigProvider = ProviderInput & { clientSecretEnv?: string };
export type ConfigFile = { path: string; input: BundleInput; secretEnv: Record<string, string> };

const invalid = (key: string, tokens: string[]): SfError => messages.createError(key, tokens, [], EXIT_CODES['invalid-input']);

/** A syntax error by place and kind. The parsers' own messages quote the file, which may hold a secret typed into it. */
const unparsable = (path: string, line: number | undefined, column: number | undefined, problem: string): SfError =>
  invalid('error.ConfigUnparsable', [path, line === undefined ? problem : messages.getMessage('config.SyntaxAt', [line, column ?? 1, problem])]);

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const found = jsonSyntaxProblem(text);
    throw unparsable(path, found?.line, found?.column, messages.getMessage(`json.${found?.problem ?? 'Invalid'}`));
  }
}

async function parseYaml(path: string, text: string): Promise<unknown> {
  const { LineCounter, parseDocument, visit } = await import('yaml');
  const lines = new LineCounter();
  // logLevel error: yaml would print warnings (an unknown tag, quoted) to stderr itself.
  const doc = parseDocument(text, { logLevel: 'error', lineCounter: lines });
  const [first] = doc.errors;
  // yaml's codes (BAD_INDENT, MISSING_CHAR, ...) are its fixed vocabulary, unlike its messages.
  if (first) throw unparsable(path, first.linePos?.[0].line, first.linePos?.[0].col, messages.getMessage('yaml.Problem', [first.code.toLowerCase().replace(/_/g, ' ')]));
  // An alias to no anchor passes the parser and fails when read, with a message naming it.
  let unresolved: number | undefined;
  visit(doc, {
    Alias: (_key, node) => {
      if (unresolved === undefined && node.resolve(doc) === undefined) unresolved = node.range?.[0] ?? 0;
    },
  });
  if (unresolved !== undefined) {
    const { line, col } = lines.linePos(unresolved);
    throw unparsable(path, line, col, messages.getMessage('yaml.UnknownAlias'));
  }
  try {
    return doc.toJS() as unknown;
  } catch {
    throw unparsable(path, undefined, undefined, messages.getMessage('yaml.Unreadable'));
  }
}

function parse(path: string, text: string): Promise<unknown> {
  const json = /\.json$/i.test(path) || text.trimStart().startsWith('{');
  return json ? Promise.resolve(text).then((input) => parseJson(path, input)) : parseYaml(path, text);
}

/** Schema problems in the words of the file: `providers[1].tenantId: must be string`. */
async function schemaProblems(data: unknown): Promise<string[]> {
  const { Ajv } = await import('ajv');
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(await readFile(SCHEMA_PATH, 'utf8')) as object);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || '(top level)';
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    if (extra && /secret/i.test(extra)) return messages.getMessage('config.SecretInFile', [`${where === '(top level)' ? '' : `${where}.`}${extra}`]);
    if (extra) return `${where}: ${messages.getMessage('config.UnknownKey', [extra])}`;
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    return `${where}: ${error.message ?? ''}${allowed ? ` (${allowed.join(', ')})` : ''}`;
  });
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw invalid('error.ConfigUnreadable', [path, (error as NodeJS.ErrnoException).code ?? (error as Error).message]);
  }
  // UTF-8 only, and a leading byte order mark (as Windows editors write) is not part of the JSON or YAML.
  const text = utf8Text(bytes);
  if (text === undefined) throw invalid('error.ConfigEncoding', [path]);
  const data = await parse(path, text);
  const problems = await schemaProblems(data);
  if (problems.length > 0) throw invalid('error.ConfigInvalid', [path, problems.map((problem) => `- ${problem}`).join('\n')]);
  const { apiVersion, providers } = data as { apiVersion?: string; providers: ConfigProvider[] };
  const secretEnv: Record<string, string> = {};
  const inputs = providers.map(({ clientSecretEnv, ...provider }) => {
    // A certificate provider has no secret; a native or secret one reads it from the environment.
    if (needsClientSecret(provider)) secretEnv[provider.name ?? ''] = clientSecretEnv ?? SECRET_ENV;
    // A certificate file is found beside the config file, wherever the command runs.
    return provider.certificateFile === undefined ? provider : { ...provider, certificateFile: resolve(dirname(path), provider.certificateFile) };
  });
  return { path, input: { apiVersion, providers: inputs }, secretEnv };
}

/** Messages about a config file's values name the key and the provider, not a flag. */
export function configNaming(path: string): FieldNaming {
  return (field, provider) => (field === 'apiVersion' ? `${path}: apiVersion` : `${path}: providers[${provider}].${field}`);
}

/** Each provider's secret from the environment variable the file names; all missing ones are reported together. */
export function secretsFromEnv(config: ConfigFile, env: NodeJS.ProcessEnv = process.env): Record<string, ClientSecret> {
  const secrets: Record<string, ClientSecret> = {};
  const missing: string[] = [];
  for (const [provider, variable] of Object.entries(config.secretEnv)) {
    const value = env[variable];
    if (value === undefined || value === '') missing.push(`- ${messages.getMessage('config.SecretMissingFor', [provider, variable])}`);
    else secrets[provider] = { value: requireUsableSecret(value, variable), source: variable };
  }
  if (missing.length > 0) throw messages.createError('error.ConfigSecretsMissing', [config.path, missing.join('\n')], [SECRET_ENV], EXIT_CODES['invalid-input']);
  return secrets;
}

/*
 * Where the client secret comes from. It is never a spec field: it travels separately so that nothing that
 * describes, logs or writes the spec can carry it.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { FORBIDDEN_CHARS } from './checker.js';
import type { ProviderInput } from './providerFields.js';
import { TEXT_FIELD_MAX } from './platform.js';
import { utf8Text } from './utf8.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

export const SECRET_ENV = 'AZURE_CLIENT_SECRET';

/** --client-secret, stdin, prompt, or the name of the environment variable that held it. */
export type SecretSource = string;
export type ClientSecret = { value: string; source: SecretSource };

/**
 * Refuses --client-secret while DEBUG is set. oclif prints argv under DEBUG three times before any plugin code runs
 * (main, runCommand, the command's init) and twice more when flags are parsed: called before parsing, this stops the
 * last two and the command itself. PluginCommand calls it before it parses.
 */
export function refuseSecretFlagUnderDebug(argv: string[], env: NodeJS.ProcessEnv = process.env): void {
  if (!env.DEBUG) return;
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  if (argv.slice(0, end).some((arg) => arg === '--client-secret' || arg.startsWith('--client-secret='))) {
    throw messages.createError('error.SecretFlagUnderDebug', [], [], EXIT_CODES['invalid-input']);
  }
}

/**
 * The client secret: any non-empty value a custom metadata text field can hold, with no control characters and no
 * U+FFFD, which is what bytes that are not UTF-8 become when the environment or the command line is decoded.
 */
export function requireUsableSecret(secret: string, source: string): string {
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

/** The secret from the flag or, failing that, the environment; undefined when neither holds one. */
export function clientSecretFrom(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): ClientSecret | undefined {
  if (flagValue !== undefined) return { value: requireUsableSecret(flagValue, '--client-secret'), source: '--client-secret' };
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { value: requireUsableSecret(fromEnv, SECRET_ENV), source: SECRET_ENV };
  return undefined;
}

/** The most bytes a secret read as bytes may take: the longest secret, four UTF-8 bytes a character, and a CR LF. */
export const SECRET_BYTES_MAX = TEXT_FIELD_MAX * 4 + 2;

/**
 * A secret read as bytes (standard input), decoded as UTF-8 only: Node would turn other bytes into U+FFFD without a
 * word. One trailing line break is what `echo` or a here-string adds; the secret itself cannot hold one. `undefined`
 * stands for more than SECRET_BYTES_MAX bytes, which were not all read.
 */
export function clientSecretFromBytes(bytes: Uint8Array | undefined, source: string): string {
  if (bytes === undefined) throw messages.createError('error.SecretTooLong', [source, TEXT_FIELD_MAX], [], EXIT_CODES['invalid-input']);
  const text = utf8Text(bytes);
  if (text === undefined) throw messages.createError('error.SecretEncoding', [source], [], EXIT_CODES['invalid-input']);
  return requireUsableSecret(text.replace(/\r?\n$/, ''), source);
}

/** A certificate provider signs a client assertion in the org: it has no client secret at all. */
export const needsClientSecret = (provider: ProviderInput): boolean => provider.auth !== 'certificate';

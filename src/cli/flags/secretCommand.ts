/*
 * What every command that needs the client secret does the same way: warn when it comes as a flag, take it from
 * the environment, and ask with a hidden prompt only when someone can answer (an interactive terminal, no --json).
 * Commands call these with themselves.
 */
import { Messages, type SfError } from '@salesforce/core';
import { Flags, type SfCommand } from '@salesforce/sf-plugins-core';
import { requireUsableSecret, clientSecretFrom, clientSecretFromBytes, SECRET_BYTES_MAX, SECRET_ENV, type ClientSecret } from '../../input/clientSecret.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { canPrompt } from '../pluginCommand.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'provider-flags');

/** Reading the secret from standard input, for scripts that hold it in a pipe rather than the environment. */
export const clientSecretStdinFlag = Flags.boolean({
  summary: messages.getMessage('flags.client-secret-stdin.summary'),
  description: messages.getMessage('flags.client-secret-stdin.description'),
  exclusive: ['client-secret'],
  default: false,
});

/** What reading the secret uses of the command: its warning, its --json state, its spinner and its hidden prompt. */
export type SecretAsker = Pick<SfCommand<unknown>, 'warn' | 'jsonEnabled' | 'spinner' | 'secretPrompt'>;

/** Standard input's bytes, or undefined as soon as there are more than `max` (so /dev/zero ends too). */
async function stdinBytes(max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    // Leaving the loop closes the stream: nothing more is read.
    if (size > max) return undefined;
  }
  return Buffer.concat(chunks);
}

/**
 * The secret from --client-secret, standard input (--client-secret-stdin) or the environment. Without one,
 * `required()` (the command's error) is thrown unless a prompt can ask later; then undefined is returned and
 * `promptForSecret` does it.
 */
export async function knownSecret(
  command: SecretAsker,
  flags: { 'client-secret'?: string; 'client-secret-stdin'?: boolean },
  required: () => SfError
): Promise<ClientSecret | undefined> {
  if (flags['client-secret'] !== undefined) command.warn(messages.getMessage('warning.SecretOnCommandLine'));
  if (flags['client-secret-stdin']) {
    return { value: clientSecretFromBytes(await stdinBytes(SECRET_BYTES_MAX), 'standard input'), source: 'stdin' };
  }
  const known = clientSecretFrom(flags['client-secret']);
  if (!known && !canPrompt(command)) {
    // Set but empty is most often an unset variable expanded into it: say that, not "none was found".
    if (process.env[SECRET_ENV] === '') throw messages.createError('error.SecretEnvEmpty', [SECRET_ENV], [SECRET_ENV], EXIT_CODES['invalid-input']);
    throw required();
  }
  return known;
}

/** The hidden prompt; call it only once the input is known to be valid. */
export async function promptForSecret(command: SecretAsker): Promise<ClientSecret> {
  command.spinner.stop();
  const value = await command.secretPrompt({ message: messages.getMessage('prompt.Secret') });
  return { value: requireUsableSecret(value, 'the prompt'), source: 'prompt' };
}

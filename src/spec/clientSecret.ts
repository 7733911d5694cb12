/*
 * Where the client secret comes from. It is never a spec field: it travels separately so that nothing that
 * describes, logs or writes the spec can carry it.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../exitCodes.js';
import { checkClientSecret, type ProviderInput } from './providerSpec.js';

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

/** The secret from the flag or, failing that, the environment; undefined when neither holds one. */
export function clientSecretFrom(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): ClientSecret | undefined {
  if (flagValue !== undefined) return { value: checkClientSecret(flagValue, '--client-secret'), source: '--client-secret' };
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { value: checkClientSecret(fromEnv, SECRET_ENV), source: SECRET_ENV };
  return undefined;
}

/** A certificate provider signs a client assertion in the org: it has no client secret at all. */
export const needsClientSecret = (provider: ProviderInput): boolean => provider.auth !== 'certificate';

/*
 * The sections sf adds to a command's --help after its flags: ERROR CODES (from the exit-code table) and
 * ENVIRONMENT VARIABLES (the plugin's own, and sf's by name with @salesforce/core's description).
 */
import { EnvironmentVariable, Messages } from '@salesforce/core';
import { toHelpSection } from '@salesforce/sf-plugins-core';
import type { HelpSection } from '@oclif/core';
import { EXIT_CODES, exitCodeMeaning, SIGNAL_EXIT_CODES, type ExitCodeName } from '../errors/exitCodes.js';
import { SECRET_ENV } from '../input/clientSecret.js';
import { REQUEST_TIMEOUT_ENV } from '../network/deadline.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'command');

/** The codes a command can end with, as "name (code)", in the table's order; every command can be stopped by a signal. */
export function errorCodesHelp(...names: ExitCodeName[]): HelpSection {
  const ends: readonly ExitCodeName[] = [...names, ...SIGNAL_EXIT_CODES];
  const listed = (Object.keys(EXIT_CODES) as ExitCodeName[]).filter((name) => ends.includes(name));
  return toHelpSection('ERROR CODES', Object.fromEntries(listed.map((name) => [`${name} (${EXIT_CODES[name]})`, exitCodeMeaning(name)])));
}

/** Variables the plugin itself reads. */
const OWN: Record<string, () => Record<string, string>> = {
  secret: () => ({ [SECRET_ENV]: messages.getMessage('env.AZURE_CLIENT_SECRET') }),
  configSecrets: () => ({ [messages.getMessage('env.ConfigSecrets.name')]: messages.getMessage('env.ConfigSecrets') }),
  browser: () => ({ BROWSER: messages.getMessage('env.BROWSER') }),
  apiVersion: () => ({ SF_ORG_API_VERSION: messages.getMessage('env.SF_ORG_API_VERSION') }),
  requestTimeout: () => ({ [REQUEST_TIMEOUT_ENV]: messages.getMessage('env.RequestTimeout') }),
};

export type OwnVariable = 'secret' | 'configSecrets' | 'browser' | 'apiVersion' | 'requestTimeout';

export function environmentHelp(own: OwnVariable[], sf: EnvironmentVariable[] = []): HelpSection {
  return toHelpSection('ENVIRONMENT VARIABLES', ...own.map((name) => OWN[name]()), ...sf);
}

/*
 * The plugin's one exit-code table. Every command ends with one of these codes, whether it throws (the error's
 * exitCode) or finishes with a result (process.exitCode); each command's --help (ERROR CODES) and docs/exit-codes.md's
 * "Exit codes" table list them with the same words. verify's failure categories are names in this table.
 */
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'exit-codes');

export const EXIT_CODES = {
  success: 0,
  failed: 1,
  'invalid-input': 2,
  'org-too-old': 3,
  'after-deploy': 4,
  credentials: 10,
  unreachable: 11,
  'org-setup': 20,
  'api-access': 30,
  timeout: 69,
  'no-answer': 75,
  // 128 + the signal's number, as shells report a command a signal ended.
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;

/** The codes any command can end with, whatever it does: a signal stopped it. */
export const SIGNAL_EXIT_CODES = ['hangup', 'interrupted', 'terminated'] as const satisfies readonly ExitCodeName[];

export function exitCodeMeaning(name: ExitCodeName): string {
  return messages.getMessage(`code.${name}`);
}


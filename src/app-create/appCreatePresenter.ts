/* app create's human output: the sign-in used, then one line per item with what this run did to it. */
import { Messages } from '@salesforce/core';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { AppRegistrationResult } from '../entra/appRegistration.js';
import type { SignInMethod } from '../entra/graphSignIn.js';
import { registrationLines, signInLine } from '../entra/registrationLines.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');
export function presentAppCreate(out: CommandOutput, result: AppRegistrationResult & { signIn: SignInMethod }): void {
  out.logToStderr(signInLine(result.signIn));
  for (const line of registrationLines(result)) out.log(line);
  if (!result.certificate) out.log(messages.getMessage('out.NoSecret'));
}

/* deploy --create-app's lines about Entra: the sign-in, each item of the registration, and the secret added or kept. */
import { Messages } from '@salesforce/core';
import type { CommandOutput } from '../ux/commandOutput.js';
import { registrationLines, signInLine } from '../entra/registrationLines.js';
import type { CreateAppReport } from './createApp.js';
import type { DeployOutcome } from './deployOutcome.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

/** What deploy returns: the deploy's outcome (with the app when --create-app ran), or only the app when nothing was redeployed. */
export type DeployWithAppOutcome = (DeployOutcome & { app?: CreateAppReport }) | { status: 'Unchanged'; app: CreateAppReport; nextSteps: string[] };

export function presentCreatedApp(out: CommandOutput, report: CreateAppReport, provider: string): DeployWithAppOutcome {
  out.logToStderr(signInLine(report.signIn));
  for (const line of registrationLines(report)) out.log(line);
  const secret = report.secret;
  if (secret?.change === 'added') out.log(messages.getMessage('output.SecretAdded', [secret.keyId, secret.endDateTime ?? '-']));
  if (secret?.change === 'kept') out.log(messages.getMessage('output.SecretKept', [provider, secret.keyId, secret.endDateTime ?? '-']));
  return { status: 'Unchanged', app: report, nextSteps: [] };
}

import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../../cli/pluginCommand.js';
import { providerFlags } from '../../../cli/flags/providerFlags.js';
import { entraFlags } from '../../../cli/flags/entraFlags.js';
import { errorCodesHelp } from '../../../cli/helpSections.js';
import { appCreate, type AppCreateResult } from '../../../app-create/appCreate.js';
import { presentAppCreate } from '../../../app-create/appCreatePresenter.js';
import { stageProgress } from '../../../ux/progress.js';
import type { SignInChoice } from '../../../entra/graphSignIn.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

export type { AppCreateResult };

export default class AppCreate extends PluginCommand<AppCreateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'credentials', 'unreachable', 'api-access', 'no-answer');

  public static readonly flags = {
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary') }),
    'app-name': Flags.string({ summary: messages.getMessage('flags.app-name.summary') }),
    'tenant-id': providerFlags['tenant-id'],
    permission: entraFlags.permission,
    scope: providerFlags.scope,
    cloud: providerFlags.cloud,
    auth: providerFlags.auth,
    'certificate-file': providerFlags['certificate-file'],
    'sign-in': entraFlags['sign-in'],
  };

  public async run(): Promise<AppCreateResult> {
    const { flags } = await this.parse(AppCreate);
    const stages = stageProgress(this.spinner);
    const result = await appCreate({
      name: flags.name,
      appName: flags['app-name'],
      tenantId: flags['tenant-id'],
      cloud: flags.cloud,
      scope: flags.scope,
      permissions: flags.permission ?? [],
      auth: flags.auth,
      certificateFile: flags['certificate-file'],
      signIn: flags['sign-in'] as SignInChoice,
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
      prompt: (text) => {
        stages.stop();
        process.stderr.write(`${text}\n`);
      },
      onStep: (step) => stages.start(messages.getMessage(`step.${step}`)),
    });
    stages.stop();
    presentAppCreate(this, result);
    return result;
  }
}

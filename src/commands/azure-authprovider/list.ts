import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { listProviders, type ListOutcome } from '../../list/listProviders.js';
import { presentList } from '../../list/listPresenter.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';
import { readSignInFlag } from '../../cli/flags/lifecycleFlags.js';
import { expiryReader } from '../../entra/expiryReading.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'list');

export type { ListOutcome };

export default class List extends PluginCommand<ListOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input');
  public static readonly envVariablesSection = environmentHelp([], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'sign-in': readSignInFlag,
  };

  public async run(): Promise<ListOutcome> {
    const { flags } = await this.parse(List);
    const org = flags['target-org'];
    // Sign-in instructions (device code) reach stderr with --json too.
    const result = await listProviders(org.getConnection(), expiryReader(flags['sign-in'], (text) => process.stderr.write(`${text}\n`)));
    presentList(this, result, org.getUsername() ?? '');
    return result;
  }
}

import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { bundleInputOf, configFileFlag, forceFlag, providerFlags } from '../../cli/flags/providerFlags.js';
import { generateBundle, type GenerateOutcome } from '../../generate/generateBundle.js';
import { presentGenerate } from '../../generate/generatePresenter.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

export type { GenerateOutcome };

export default class Generate extends PluginCommand<GenerateOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input');
  public static readonly envVariablesSection = environmentHelp(['secret']);

  public static readonly flags = {
    ...providerFlags,
    ...configFileFlag,
    ...forceFlag,
    'output-dir': Flags.directory({
      char: 'd',
      summary: messages.getMessage('flags.output-dir.summary'),
      default: 'force-app',
    }),
  };

  public async run(): Promise<GenerateOutcome> {
    const { flags, metadata } = await this.parse(Generate);
    const { input, naming, warnings } = await bundleInputOf(flags, metadata);
    for (const warning of warnings) this.warn(warning);
    if (flags['client-secret'] !== undefined) this.warn(messages.getMessage('warning.SecretOnCommandLine'));
    const result = await generateBundle(input, flags['output-dir'], flags['client-secret'], naming, {
      force: flags.force,
      onWarning: (warning) => this.warn(warning),
    });

    presentGenerate(this, result);
    return result;
  }
}

import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { bundleInputOf, configFileFlag, forceFlag, providerFlags } from '../../cli/flags/providerFlags.js';
import { generateBundle, type GenerateResult } from '../../generate/generateBundle.js';
import { formatTable } from '../../ux/table.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

export type { GenerateResult };

export default class Generate extends PluginCommand<GenerateResult> {
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

  public async run(): Promise<GenerateResult> {
    const { flags, metadata } = await this.parse(Generate);
    const { input, naming, warnings } = await bundleInputOf(flags, metadata);
    for (const warning of warnings) this.warn(warning);
    if (flags['client-secret'] !== undefined) this.warn(messages.getMessage('warning.SecretOnCommandLine'));
    const result = await generateBundle(input, flags['output-dir'], flags['client-secret'], naming, {
      force: flags.force,
      onWarning: (warning) => this.warn(warning),
    });

    this.log(messages.getMessage('output.Header', [result.outputDir, result.files.length]));
    this.log(formatTable({
      data: result.files.map((file) => ({ state: file.state, type: file.type, file: relative(result.outputDir, file.path) })),
      columns: [
        { key: 'state', name: 'State' },
        { key: 'type', name: 'Type' },
        { key: 'file', name: 'File' },
      ],
    }));
    for (const provider of result.providers) {
      this.log(
        provider.mode === 'native'
          ? messages.getMessage('output.NativeProvider', [provider.externalCredential, provider.tokenUrl, provider.namedCredential, provider.endpoint])
          : messages.getMessage('output.Provider', [provider.name, provider.tokenUrl, provider.namedCredential, provider.endpoint, provider.callbackPath])
      );
      if (provider.certificate) this.log(`  ${messages.getMessage('output.Certificate', [provider.certificate])}`);
    }
    if (result.secret) {
      this.log(
        result.secret.source
          ? messages.getMessage('output.SecretFound', [result.secret.source])
          : result.providers.every((provider) => provider.mode === 'native' || provider.certificate)
            ? messages.getMessage('output.SecretNative')
            : messages.getMessage('output.SecretMissing')
      );
    }
    this.log(messages.getMessage('output.NextSteps', [result.nextSteps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')]));
    return result;
  }
}

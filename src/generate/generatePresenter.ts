/* generate's human output: the files written and their state, each provider, where the secret came from, the next steps. */
import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { formatTable } from '../ux/table.js';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { GenerateOutcome } from './generateBundle.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

export function presentGenerate(out: CommandOutput, result: GenerateOutcome): void {
  out.log(messages.getMessage('output.Header', [result.outputDir, result.files.length]));
  out.log(formatTable({
    data: result.files.map((file) => ({ state: file.state, type: file.type, file: relative(result.outputDir, file.path) })),
    columns: [
      { key: 'state', name: 'State' },
      { key: 'type', name: 'Type' },
      { key: 'file', name: 'File' },
    ],
  }));
  for (const provider of result.providers) {
    out.log(
      provider.mode === 'native'
        ? messages.getMessage('output.NativeProvider', [provider.externalCredential, provider.tokenUrl, provider.namedCredential, provider.endpoint])
        : messages.getMessage('output.Provider', [provider.name, provider.tokenUrl, provider.namedCredential, provider.endpoint, provider.callbackPath])
    );
    if (provider.certificate) out.log(`  ${messages.getMessage('output.Certificate', [provider.certificate])}`);
  }
  if (result.secret) {
    out.log(
      result.secret.source
        ? messages.getMessage('output.SecretFound', [result.secret.source])
        : result.providers.every((provider) => provider.mode === 'native' || provider.certificate)
          ? messages.getMessage('output.SecretNative')
          : messages.getMessage('output.SecretMissing')
    );
  }
  out.log(messages.getMessage('output.NextSteps', [result.nextSteps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')]));
}

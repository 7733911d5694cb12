import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../pluginCommand.js';
import { findProviders, type ProviderInOrg } from '../../org/providersInOrg.js';
import { formatTable } from '../../ux/table.js';
import { environmentHelp, errorCodesHelp } from '../../helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'list');

export type ListResult = { providers: ProviderInOrg[] };

export default class List extends PluginCommand<ListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input');
  public static readonly envVariablesSection = environmentHelp([], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
  };

  public async run(): Promise<ListResult> {
    const { flags } = await this.parse(List);
    const org = flags['target-org'];
    const providers = await findProviders(org.getConnection());
    const username = org.getUsername() ?? '';
    if (providers.length === 0) {
      this.log(messages.getMessage('output.None', [username]));
      return { providers };
    }
    this.log(formatTable({
      data: providers.map((provider) => ({
        name: provider.name,
        mode: provider.mode,
        model: provider.model,
        namedCredential: provider.namedCredentials.map((nc) => nc.name).join(', '),
        tokenHost: provider.tokenUrl ? new URL(provider.tokenUrl).host : '',
        tenant: provider.tenantId ?? '',
        clientId: provider.clientId ?? '',
        secret: messages.getMessage(`output.Secret.${provider.secretStorage}`, provider.secretStorage === 'credential' ? [provider.tokenCredential ?? provider.externalCredential ?? ''] : []),
        authentication: provider.principals.map((p) => `${p.principal}: ${p.status}`).join(', ') || (provider.model === 'legacy' ? messages.getMessage('output.LegacyAuthentication') : ''),
      })),
      columns: [
        { key: 'name', name: 'Provider' },
        { key: 'mode', name: 'Mode' },
        { key: 'model', name: 'Model' },
        { key: 'namedCredential', name: 'Named Credential' },
        { key: 'tokenHost', name: 'Token host' },
        { key: 'tenant', name: 'Tenant' },
        { key: 'clientId', name: 'Client ID' },
        { key: 'secret', name: 'Client secret' },
        { key: 'authentication', name: 'Principal' },
      ],
    }));
    this.log(messages.getMessage('output.Count', [providers.length, username]));
    return { providers };
  }
}

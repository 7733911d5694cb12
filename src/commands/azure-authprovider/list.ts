import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { findProviders, readInventory, type ProviderInOrg } from '../../inventory/providersInOrg.js';
import { findLeftovers, type Orphan, type Untouched } from '../../inventory/orphansInOrg.js';
import { formatTable } from '../../ux/table.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'list');

/** `orphans`: what is left of providers whose Auth. Provider or External Credential is gone (remove finishes them). */
export type ListResult = { providers: ProviderInOrg[]; orphans: Orphan[]; untouched: Untouched[] };

const piecesOf = (orphan: Orphan): string =>
  [
    ...(orphan.record ? [`CustomMetadata ${orphan.record}`] : []),
    ...orphan.permissionSets.map((name) => `PermissionSet ${name}`),
    ...orphan.namedCredentials.map((name) => `NamedCredential ${name}`),
    ...orphan.externalCredentials.map((name) => `ExternalCredential ${name}`),
  ].join(', ');

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
    const conn = org.getConnection();
    const inventory = await readInventory(conn);
    const providers = await findProviders(conn, inventory);
    const { orphans, untouched } = await findLeftovers(conn, inventory, providers);
    const username = org.getUsername() ?? '';
    this.logLeftovers(orphans, untouched);
    if (providers.length === 0) {
      this.log(messages.getMessage('output.None', [username]));
      return { providers, orphans, untouched };
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
    return { providers, orphans, untouched };
  }

  /** Leftovers go to stderr, so that the table on stdout stays the providers only. */
  private logLeftovers(orphans: Orphan[], untouched: Untouched[]): void {
    if (orphans.length > 0) {
      this.warn(messages.getMessage('warning.Orphans', [orphans.map((orphan) => `  ${orphan.name}: ${piecesOf(orphan)}`).join('\n')]));
    }
    if (untouched.length > 0) {
      this.warn(messages.getMessage('warning.Untouched', [untouched.map((piece) => `  ${piece.type} ${piece.name}: ${piece.reason}`).join('\n')]));
    }
  }
}

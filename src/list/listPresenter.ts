/*
 * list's human output: the leftovers on stderr, so that stdout holds the providers only; then one row per provider
 * (where its secret lives, its principals' status) and their count.
 */
import { Messages } from '@salesforce/core';
import type { Orphan, Untouched } from '../inventory/orphansInOrg.js';
import { formatTable } from '../ux/table.js';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { ListOutcome } from './listProviders.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'list');

const piecesOf = (orphan: Orphan): string =>
  [
    ...(orphan.record ? [`CustomMetadata ${orphan.record}`] : []),
    ...orphan.permissionSets.map((name) => `PermissionSet ${name}`),
    ...orphan.namedCredentials.map((name) => `NamedCredential ${name}`),
    ...orphan.externalCredentials.map((name) => `ExternalCredential ${name}`),
  ].join(', ');

/** Leftovers go to stderr, so that the table on stdout stays the providers only. */
function presentLeftovers(out: CommandOutput, orphans: Orphan[], untouched: Untouched[]): void {
  if (orphans.length > 0) {
    out.warn(messages.getMessage('warning.Orphans', [orphans.map((orphan) => `  ${orphan.name}: ${piecesOf(orphan)}`).join('\n')]));
  }
  if (untouched.length > 0) {
    out.warn(messages.getMessage('warning.Untouched', [untouched.map((piece) => `  ${piece.type} ${piece.name}: ${piece.reason}`).join('\n')]));
  }
}

export function presentList(out: CommandOutput, { providers, orphans, untouched }: ListOutcome, username: string): void {
  presentLeftovers(out, orphans, untouched);
  if (providers.length === 0) {
    out.log(messages.getMessage('output.None', [username]));
    return;
  }
  out.log(formatTable({
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
  out.log(messages.getMessage('output.Count', [providers.length, username]));
}

/*
 * list's human output: the leftovers on stderr, so that stdout holds the providers only; then one row per provider
 * (where its secret lives, its principals' status) and their count.
 */
import { Messages } from '@salesforce/core';
import type { Orphan, Untouched } from '../inventory/orphansInOrg.js';
import { formatTable } from '../ux/table.js';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { ListedProvider, ListOutcome } from './listProviders.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'list');
const lifecycle = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

/** The Expires column: the date, "unknown", or "none at Entra". */
function expiresText(provider: ListedProvider): string {
  const reading = provider.credentialExpiry;
  if (!reading) return '';
  if (reading.status === 'unknown') return lifecycle.getMessage('list.Expiry.unknown');
  if (reading.status === 'none') return lifecycle.getMessage('list.Expiry.none');
  return `${reading.expiresAt?.slice(0, 10) ?? '?'}${reading.status === 'ok' ? '' : reading.status === 'soon' ? ' (soon)' : ' (expired)'}`;
}

/** Credentials within 30 days of expiry (or past it), and why others are unknown: on stderr, with the leftovers. */
function presentExpiry(out: CommandOutput, providers: ListedProvider[]): void {
  const due = providers.filter((provider) => provider.credentialExpiry?.status === 'soon' || provider.credentialExpiry?.status === 'expired');
  if (due.length > 0) {
    const rows = due.map((provider) => {
      const reading = provider.credentialExpiry as { status: string; kind: 'secret' | 'certificate'; keyId?: string; expiresAt?: string; daysLeft?: number };
      const kind = lifecycle.getMessage(`expiry.kind.${reading.kind}`);
      const said = reading.status === 'expired'
        ? lifecycle.getMessage('check.ExpiryExpired', [kind, reading.keyId ?? '', reading.expiresAt?.slice(0, 10) ?? '?'])
        : lifecycle.getMessage('check.ExpirySoon', [kind, reading.keyId ?? '', reading.expiresAt?.slice(0, 10) ?? '?', reading.daysLeft ?? '?']);
      return `  ${provider.name}: ${said}`;
    });
    out.warn(lifecycle.getMessage('list.ExpiryWarning', [rows.join('\n')]));
  }
  const unknown = providers.map((provider) => provider.credentialExpiry).find((reading) => reading?.status === 'unknown');
  if (unknown && 'reason' in unknown) out.logToStderr(lifecycle.getMessage('list.ExpiryUnknown', [unknown.reason]));
}

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
  presentExpiry(out, providers);
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
      expires: expiresText(provider),
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
      ...(providers.some((provider) => provider.credentialExpiry) ? [{ key: 'expires' as const, name: 'Expires' }] : []),
      { key: 'authentication', name: 'Principal' },
    ],
  }));
  out.log(messages.getMessage('output.Count', [providers.length, username]));
}

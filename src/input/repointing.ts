/*
 * Whether a provider name already in use (in the output directory or the org) now points at another tenant or
 * application. Reusing a name is how a second config file silently takes over a provider whose principal still holds
 * the old token, so such a change is refused unless --force, and said out loud with it.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import type { ProviderSpec } from './providerSpec.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'repoint');

/** Who a provider gets its tokens from: the tenant (or the token URL of a non-Entra server) and the application. */
export type Identity = { tenant?: string; clientId?: string };

/**
 * The tenant of an Entra token URL (https://<authority>/<tenant>/oauth2[/v2.0]/token), or the whole URL for any
 * other token server, whose URL is all that names it. `tenantId` wins when the record holds one.
 */
export function tenantOf(tokenUrl: string | undefined, tenantId?: string): string | undefined {
  if (tenantId) return tenantId;
  if (!tokenUrl) return undefined;
  const entra = /^https:\/\/[^/]+\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/i.exec(tokenUrl);
  return entra ? decodeURIComponent(entra[1]) : tokenUrl;
}

export const identityOf = (provider: ProviderSpec): Identity => ({ tenant: tenantOf(provider.tokenUrl, provider.tenantId), clientId: provider.clientId });

export type Repointing = { provider: string; changes: string[]; consequence: string };

/** What a provider's principal (or legacy Named Credential) keeps until it is authenticated again. */
function consequence(provider: ProviderSpec, command: 'generate' | 'deploy'): string {
  if (provider.mode === 'native') return messages.getMessage('consequence.Native', [provider.principal ?? '', provider.externalCredential ?? '']);
  if (provider.model === 'legacy') return messages.getMessage('consequence.Legacy', [provider.namedCredential]);
  return messages.getMessage(command === 'deploy' ? 'consequence.Plugin' : 'consequence.PluginGenerate', [provider.principal ?? '', provider.externalCredential ?? '']);
}

/**
 * The tenant and client changes between what exists and what is asked for, or undefined when there are none. A
 * value the old side does not know (a native principal's client ID is in no file) is no change. Tenants compare
 * case-insensitively, as Entra reads them; client IDs exactly, as non-Entra servers may.
 */
export function repointing(provider: ProviderSpec, old: Identity, command: 'generate' | 'deploy'): Repointing | undefined {
  const fresh = identityOf(provider);
  const changes: string[] = [];
  if (old.tenant !== undefined && fresh.tenant !== undefined && old.tenant.toLowerCase() !== fresh.tenant.toLowerCase()) {
    changes.push(messages.getMessage('change.Tenant', [old.tenant, fresh.tenant]));
  }
  if (old.clientId !== undefined && fresh.clientId !== undefined && old.clientId !== fresh.clientId) {
    changes.push(messages.getMessage('change.Client', [old.clientId, fresh.clientId]));
  }
  return changes.length > 0 ? { provider: provider.name, changes, consequence: consequence(provider, command) } : undefined;
}

const described = (found: Repointing[]): string => found.map((r) => messages.getMessage('provider', [r.provider, r.changes.join(', '), r.consequence])).join(' ');

/**
 * Without --force, refuses every repointing at once (exit invalid-input); with it, returns one warning that says
 * what was repointed. `where` says whose provider it is: the output directory's files or the org's.
 */
export function refuseOrWarn(found: Repointing[], force: boolean, where: 'Files' | 'Org'): string[] {
  if (found.length === 0) return [];
  if (!force) throw messages.createError(`error.RepointedIn${where}`, [described(found)], [], EXIT_CODES['invalid-input']);
  return [messages.getMessage(`warning.RepointedIn${where}`, [described(found)])];
}

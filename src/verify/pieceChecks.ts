/*
 * What the checks of an org's pieces share: the result they fill in (what verify's anonymous Apex runs then use)
 * and the row of a piece that is missing or wrong, an org-setup failure with its fix.
 */
import { Messages } from '@salesforce/core';
import { fail, type Check } from '../checks/checks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export type OrgPieces = {
  checks: Check[];
  model?: 'external' | 'legacy';
  /** Set when the class and record exist, so the plugin can be asked for a token. */
  plugin?: { className: string; type: string; record: string };
  /** Set when the Named Credential exists. */
  namedCredential?: { name: string; url?: string };
  tokenUrl?: string;
  /** Native mode: the External Credential requests tokens itself; there is no plugin to ask. */
  native?: boolean;
  /** Set when the record names a token credential that holds the secret: what a token request through it sends. */
  tokenCredential?: TokenCredentialRequest;
  /** The org has nothing of the provider's name. */
  missing?: boolean;
};

/** `provider`: the Auth. Provider whose token requests it sends. */
export type TokenCredentialRequest = { name: string; provider: string; clientId: string; scope?: string; resource?: string };

export const orgSetup = (id: string, summaryKey: string, tokens: Array<string | number>, fixKey: string, fixTokens: Array<string | number> = []): Check =>
  fail(id, 'org-setup', messages.getMessage(summaryKey, tokens), messages.getMessage(fixKey, fixTokens));

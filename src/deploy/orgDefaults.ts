/*
 * Deploy fills what the user left out from the target org: its newest API version, the credential model that
 * version supports, and the deploying user as execution user. What the org cannot take is refused here, before
 * anything is rendered or sent, naming the flag to change.
 */
import { Messages } from '@salesforce/core';
import type { BundleInput } from '../input/providerSpec.js';
import { MAX_API_VERSION, MIN_API_VERSION, MIN_API_VERSION_EXTERNAL } from '../input/platform.js';
import type { OrgProfile } from '../salesforce/orgProfile.js';
import { EXIT_CODES } from '../errors/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

const major = (version: string): number => Number.parseInt(version, 10);

export function withOrgDefaults(input: BundleInput, org: Pick<OrgProfile, 'maxApiVersion' | 'username'>): BundleInput {
  const orgMax = major(org.maxApiVersion);
  if (orgMax < MIN_API_VERSION) {
    throw messages.createError('error.OrgTooOld', [org.maxApiVersion, `${MIN_API_VERSION}.0`], [], EXIT_CODES['org-too-old']);
  }
  const requested = input.apiVersion?.trim();
  if (requested && Number.isFinite(major(requested)) && major(requested) > orgMax) {
    throw messages.createError('error.ApiVersionAboveOrg', [requested, org.maxApiVersion], [org.maxApiVersion], EXIT_CODES['invalid-input']);
  }
  const apiVersion = requested || `${Math.min(orgMax, MAX_API_VERSION)}.0`;
  const externalPossible = major(apiVersion) >= MIN_API_VERSION_EXTERNAL;
  // Checked before the model default is filled in: a native provider on an old org is refused for the org's
  // version, not for a --model legacy and --api-version the user never typed.
  if (!requested && !externalPossible && input.providers.some((provider) => provider.mode === 'native')) {
    throw messages.createError('error.NativeNeedsNewerOrg', [org.maxApiVersion, `${MIN_API_VERSION_EXTERNAL}.0`], [], EXIT_CODES['invalid-input']);
  }
  if (!requested && !externalPossible && input.providers.some((provider) => provider.model === 'external')) {
    throw messages.createError('error.ExternalNeedsNewerOrg', [org.maxApiVersion, `${MIN_API_VERSION_EXTERNAL}.0`], [], EXIT_CODES['invalid-input']);
  }
  return {
    apiVersion,
    providers: input.providers.map((provider) => ({
      ...provider,
      model: provider.model ?? (externalPossible ? 'external' : 'legacy'),
      // Native mode runs no Auth. Provider, so nobody executes it.
      executionUser: provider.mode === 'native' ? provider.executionUser : provider.executionUser ?? org.username,
    })),
  };
}

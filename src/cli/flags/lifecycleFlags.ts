/*
 * The flags of the credential lifecycle (rotate-secret --new, expiry in list / verify, remove --delete-app) that differ
 * from entraFlags: no defaults, so that rotate-secret can tell a lifetime given without --new, and list and verify
 * never ask a person unless told to.
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { SIGN_IN_METHODS } from '../../entra/graphSignIn.js';
import { DEFAULT_SECRET_LIFETIME_DAYS, MAX_SECRET_LIFETIME_DAYS } from '../../entra/appCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

/** list and verify: no default, so that reading Graph never asks a person unless told to. */
export const readSignInFlag = Flags.option({ summary: messages.getMessage('flags.sign-in-read.summary'), options: SIGN_IN_METHODS.filter((method) => method !== 'auto') })();

export const secretLifetimeFlag = Flags.integer({
  summary: messages.getMessage('flags.secret-lifetime.summary', [MAX_SECRET_LIFETIME_DAYS, DEFAULT_SECRET_LIFETIME_DAYS]),
  min: 1,
  max: MAX_SECRET_LIFETIME_DAYS,
});

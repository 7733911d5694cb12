/* The flags of the Entra side (issue 22), shared by app create, deploy --create-app and rotate-secret --new. */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { DEFAULT_SECRET_LIFETIME_DAYS, MAX_SECRET_LIFETIME_DAYS } from '../../entra/appCredentials.js';
import { SIGN_IN_METHODS } from '../../entra/graphSignIn.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

export const entraFlags = {
  permission: Flags.string({ summary: messages.getMessage('flags.permission.summary'), multiple: true }),
  'sign-in': Flags.option({
    summary: messages.getMessage('flags.sign-in.summary'),
    description: messages.getMessage('flags.sign-in.description'),
    options: SIGN_IN_METHODS,
    default: 'auto',
  })(),
  // The range is checked by checkSecretLifetime, so the message is the plugin's own (exit 2) whatever the value.
  'secret-lifetime': Flags.integer({
    summary: messages.getMessage('flags.secret-lifetime.summary', [MAX_SECRET_LIFETIME_DAYS, DEFAULT_SECRET_LIFETIME_DAYS]),
    default: DEFAULT_SECRET_LIFETIME_DAYS,
  }),
};

/* The words for an app registration's result, shared by app create and deploy --create-app. */
import { Messages } from '@salesforce/core';
import type { AppRegistrationResult } from './appRegistration.js';
import type { SignInMethod } from './graphSignIn.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');
const graphMessages = Messages.loadMessages('plugin-azure-authprovider', 'graph');

const change = (name: string): string => messages.getMessage(`change.${name}`);

export const signInLine = (method: SignInMethod): string => messages.getMessage('out.SignIn', [graphMessages.getMessage(`signIn.${method}`)]);

/** The registration's lines (deploy --create-app prints them too). */
export function registrationLines(result: AppRegistrationResult): string[] {
  const { application, servicePrincipal, resource } = result;
  return [
    messages.getMessage('out.Application', [application.displayName, change(application.change), application.appId, application.id]),
    messages.getMessage('out.ServicePrincipal', [change(servicePrincipal.change), servicePrincipal.id]),
    ...result.permissions.map((grant) => messages.getMessage('out.Permission', [grant.value, resource.displayName, change(grant.change)])),
    ...(result.otherPermissions.length > 0 ? [messages.getMessage('out.OtherPermissions', [result.otherPermissions.join(', ')])] : []),
    ...(result.certificate ? [messages.getMessage('out.Certificate', [result.certificate.thumbprint, result.certificate.endDateTime, change(result.certificate.change)])] : []),
  ];
}


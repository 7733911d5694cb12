/*
 * The credential pieces: the Named Credential (External Credential or legacy Auth. Provider model) and its External
 * Credential, either one that uses the Auth. Provider or a native one with the client-credentials variant, each
 * with the principal.
 */
import { Messages, type Connection } from '@salesforce/core';
import type { ProviderNames } from '../input/names.js';
import { parameters, readComponent, textValue, type Component } from '../salesforce/metadataRead.js';
import { nativeSettings } from '../inventory/providersInOrg.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { pass, type Check } from '../checks/checks.js';
import { orgSetup, type OrgPieces } from './pieceChecks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export async function checkNamedCredential(conn: Connection, names: ProviderNames, checks: Check[]): Promise<Pick<OrgPieces, 'model' | 'namedCredential'>> {
  const found = await readComponent(conn, 'NamedCredential', names.namedCredential);
  if (!found) {
    checks.push(orgSetup('named-credential', 'check.NamedCredentialMissing', [names.namedCredential], 'fix.Deploy', [names.name]));
    return {};
  }
  const params = parameters(found, 'namedCredentialParameters');
  const external = params.find((param) => param.parameterType === 'Authentication')?.externalCredential;
  const url = params.find((param) => param.parameterType === 'Url')?.parameterValue ?? textValue(found.endpoint);
  const namedCredential = { name: names.namedCredential, url };
  if (external) {
    if (!sameName(external, names.externalCredential)) {
      checks.push(orgSetup('named-credential', 'check.NamedCredentialOtherCredential', [names.namedCredential, external, names.externalCredential], 'fix.ExternalCredentialFlag'));
      return { model: 'external', namedCredential };
    }
    checks.push(pass('named-credential', messages.getMessage('check.NamedCredential', [names.namedCredential, url ?? '-', external])));
    return { model: 'external', namedCredential };
  }
  const authProvider = textValue(found.authProvider);
  if (!sameName(authProvider, names.name)) {
    checks.push(orgSetup('named-credential', 'check.NamedCredentialOtherProvider', [names.namedCredential, authProvider ?? '-', names.name], 'fix.Deploy', [names.name]));
  } else {
    checks.push(pass('named-credential', messages.getMessage('check.NamedCredentialLegacy', [names.namedCredential, url ?? '-', names.name])));
  }
  return { model: 'legacy', namedCredential };
}

export function checkNativeCredential(found: Component, variant: string, names: ProviderNames, checks: Check[]): string | undefined {
  const { tokenUrl } = nativeSettings(found);
  const principal = parameters(found, 'externalCredentialParameters').find((param) => param.parameterType === 'NamedPrincipal' && sameName(param.parameterName, names.principal));
  if (!tokenUrl) {
    checks.push(orgSetup('external-credential', 'check.NativeIncomplete', [names.externalCredential, variant], 'fix.Deploy', [names.name]));
  } else if (!principal) {
    checks.push(orgSetup('external-credential', 'check.PrincipalMissing', [names.externalCredential, names.principal], 'fix.PrincipalFlag'));
  } else {
    checks.push(pass('external-credential', messages.getMessage('check.NativeExternalCredential', [names.externalCredential, variant, tokenUrl, names.principal])));
    return tokenUrl;
  }
  return undefined;
}

export function checkExternalCredential(found: Component | undefined, names: ProviderNames, checks: Check[]): boolean {
  if (!found) {
    checks.push(orgSetup('external-credential', 'check.ExternalCredentialMissing', [names.externalCredential], 'fix.Deploy', [names.name]));
    return false;
  }
  const params = parameters(found, 'externalCredentialParameters');
  const authProvider = params.find((param) => param.parameterType === 'AuthProvider')?.authProvider;
  const principal = params.find((param) => param.parameterType === 'NamedPrincipal' && sameName(param.parameterName, names.principal));
  if (!sameName(authProvider, names.name)) {
    checks.push(orgSetup('external-credential', 'check.ExternalCredentialOtherProvider', [names.externalCredential, authProvider ?? '-', names.name], 'fix.Deploy', [names.name]));
    return false;
  }
  if (!principal) {
    checks.push(orgSetup('external-credential', 'check.PrincipalMissing', [names.externalCredential, names.principal], 'fix.PrincipalFlag'));
    return false;
  }
  checks.push(pass('external-credential', messages.getMessage('check.ExternalCredential', [names.externalCredential, names.name, names.principal])));
  return true;
}

/*
 * The access pieces: the permission set grants the principal (and the token credential's) and the User External
 * Credential object, it is assigned to the user, and the principal is authenticated.
 */
import { Messages, type Connection } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { DEFAULT_PRINCIPAL, principalAccessName } from '../input/platform.js';
import type { ProviderNames } from '../input/names.js';
import { soqlString } from '../salesforce/orgProfile.js';
import { readComponent, textValue, type Component } from '../salesforce/metadataRead.js';
import { principalStatus } from '../salesforce/principalAuthentication.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { pass, type Check } from '../checks/checks.js';
import { orgSetup } from './pieceChecks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

/** The permission set must grant the principal and the User External Credential object, and be assigned to the user. */
export async function checkPermissionSet(conn: Connection, names: ProviderNames, username: string, checks: Check[], tokenCredential?: string): Promise<void> {
  const found = await readComponent(conn, 'PermissionSet', names.permissionSet);
  if (!found) {
    checks.push(orgSetup('permission-set', 'check.PermissionSetMissing', [names.permissionSet], 'fix.Deploy', [names.name]));
    return;
  }
  const granted = (principal: string): boolean =>
    ensureArray(found.externalCredentialPrincipalAccesses as Component | Component[] | undefined).some(
      (entry) => sameName(textValue(entry.externalCredentialPrincipal), principal) && textValue(entry.enabled) === 'true'
    );
  // The token credential's principal too: whoever's callout makes the plugin refresh runs its token request.
  const wanted = [principalAccessName(names.externalCredential, names.principal), ...(tokenCredential ? [principalAccessName(tokenCredential, DEFAULT_PRINCIPAL)] : [])];
  const missing = wanted.find((principal) => !granted(principal));
  const access = missing ?? wanted.join(', ');
  const grants = missing === undefined;
  const objectAccess = ensureArray(found.objectPermissions as Component | Component[] | undefined).some(
    (entry) => textValue(entry.object) === 'UserExternalCredential' && textValue(entry.allowRead) === 'true'
  );
  if (!grants || !objectAccess) {
    checks.push(orgSetup('permission-set', grants ? 'check.PermissionSetNoObject' : 'check.PermissionSetNoPrincipal', [names.permissionSet, access], 'fix.Deploy', [names.name]));
    return;
  }
  checks.push(pass('permission-set', messages.getMessage('check.PermissionSet', [names.permissionSet, access])));
  const { records } = await conn.query<{ Id: string }>(
    `SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = ${soqlString(names.permissionSet)} AND Assignee.Username = ${soqlString(username)}`
  );
  checks.push(
    records.length > 0
      ? pass('permission-set-assignment', messages.getMessage('check.Assigned', [names.permissionSet, username]))
      : orgSetup('permission-set-assignment', 'check.NotAssigned', [names.permissionSet, username], 'fix.Assign', [names.permissionSet, username])
  );
}

export async function checkPrincipal(conn: Connection, names: ProviderNames, checks: Check[], native = false): Promise<void> {
  const status = await principalStatus(conn, names.externalCredential, names.principal);
  const [problem, fix] = native ? ['check.PrincipalNoCredentials', 'fix.StoreCredentials'] : ['check.PrincipalNotConfigured', 'fix.Authenticate'];
  checks.push(
    status === 'Configured'
      ? pass('principal-authentication', messages.getMessage('check.PrincipalConfigured', [names.principal, names.externalCredential]))
      : orgSetup('principal-authentication', problem, [names.principal, names.externalCredential], fix, [names.name])
  );
}

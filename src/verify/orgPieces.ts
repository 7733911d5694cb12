/*
 * Reads one provider's pieces back from the org and checks that each exists and points at the next: Auth. Provider
 * -> plugin class and custom metadata record -> token host's remote site; Named Credential -> External Credential
 * -> principal -> permission set -> its assignment to the user -> the principal's authentication. What it learns
 * (class, record, Named Credential URL, model) feeds the anonymous Apex runs. The checks of each kind of piece live in
 * pluginPieces.ts, credentialPieces.ts and permissionPieces.ts.
 */
import { Messages, type Connection } from '@salesforce/core';
import { SHARED } from '../input/platform.js';
import type { ProviderNames } from '../input/names.js';
import { readComponent, recordRef, type Component } from '../salesforce/metadataRead.js';
import { nativeSettings } from '../inventory/providersInOrg.js';
import { skip, type Check } from '../checks/checks.js';
import { orgSetup, type OrgPieces } from './pieceChecks.js';
import { checkAuthProvider, checkPluginClass, checkRecord, checkRemoteSite, checkTokenCredential } from './pluginPieces.js';
import { checkExternalCredential, checkNamedCredential, checkNativeCredential } from './credentialPieces.js';
import { checkPermissionSet, checkPrincipal } from './permissionPieces.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

/** Native mode: Named Credential -> External Credential with the client-credentials variant -> permission set -> principal. */
async function checkNativePieces(conn: Connection, names: ProviderNames, username: string, found: Component, variant: string): Promise<OrgPieces> {
  const checks: Check[] = [];
  const pieces: OrgPieces = { checks, native: true, ...(await checkNamedCredential(conn, names, checks)) };
  pieces.tokenUrl = checkNativeCredential(found, variant, names, checks);
  if (pieces.tokenUrl) {
    await checkPermissionSet(conn, names, username, checks);
    await checkPrincipal(conn, names, checks, true);
  }
  return pieces;
}

export async function checkOrgPieces(conn: Connection, names: ProviderNames, username: string): Promise<OrgPieces> {
  const [externalCredential, authProvider] = await Promise.all([
    readComponent(conn, 'ExternalCredential', names.externalCredential),
    readComponent(conn, 'AuthProvider', names.name),
  ]);
  // A native External Credential has a protocol variant; one that uses an Auth. Provider has none.
  const variant = externalCredential && nativeSettings(externalCredential).variant;
  if (externalCredential && variant) return checkNativePieces(conn, names, username, externalCredential, variant);
  // Nothing of that name at all: one row that says so, not a failure for every piece with the same fix.
  if (!externalCredential && !authProvider && !(await readComponent(conn, 'NamedCredential', names.namedCredential))) {
    return { missing: true, checks: [orgSetup('provider', 'check.NoSuchProvider', [names.name], 'fix.NoSuchProvider', [names.name])] };
  }
  const checks: Check[] = [];
  const pieces: OrgPieces = { checks };
  const provider = await checkAuthProvider(conn, names.name, authProvider, checks);
  const plugin = provider?.plugin ?? SHARED.pluginClass;
  const record = recordRef(provider?.record ?? `${SHARED.metadataType}__mdt.${names.name}`);
  const classFound = await checkPluginClass(conn, plugin, checks);
  const facts = await checkRecord(conn, names.name, record, checks);
  pieces.tokenUrl = facts.tokenUrl;
  if (pieces.tokenUrl && facts.tokenCredential) {
    if (await checkTokenCredential(conn, facts.tokenCredential, pieces.tokenUrl, checks)) pieces.tokenCredential = facts.tokenCredential;
  } else if (pieces.tokenUrl) await checkRemoteSite(conn, pieces.tokenUrl, checks);
  else checks.push(skip('remote-site', messages.getMessage('check.RemoteSiteUnknown')));
  if (classFound && pieces.tokenUrl) pieces.plugin = { className: plugin, type: record.type, record: record.record };

  Object.assign(pieces, await checkNamedCredential(conn, names, checks));
  if (pieces.model === 'external') {
    if (checkExternalCredential(externalCredential, names, checks)) {
      await checkPermissionSet(conn, names, username, checks, facts.tokenCredential?.name);
      await checkPrincipal(conn, names, checks);
    }
  } else if (pieces.model === 'legacy') {
    checks.push(skip('principal-authentication', messages.getMessage('check.LegacyAuthentication', [names.namedCredential])));
  }
  return pieces;
}

/*
 * Reads one provider's pieces back from the org and checks that each exists and points at the next: Auth. Provider
 * -> plugin class and custom metadata record -> token host's remote site; Named Credential -> External Credential
 * -> principal -> permission set -> its assignment to the user -> the principal's authentication. What it learns
 * (class, record, Named Credential URL, model) feeds the anonymous Apex runs.
 */
import { Messages, type Connection } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { DEFAULT_PRINCIPAL, FIELDS, SECRET_PLACEHOLDER, SHARED, principalAccessName } from '../input/platform.js';
import type { ProviderNames } from '../input/providerSpec.js';
import { soqlString } from '../salesforce/orgProfile.js';
import { listNames, parameters, readComponent, readComponents, recordRef, textValue, type Component } from '../salesforce/metadataRead.js';
import { nativeSettings } from '../inventory/providersInOrg.js';
import { principalStatus } from '../salesforce/principalAuthentication.js';
import { holdsTokenSecret } from '../salesforce/nativeCredentials.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { fail, pass, skip, type Check } from '../checks/checks.js';

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

const orgSetup = (id: string, summaryKey: string, tokens: Array<string | number>, fixKey: string, fixTokens: Array<string | number> = []): Check =>
  fail(id, 'org-setup', messages.getMessage(summaryKey, tokens), messages.getMessage(fixKey, fixTokens));

function recordValues(record: Component): Map<string, string | undefined> {
  const values = ensureArray(record.values as Component | Component[] | undefined);
  return new Map(values.map((entry) => [textValue(entry.field) ?? '', textValue(entry.value)]));
}

async function checkAuthProvider(conn: Connection, name: string, provider: Component | undefined, checks: Check[]): Promise<{ plugin: string; record: string } | undefined> {
  if (!provider) {
    checks.push(orgSetup('auth-provider', 'check.AuthProviderMissing', [name], 'fix.Deploy', [name]));
    return undefined;
  }
  const plugin = textValue(provider.plugin);
  const record = textValue(provider.customMetadataTypeRecord);
  if (textValue(provider.providerType) !== 'Custom' || !plugin || !record) {
    checks.push(orgSetup('auth-provider', 'check.AuthProviderNotPlugin', [name], 'fix.Deploy', [name]));
    return undefined;
  }
  const executionUser = textValue(provider.executionUser);
  const { records } = await conn.query<{ IsActive: boolean }>(`SELECT IsActive FROM User WHERE Username = ${soqlString(executionUser ?? '')}`);
  if (!executionUser || records.length === 0 || !records[0].IsActive) {
    checks.push(orgSetup('auth-provider', 'check.ExecutionUser', [name, executionUser ?? '-'], 'fix.ExecutionUser', [name]));
    return undefined;
  }
  checks.push(pass('auth-provider', messages.getMessage('check.AuthProvider', [name, plugin, record, executionUser])));
  return { plugin, record };
}

async function checkPluginClass(conn: Connection, className: string, checks: Check[]): Promise<boolean> {
  const { records } = await conn.query<{ Status: string }>(`SELECT Id, Status FROM ApexClass WHERE Name = ${soqlString(className)}`);
  if (records.length === 0 || records[0].Status !== 'Active') {
    checks.push(orgSetup('plugin-class', 'check.ClassMissing', [className], 'fix.DeployAgain'));
    return false;
  }
  checks.push(pass('plugin-class', messages.getMessage('check.Class', [className])));
  return true;
}

type RecordCredential = { kind: 'secret'; present: boolean; tokenCredential?: string } | { kind: 'certificate'; name?: string; missing: string[] };

/**
 * What proves the application's identity, by the record's auth method (records older than certificate support have
 * none: secret). A certificate needs its name and thumbprint; a secret must be real, which is only compared with the
 * placeholder, never kept or shown.
 */
function credentialOf(values: Map<string, string | undefined>): RecordCredential {
  if (values.get(FIELDS.authMethod.apiName) === 'certificate') {
    const missing = [FIELDS.certificateName, FIELDS.certificateThumbprint].filter((field) => !values.get(field.apiName)).map((field) => field.apiName);
    return { kind: 'certificate', name: values.get(FIELDS.certificateName.apiName), missing };
  }
  const tokenCredential = values.get(FIELDS.tokenCredential.apiName);
  // The token credential's principal holds the secret: the record has none to check.
  if (tokenCredential) return { kind: 'secret', present: true, tokenCredential };
  const secret = values.get(FIELDS.clientSecret.apiName);
  return { kind: 'secret', present: Boolean(secret) && secret !== SECRET_PLACEHOLDER };
}

type RecordFacts = { tokenUrl?: string; tokenCredential?: TokenCredentialRequest };

/** The record's type and values. */
async function checkRecord(conn: Connection, provider: string, ref: ReturnType<typeof recordRef>, checks: Check[]): Promise<RecordFacts> {
  const { type: typeName, fullName: record } = ref;
  const [type] = await readComponents(conn, 'CustomObject', [typeName]);
  if (!type) {
    checks.push(orgSetup('metadata-type', 'check.TypeMissing', [typeName], 'fix.DeployAgain'));
    return {};
  }
  checks.push(pass('metadata-type', messages.getMessage('check.Type', [typeName])));
  const found = await readComponent(conn, 'CustomMetadata', record);
  if (!found) {
    checks.push(orgSetup('metadata-record', 'check.RecordMissing', [record], 'fix.Deploy', [provider]));
    return {};
  }
  const values = recordValues(found);
  const tokenUrl = values.get(FIELDS.tokenUrl.apiName);
  const credential = credentialOf(values);
  const named = values.get(FIELDS.providerName.apiName);
  if (!tokenUrl || !values.get(FIELDS.clientId.apiName)) {
    checks.push(orgSetup('metadata-record', 'check.RecordIncomplete', [record], 'fix.Deploy', [provider]));
  } else if (credential.kind === 'secret' && !credential.present) {
    checks.push(orgSetup('metadata-record', 'check.RecordNoSecret', [record], 'fix.Deploy', [provider]));
  } else if (credential.kind === 'certificate' && credential.missing.length > 0) {
    checks.push(orgSetup('metadata-record', 'check.RecordNoCertificate', [record, credential.missing.join(', ')], 'fix.DeployCertificate', [provider]));
  } else if (!sameName(named, provider)) {
    // The plugin builds the callback URL from this value: another name sends the flow to another provider.
    checks.push(orgSetup('metadata-record', 'check.RecordOtherProvider', [record, named ?? '-', provider], 'fix.Deploy', [provider]));
  } else {
    const clientId = values.get(FIELDS.clientId.apiName) ?? '';
    const tenant = values.get(FIELDS.tenantId.apiName) ?? '-';
    checks.push(
      pass(
        'metadata-record',
        credential.kind === 'certificate'
          ? messages.getMessage('check.RecordCertificate', [record, clientId, tenant, tokenUrl, credential.name ?? ''])
          : credential.tokenCredential
            ? messages.getMessage('check.RecordTokenCredential', [record, clientId, tenant, tokenUrl, credential.tokenCredential])
            : messages.getMessage('check.Record', [record, clientId, tenant, tokenUrl])
      )
    );
  }
  const tokenCredential =
    credential.kind === 'secret' && credential.tokenCredential
      ? {
          name: credential.tokenCredential,
          provider,
          clientId: values.get(FIELDS.clientId.apiName) ?? '',
          scope: values.get(FIELDS.scope.apiName),
          resource: values.get(FIELDS.resource.apiName),
        }
      : undefined;
  return { tokenUrl, tokenCredential };
}

/**
 * The token credential: a Named Credential for the token URL that allows merge fields in the body, its Custom
 * External Credential of the same name with the principal, and the secret stored in that principal.
 */
async function checkTokenCredential(conn: Connection, { name, provider }: TokenCredentialRequest, tokenUrl: string, checks: Check[]): Promise<boolean> {
  const [nc, ec] = await Promise.all([readComponent(conn, 'NamedCredential', name), readComponent(conn, 'ExternalCredential', name)]);
  const params = nc ? parameters(nc, 'namedCredentialParameters') : [];
  const url = params.find((param) => param.parameterType === 'Url')?.parameterValue;
  const authentication = params.find((param) => param.parameterType === 'Authentication')?.externalCredential;
  const principal = ec && parameters(ec, 'externalCredentialParameters').some((param) => param.parameterType === 'NamedPrincipal' && sameName(param.parameterName, DEFAULT_PRINCIPAL));
  let problem: string | undefined;
  if (!nc || !ec) problem = messages.getMessage('check.TokenCredentialMissing', [name]);
  else if (textValue(nc.allowMergeFieldsInBody) !== 'true') problem = messages.getMessage('check.TokenCredentialNoMerge', [name]);
  else if (!sameName(authentication, name) || textValue(ec.authenticationProtocol) !== 'Custom' || !principal) problem = messages.getMessage('check.TokenCredentialShape', [name, DEFAULT_PRINCIPAL]);
  else if (!sameName(url, tokenUrl)) problem = messages.getMessage('check.TokenCredentialUrl', [name, url ?? '-', tokenUrl]);
  if (problem) {
    checks.push(fail('token-credential', 'org-setup', problem, messages.getMessage('fix.DeployAgain')));
    return false;
  }
  if (!(await holdsTokenSecret(conn, { externalCredential: name, principal: DEFAULT_PRINCIPAL }))) {
    checks.push(orgSetup('token-credential', 'check.TokenCredentialNoSecret', [DEFAULT_PRINCIPAL, name], 'fix.StoreTokenSecret', [provider]));
    return false;
  }
  checks.push(pass('token-credential', messages.getMessage('check.TokenCredential', [name, tokenUrl, DEFAULT_PRINCIPAL])));
  return true;
}

/** Salesforce allows a callout when an active remote site's URL is a prefix of the endpoint. */
async function checkRemoteSite(conn: Connection, tokenUrl: string, checks: Check[]): Promise<void> {
  const names = await listNames(conn, 'RemoteSiteSetting');
  const sites = (await readComponents(conn, 'RemoteSiteSetting', names)).filter((site): site is Component => site !== undefined);
  const covering = sites.find((site) => {
    const url = textValue(site.url)?.replace(/\/$/, '').toLowerCase();
    return textValue(site.isActive) === 'true' && url !== undefined && `${tokenUrl.toLowerCase()}/`.startsWith(`${url}/`);
  });
  const origin = new URL(tokenUrl).origin;
  checks.push(
    covering
      ? pass('remote-site', messages.getMessage('check.RemoteSite', [String(covering.fullName), origin]))
      : orgSetup('remote-site', 'check.RemoteSiteMissing', [origin], 'fix.RemoteSite', [origin])
  );
}

async function checkNamedCredential(conn: Connection, names: ProviderNames, checks: Check[]): Promise<Pick<OrgPieces, 'model' | 'namedCredential'>> {
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

function checkNativeCredential(found: Component, variant: string, names: ProviderNames, checks: Check[]): string | undefined {
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

function checkExternalCredential(found: Component | undefined, names: ProviderNames, checks: Check[]): boolean {
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

/** The permission set must grant the principal and the User External Credential object, and be assigned to the user. */
async function checkPermissionSet(conn: Connection, names: ProviderNames, username: string, checks: Check[], tokenCredential?: string): Promise<void> {
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

async function checkPrincipal(conn: Connection, names: ProviderNames, checks: Check[], native = false): Promise<void> {
  const status = await principalStatus(conn, names.externalCredential, names.principal);
  const [problem, fix] = native ? ['check.PrincipalNoCredentials', 'fix.StoreCredentials'] : ['check.PrincipalNotConfigured', 'fix.Authenticate'];
  checks.push(
    status === 'Configured'
      ? pass('principal-authentication', messages.getMessage('check.PrincipalConfigured', [names.principal, names.externalCredential]))
      : orgSetup('principal-authentication', problem, [names.principal, names.externalCredential], fix, [names.name])
  );
}

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

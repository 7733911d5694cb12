/*
 * Plugin mode's own pieces: the Auth. Provider (a custom one, with an active execution user) -> the plugin class ->
 * the custom metadata type and record -> either the token credential that holds the secret or the remote site that
 * lets the plugin call the token host.
 */
import { Messages, type Connection } from '@salesforce/core';
import { DEFAULT_PRINCIPAL, FIELDS, SECRET_PLACEHOLDER } from '../input/platform.js';
import { soqlString } from '../salesforce/orgProfile.js';
import { listNames, parameters, readComponent, readComponents, textValue, type Component, type recordRef, recordFields } from '../salesforce/metadataRead.js';
import { holdsTokenSecret } from '../salesforce/nativeCredentials.js';
import { sameName } from '../salesforce/salesforceNames.js';
import { fail, pass, type Check } from '../checks/checks.js';
import { orgSetup, type TokenCredentialRequest } from './pieceChecks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export async function checkAuthProvider(conn: Connection, name: string, provider: Component | undefined, checks: Check[]): Promise<{ plugin: string; record: string } | undefined> {
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

export async function checkPluginClass(conn: Connection, className: string, checks: Check[]): Promise<boolean> {
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
export async function checkRecord(conn: Connection, provider: string, ref: ReturnType<typeof recordRef>, checks: Check[]): Promise<RecordFacts> {
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
  const values = recordFields(found);
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
export async function checkTokenCredential(conn: Connection, { name, provider }: TokenCredentialRequest, tokenUrl: string, checks: Check[]): Promise<boolean> {
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
export async function checkRemoteSite(conn: Connection, tokenUrl: string, checks: Check[]): Promise<void> {
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

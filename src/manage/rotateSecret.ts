/*
 * Replaces one provider's client secret and nothing else: the custom metadata record is read, checked against Entra
 * with the new secret (the local token check of verify), and written back through the Metadata API's upsert with only
 * the secret changed. No code is deployed, so no tests run and production orgs need no deploy window.
 */
import { Messages, SfError, type Org } from '@salesforce/core';
import { parseProviderNames, parseTokenRequestSpec } from '../spec/providerSpec.js';
import type { ClientSecret } from '../spec/clientSecret.js';
import { FIELDS, SHARED } from '../spec/platform.js';
import { asList, crudProblem, readComponent, recordRef, textValue, type Component } from '../org/metadataRead.js';
import { isOurProvider } from '../org/providersInOrg.js';
import { checkTokenLocally, type TokenSummary } from '../verify/localTokenCheck.js';
import { EXIT_CODES, firstFailure, type Check } from '../verify/checks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

export type RotateOptions = {
  org: Org;
  name?: string;
  /** Token endpoint for the check instead of the record's (a test server, a proxy). */
  tokenUrl?: string;
  /** Check the new secret with Entra before writing it. */
  verify: boolean;
  secret: () => Promise<ClientSecret>;
  onStage?: (stage: string) => void;
};

export type RotateOutcome = {
  status: 'Rotated' | 'Refused';
  exitCode: number;
  provider: string;
  record: string;
  verified: boolean;
  checks: Check[];
  token?: TokenSummary;
  secretSource: ClientSecret['source'];
};

/** The provider's record, after checking that the Auth. Provider is one this plugin set up. */
export async function providerRecord(org: Org, name: string): Promise<{ fullName: string; component: Component }> {
  const conn = org.getConnection();
  const provider = await readComponent(conn, 'AuthProvider', name);
  if (!isOurProvider(provider)) {
    throw new SfError(messages.getMessage('error.NotOurProvider', [name, SHARED.pluginClass]), 'ProviderNotFound', [], 2);
  }
  const { fullName } = recordRef(textValue(provider.customMetadataTypeRecord) ?? '');
  const component = await readComponent(conn, 'CustomMetadata', fullName);
  if (!component) throw new SfError(messages.getMessage('error.RecordMissing', [fullName, name]), 'RecordMissing', [], 20);
  return { fullName, component };
}

export async function rotateSecret(options: RotateOptions): Promise<RotateOutcome> {
  const { name } = parseProviderNames({ name: options.name });
  options.onStage?.(messages.getMessage('stage.Read', [name]));
  const record = await providerRecord(options.org, name);
  const values = asList(record.component.values as Component | Component[] | undefined).map((entry) => ({ field: textValue(entry.field) ?? '', value: textValue(entry.value) }));
  const value = (field: string): string | undefined => values.find((entry) => entry.field === field)?.value;
  const tokenSpec = options.verify
    ? parseTokenRequestSpec({
        clientId: value(FIELDS.clientId.apiName),
        tokenUrl: options.tokenUrl ?? value(FIELDS.tokenUrl.apiName),
        scope: value(FIELDS.scope.apiName),
        resource: value(FIELDS.resource.apiName),
      })
    : undefined;

  const secret = await options.secret();
  const outcome = { provider: name, record: record.fullName, secretSource: secret.source };
  let checks: Check[] = [];
  let token: TokenSummary | undefined;
  if (tokenSpec) {
    options.onStage?.(messages.getMessage('stage.Check', [tokenSpec.tokenUrl]));
    ({ checks, token } = await checkTokenLocally(tokenSpec, { kind: 'secret', secret: secret.value }, false));
    const failed = firstFailure(checks);
    if (failed?.category) return { ...outcome, status: 'Refused', exitCode: EXIT_CODES[failed.category], verified: false, checks, token };
  }

  options.onStage?.(messages.getMessage('stage.Write', [record.fullName]));
  // CRUD calls take untyped values and read them by the field's type; every other value is written back unchanged.
  const updated = {
    fullName: record.fullName,
    label: textValue(record.component.label) ?? name,
    protected: textValue(record.component.protected) === 'true',
    values: values.map((entry) => ({ field: entry.field, value: entry.field === FIELDS.clientSecret.apiName ? secret.value : entry.value ?? null })),
  };
  const [result] = asList(await options.org.getConnection().metadata.upsert('CustomMetadata', updated as never));
  if (!result?.success) {
    throw new SfError(messages.getMessage('error.WriteFailed', [record.fullName, crudProblem(result)]), 'WriteFailed', [], 1);
  }
  return { ...outcome, status: 'Rotated', exitCode: 0, verified: tokenSpec !== undefined, checks, token };
}

/*
 * Replaces one provider's client secret and nothing else. The new secret is checked against Entra first (verify's
 * local token check), then written where the provider keeps it: the principal of its token credential (Connect REST),
 * the custom metadata record of a legacy-model provider (Metadata API upsert, only the secret changed) or, in native
 * mode, the External Credential's principal (Connect REST). No code is deployed,
 * so no tests run and production orgs need no deploy window.
 */
import { Messages, SfError, type Org } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { parseProviderNames } from '../input/names.js';
import { parseTokenRequestSpec } from '../input/tokenRequestSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { DEFAULT_PRINCIPAL, FIELDS, SHARED } from '../input/platform.js';
import { crudProblem, parameters, readComponent, recordRef, textValue, type Component } from '../salesforce/metadataRead.js';
import { isOurNativeCredential, isOurProvider, nativeSettings } from '../inventory/providersInOrg.js';
import { storedClientId, storeClientCredentials, storeTokenSecret } from '../salesforce/nativeCredentials.js';
import { checkTokenLocally, type TokenSummary } from '../entra/localTokenCheck.js';
import type { WaitOptions } from '../entra/credentialPropagation.js';
import { firstFailure, type Check } from '../checks/checks.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { requestTimeoutMs } from '../network/deadline.js';
import { remoteText } from '../ux/remoteText.js';

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
  /** The new secret is on its way to `where`: from here on, the org may hold either secret. */
  onWrite?: (where: string) => void;
  /** The secret was just created: the check keeps trying while Entra refuses it as not replicated yet. */
  wait?: WaitOptions;
};

export type RotateSecretOutcome = {
  status: 'Rotated' | 'Refused';
  exitCode: number;
  provider: string;
  mode: 'plugin' | 'native';
  /** Where the secret was written: the custom metadata record, or the native principal. */
  record: string;
  verified: boolean;
  checks: Check[];
  token?: TokenSummary;
  secretSource: ClientSecret['source'];
};

/** Where a provider's secret lives: what the token check needs, and how the new secret is written there. */
type SecretHome = {
  mode: 'plugin' | 'native';
  /** The record's full name, or the native principal. */
  where: string;
  token: { clientId?: string; tokenUrl?: string; scope?: string; resource?: string };
  write: (secret: string) => Promise<void>;
};

/** Plugin mode: the custom metadata record, written back through CRUD upsert with only the secret changed. */
async function recordHome(org: Org, name: string, provider: Component): Promise<SecretHome> {
  const conn = org.getConnection();
  const { fullName } = recordRef(textValue(provider.customMetadataTypeRecord) ?? '');
  const component = await readComponent(conn, 'CustomMetadata', fullName);
  if (!component) throw messages.createError('error.RecordMissing', [fullName, name], [], EXIT_CODES['org-setup']);
  const values = ensureArray(component.values as Component | Component[] | undefined).map((entry) => ({ field: textValue(entry.field) ?? '', value: textValue(entry.value) }));
  const value = (field: string): string | undefined => values.find((entry) => entry.field === field)?.value;
  // A certificate provider has no secret: writing one would change nothing the plugin uses.
  if (value(FIELDS.authMethod.apiName) === 'certificate') {
    throw messages.createError('error.CertificateProvider', [name, value(FIELDS.certificateName.apiName) ?? '-'], [], EXIT_CODES['invalid-input']);
  }
  const token = { clientId: value(FIELDS.clientId.apiName), tokenUrl: value(FIELDS.tokenUrl.apiName), scope: value(FIELDS.scope.apiName), resource: value(FIELDS.resource.apiName) };
  const tokenCredential = value(FIELDS.tokenCredential.apiName);
  if (tokenCredential) {
    // The record holds no secret: its token credential's principal does.
    const target = { externalCredential: tokenCredential, principal: DEFAULT_PRINCIPAL };
    return { mode: 'plugin', where: messages.getMessage('rotate.PrincipalOf', [target.principal, tokenCredential]), token, write: (secret) => storeTokenSecret(conn, target, secret) };
  }
  return {
    mode: 'plugin',
    where: fullName,
    token,
    write: async (secret): Promise<void> => {
      // CRUD calls take untyped values and read them by the field's type; every other value is written back unchanged.
      const updated = {
        fullName,
        label: textValue(component.label) ?? name,
        protected: textValue(component.protected) === 'true',
        values: values.map((entry) => ({ field: entry.field, value: entry.field === FIELDS.clientSecret.apiName ? secret : entry.value ?? null })),
      };
      const [result] = ensureArray(await conn.metadata.upsert('CustomMetadata', updated as never));
      // The org's refusal may quote the value it was sent.
      if (!result?.success) throw messages.createError('error.WriteFailed', [fullName, remoteText(crudProblem(result), [secret])], [], EXIT_CODES.failed);
    },
  };
}

/** Native mode: the principal's credentials, replaced through Connect REST with the client ID it already holds. */
async function principalHome(org: Org, name: string, externalCredential: Component): Promise<SecretHome> {
  const conn = org.getConnection();
  const principal = parameters(externalCredential, 'externalCredentialParameters').find((param) => param.parameterType === 'NamedPrincipal')?.parameterName ?? DEFAULT_PRINCIPAL;
  const target = { externalCredential: name, principal };
  const clientId = await storedClientId(conn, target);
  if (!clientId) throw messages.createError('error.NoStoredClientId', [principal, name], [], EXIT_CODES['org-setup']);
  return {
    mode: 'native',
    where: messages.getMessage('rotate.PrincipalOf', [principal, name]),
    token: { clientId, tokenUrl: nativeSettings(externalCredential).tokenUrl, scope: nativeSettings(externalCredential).scope },
    write: (secret) => storeClientCredentials(conn, target, clientId, secret, true),
  };
}

/** The provider's secret home, after checking that this plugin set the provider up. */
async function secretHome(org: Org, name: string): Promise<SecretHome> {
  const conn = org.getConnection();
  const [provider, externalCredential] = await Promise.all([readComponent(conn, 'AuthProvider', name), readComponent(conn, 'ExternalCredential', name)]);
  if (isOurProvider(provider)) return recordHome(org, name, provider);
  if (isOurNativeCredential(externalCredential)) return principalHome(org, name, externalCredential);
  throw messages.createError('error.NotOurProvider', [name, SHARED.pluginClass], [], EXIT_CODES['invalid-input']);
}

/** A failed write says how to finish: the same command again (it writes the whole secret again). */
function withRerun(error: unknown, name: string): unknown {
  if (!(error instanceof SfError)) return error;
  return new SfError(error.message, error.name, [messages.getMessage('action.RerunRotate', [name])], error.exitCode, error);
}

export async function rotateSecret(options: RotateOptions): Promise<RotateSecretOutcome> {
  const { name } = parseProviderNames({ name: options.name });
  // A bad request deadline is bad input: refused before the org is asked anything.
  requestTimeoutMs();
  options.onStage?.(messages.getMessage('stage.Read', [name]));
  const home = await secretHome(options.org, name);
  const tokenSpec = options.verify ? parseTokenRequestSpec({ ...home.token, tokenUrl: options.tokenUrl ?? home.token.tokenUrl }) : undefined;

  const secret = await options.secret();
  const outcome = { provider: name, mode: home.mode, record: home.where, secretSource: secret.source };
  let checks: Check[] = [];
  let token: TokenSummary | undefined;
  if (tokenSpec) {
    options.onStage?.(messages.getMessage('stage.Check', [tokenSpec.tokenUrl]));
    ({ checks, token } = await checkTokenLocally(tokenSpec, { kind: 'secret', secret: secret.value }, false, options.wait));
    const failed = firstFailure(checks);
    if (failed?.category) return { ...outcome, status: 'Refused', exitCode: EXIT_CODES[failed.category], verified: false, checks, token };
  }

  options.onStage?.(messages.getMessage('stage.Write', [home.where]));
  options.onWrite?.(home.where);
  try {
    await home.write(secret.value);
  } catch (error) {
    throw withRerun(error, name);
  }
  return { ...outcome, status: 'Rotated', exitCode: 0, verified: tokenSpec !== undefined, checks, token };
}

/*
 * deploy --create-app: before the deploy, the app registration at Entra (entra/appRegistration.ts), then the client
 * id and a new secret flow into the deploy as if typed (the secret in memory only). A rerun adds no secret when the
 * org's provider already uses this app and Entra still holds an unexpired secret this plugin added: it is kept.
 */
import { readFileSync } from 'node:fs';
import { Messages, type Connection } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { CLOUDS, type Cloud } from '../input/platform.js';
import type { ProviderInput } from '../input/providerFields.js';
import { parseTokenRequestSpec } from '../input/tokenRequestSpec.js';
import { findProviders } from '../inventory/providersInOrg.js';
import { readComponent } from '../salesforce/metadataRead.js';
import { upsertRecordKeyId } from '../salesforce/secretKeyId.js';
import { graphHosts, type GraphHosts } from '../entra/graphHosts.js';
import { signInToGraph, type SignInChoice, type SignInMethod } from '../entra/graphSignIn.js';
import { getApplication, graphClient } from '../entra/graphClient.js';
import { registerApp, type AppRegistrationResult } from '../entra/appRegistration.js';
import { addSecret, CREDENTIAL_DISPLAY_NAME, daysLeft } from '../entra/appCredentials.js';
import { awaitNewCredential } from './newCredential.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type CreateAppReport = AppRegistrationResult & {
  signIn: SignInMethod;
  /** added: a new secret, stored in the org by this deploy; kept: the org's provider already holds one (not redeployed). */
  secret?: { change: 'added' | 'kept'; keyId: string; endDateTime?: string };
};

export type CreateAppRequest = {
  conn: Connection;
  input: ProviderInput;
  permissions: string[];
  secretLifetimeDays: number;
  signIn: SignInChoice;
  interactive: boolean;
  prompt: (text: string) => void;
  onStep?: (step: string) => void;
  onWait?: (text: string) => void;
  signal?: AbortSignal;
};

export type CreateAppPrepared = { report: CreateAppReport; input: ProviderInput; secret?: ClientSecret };

const cloudOf = (raw: string | undefined): Cloud => ((CLOUDS as readonly string[]).includes(raw ?? '') ? (raw as Cloud) : 'global');

/** The app's own token request from this machine: --token-url when given, else the login host of --cloud. */
function tokenUrlOf(input: ProviderInput, hosts: GraphHosts, tenantId: string): string {
  return input.tokenUrl ?? `${hosts.authorityHost}/${tenantId}/oauth2/v2.0/token`;
}

export async function prepareCreatedApp(request: CreateAppRequest): Promise<CreateAppPrepared> {
  const { input } = request;
  if (!input.name) throw messages.createError('error.CreateAppNeedsName', [], [], EXIT_CODES['invalid-input']);
  if (!input.tenantId) throw messages.createError('error.CreateAppNeedsTenant', [], [], EXIT_CODES['invalid-input']);
  const certificate = input.auth === 'certificate';
  if (certificate && !input.certificateFile) throw messages.createError('error.CreateAppNeedsCertificateFile', [], [], EXIT_CODES['invalid-input']);
  const hosts = graphHosts(cloudOf(input.cloud));
  request.onStep?.('signIn');
  const signIn = await signInToGraph(request.signIn, { tenantId: input.tenantId, hosts, interactive: request.interactive, prompt: request.prompt });
  const client = graphClient(signIn.token, hosts.graphOrigin);
  const pem = certificate ? readFileSync(input.certificateFile!, 'utf8') : undefined;
  const registration = await registerApp(client, { displayName: input.name, permissions: request.permissions, scope: input.scope ?? input.resource, certificatePem: pem }, { onStep: request.onStep });
  const withApp: ProviderInput = { ...input, clientId: registration.application.appId };
  if (certificate) return { report: { ...registration, signIn: signIn.method }, input: withApp };

  const app = await getApplication(client, registration.application.id);
  const ours = app.passwordCredentials.filter((credential) => credential.displayName === CREDENTIAL_DISPLAY_NAME && credential.endDateTime && daysLeft(credential.endDateTime) >= 0);
  if (ours.length > 0 && registration.application.change !== 'created') {
    const inOrg = (await findProviders(request.conn)).find((provider) => provider.name.toLowerCase() === input.name!.toLowerCase());
    // A native provider's client id sits in its principal, which the inventory does not read: there the provider of
    // this name, with a token URL in this tenant, stands for it (both were named by --name).
    const sameApp = inOrg?.clientId
      ? inOrg.clientId.toLowerCase() === registration.application.appId.toLowerCase()
      : inOrg?.mode === 'native' && (inOrg.tokenUrl ?? '').toLowerCase().includes(`/${input.tenantId.toLowerCase()}/`);
    if (sameApp) {
      const newest = ours.sort((a, b) => (b.endDateTime ?? '').localeCompare(a.endDateTime ?? ''))[0];
      return { report: { ...registration, signIn: signIn.method, secret: { change: 'kept', keyId: newest.keyId, endDateTime: newest.endDateTime } }, input: withApp };
    }
  }
  request.onStep?.('secret');
  const created = await addSecret(client, app, request.secretLifetimeDays);
  const secret: ClientSecret = { value: created.secretText, source: 'addPassword' };
  const tokenSpec = parseTokenRequestSpec({ ...withApp, tokenUrl: tokenUrlOf(input, hosts, input.tenantId) });
  await awaitNewCredential(tokenSpec, secret, request.onWait, request.signal);
  return { report: { ...registration, signIn: signIn.method, secret: { change: 'added', keyId: created.keyId, endDateTime: created.endDateTime } }, input: withApp, secret };
}

/**
 * After the deploy, the key id of the secret it stored goes into a plugin provider's record (never the secret), so
 * that `rotate-secret --new` can later remove exactly this secret at Entra. A native provider has nowhere to keep it.
 * Returns the org's refusal, if any: the deploy has succeeded by then, so a refusal is only worth a warning.
 */
export async function recordCreatedSecretKeyId(conn: Connection, providerName: string, keyId: string): Promise<string | undefined> {
  const provider = (await findProviders(conn)).find((found) => found.name.toLowerCase() === providerName.toLowerCase());
  if (provider?.mode !== 'plugin' || !provider.record) return undefined;
  const record = await readComponent(conn, 'CustomMetadata', provider.record);
  return record ? upsertRecordKeyId(conn, provider.record, record, keyId) : undefined;
}

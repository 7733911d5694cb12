/*
 * `app create`: sign in to Graph, then find-or-create the app registration with its service principal, permissions,
 * admin consent and (with --auth certificate) certificate. No secret: it would have nowhere safe to go.
 */
import { readFileSync } from 'node:fs';
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { CLOUDS, type Cloud } from '../input/platform.js';
import { graphHosts } from '../entra/graphHosts.js';
import { signInToGraph, type SignInChoice, type SignInMethod } from '../entra/graphSignIn.js';
import { graphClient } from '../entra/graphClient.js';
import { registerApp, type AppRegistrationResult } from '../entra/appRegistration.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

export type AppCreateRequest = {
  name?: string;
  appName?: string;
  tenantId?: string;
  cloud?: string;
  scope?: string;
  permissions: string[];
  auth?: string;
  certificateFile?: string;
  signIn: SignInChoice;
  interactive: boolean;
  prompt: (text: string) => void;
  onStep?: (step: string) => void;
  onWait?: (seconds: number) => void;
};

export type AppCreateResult = AppRegistrationResult & { name: string; tenantId: string; signIn: SignInMethod; secretAdded: false };

const bad = (key: string): Error => messages.createError(key, [], [], EXIT_CODES['invalid-input']);

function certificatePem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw messages.createError('error.CertificateUnreadable', [file, (error as NodeJS.ErrnoException).code ?? ''], [], EXIT_CODES['invalid-input']);
  }
}

export async function appCreate(request: AppCreateRequest): Promise<AppCreateResult> {
  if (!request.name) throw bad('error.NameRequired');
  if (!request.tenantId) throw bad('error.TenantRequired');
  if (request.auth === 'certificate' && !request.certificateFile) throw bad('error.CertificateFileRequired');
  const cloud = (CLOUDS as readonly string[]).includes(request.cloud ?? 'global') ? ((request.cloud ?? 'global') as Cloud) : 'global';
  const pem = request.auth === 'certificate' && request.certificateFile ? certificatePem(request.certificateFile) : undefined;
  const hosts = graphHosts(cloud);
  request.onStep?.('signIn');
  const signIn = await signInToGraph(request.signIn, { tenantId: request.tenantId, hosts, interactive: request.interactive, prompt: request.prompt });
  const client = graphClient(signIn.token, hosts.graphOrigin, { onWait: request.onWait });
  const registration = await registerApp(client, { displayName: request.appName ?? request.name, permissions: request.permissions, scope: request.scope, certificatePem: pem }, { onStep: request.onStep });
  return { name: request.name, tenantId: request.tenantId, signIn: signIn.method, secretAdded: false, ...registration };
}

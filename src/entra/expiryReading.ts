/*
 * Reading when providers' credentials expire, for list and verify: one Graph session per tenant, opened only with a
 * sign-in that asks nobody unless --sign-in named one (graphSession.quietSignIn). Whatever stops the reading (no
 * such sign-in, a refusal, no app) makes the expiry unknown, with the reason: it never fails the command.
 */
import { Messages } from '@salesforce/core';
import { remoteText } from '../ux/remoteText.js';
import { expiryOf, type CredentialExpiry, type CredentialKind } from './credentialExpiry.js';
import { findApplicationByAppId } from './graphClient.js';
import { openGraphSession, quietSignIn, tenantOfTokenUrl, type GraphSession } from './graphSession.js';
import type { SignInChoice, SignInMethod } from './graphSignIn.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

export type ExpiryTarget = { tokenUrl?: string; tenantId?: string; clientId?: string; kind: CredentialKind; keyId?: string };
export type ExpiryReading = (CredentialExpiry & { signIn: SignInMethod }) | { status: 'unknown'; kind: CredentialKind; reason: string };
export type ExpiryReader = (target: ExpiryTarget) => Promise<ExpiryReading>;

export function expiryReader(choice: SignInChoice | undefined, prompt: (text: string) => void, env: NodeJS.ProcessEnv = process.env): ExpiryReader {
  const sessions = new Map<string, Promise<GraphSession>>();
  const signIn = quietSignIn(choice, env);
  return async (target) => {
    const unknown = (reason: string): ExpiryReading => ({ status: 'unknown', kind: target.kind, reason });
    if (!target.clientId) return unknown(messages.getMessage('expiry.NoClientId'));
    if (!signIn) return unknown(messages.getMessage('expiry.NoSignIn'));
    const tokenUrl = target.tokenUrl ?? '';
    const tenant = target.tenantId ?? tenantOfTokenUrl(tokenUrl) ?? 'organizations';
    try {
      const key = `${tenant}|${tokenUrl ? new URL(tokenUrl).host : ''}`;
      if (!sessions.has(key)) sessions.set(key, openGraphSession(signIn, { tokenUrl, tenantId: tenant, env, interactive: process.stdin.isTTY === true && process.stderr.isTTY === true, prompt }));
      const session = await sessions.get(key)!;
      const app = await findApplicationByAppId(session.client, target.clientId);
      if (!app) return unknown(messages.getMessage('expiry.NoApp', [target.clientId]));
      return { ...expiryOf(app, target.kind, target.keyId), signIn: session.method };
    } catch (error) {
      return unknown(messages.getMessage('expiry.Failed', [remoteText(((error as Error).message ?? String(error)).split('\n')[0], [], 300)]));
    }
  };
}

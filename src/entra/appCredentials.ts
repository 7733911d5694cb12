/*
 * The app's own credentials at Entra: client secrets (addPassword / removePassword) and certificates (keyCredentials),
 * and when each ends. A secret's text exists only in addPassword's answer: it is handed on in memory and never
 * written, printed or logged.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { addPassword, getApplication, removePassword, updateApplication, type Application, type GraphClient, type KeyCredentialInput, type NewPassword } from './graphClient.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'app');

/** Microsoft recommends short-lived secrets; the portal offers at most 24 months. A tenant policy may cap lower. */
export const DEFAULT_SECRET_LIFETIME_DAYS = 180;
export const MAX_SECRET_LIFETIME_DAYS = 730;
/** What a secret or certificate this plugin adds is called at Entra (its displayName), so a rerun recognises it. */
export const CREDENTIAL_DISPLAY_NAME = 'sf azure-authprovider';

export type CredentialInfo = { kind: 'secret' | 'certificate'; keyId: string; displayName?: string; endDateTime?: string; hint?: string; thumbprint?: string };

export function checkSecretLifetime(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_SECRET_LIFETIME_DAYS) {
    throw messages.createError('error.SecretLifetime', [MAX_SECRET_LIFETIME_DAYS, days], [], EXIT_CODES['invalid-input']);
  }
  return days;
}

/** A new client secret that ends `lifetimeDays` from now. */
export function addSecret(client: GraphClient, app: Pick<Application, 'id'>, lifetimeDays: number, now = Date.now()): Promise<NewPassword> {
  const endDateTime = new Date(now + checkSecretLifetime(lifetimeDays) * 86_400_000).toISOString();
  return addPassword(client, app.id, { displayName: CREDENTIAL_DISPLAY_NAME, endDateTime });
}

export const removeSecret = (client: GraphClient, app: Pick<Application, 'id'>, keyId: string): Promise<void> => removePassword(client, app.id, keyId);

/** SHA-1 of the DER bytes in upper-case hex: the customKeyIdentifier Graph shows for a certificate. */
export const certificateHexThumbprint = (certificate: X509Certificate): string => createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();

/**
 * Registers a certificate on the app unless it is there already (same thumbprint). keyCredentials is replaced as a
 * whole on PATCH, so the others are read with their key bytes ($select) and sent back unchanged.
 */
export async function ensureCertificate(client: GraphClient, app: Pick<Application, 'id'>, certificatePem: string): Promise<{ change: 'added' | 'unchanged'; thumbprint: string; endDateTime: string }> {
  const certificate = new X509Certificate(certificatePem);
  const thumbprint = certificateHexThumbprint(certificate);
  const endDateTime = new Date(certificate.validTo).toISOString();
  const current = await getApplication(client, app.id, true);
  const existing = current.keyCredentials ?? [];
  if (existing.some((credential) => credential.customKeyIdentifier?.toUpperCase() === thumbprint)) return { change: 'unchanged', thumbprint, endDateTime };
  const added: KeyCredentialInput = { type: 'AsymmetricX509Cert', usage: 'Verify', key: certificate.raw.toString('base64'), displayName: CREDENTIAL_DISPLAY_NAME };
  const keep = existing.map(({ keyId, type, usage, key, displayName }): KeyCredentialInput => ({ keyId, type, usage, key, displayName }));
  await updateApplication(client, app.id, { keyCredentials: [...keep, added] });
  return { change: 'added', thumbprint, endDateTime };
}

/** The app's secrets and certificates with their key ids and end dates, soonest end first. */
export function credentialsOf(app: Pick<Application, 'passwordCredentials' | 'keyCredentials'>): CredentialInfo[] {
  const secrets = (app.passwordCredentials ?? []).map((credential): CredentialInfo => ({ kind: 'secret', keyId: credential.keyId, displayName: credential.displayName ?? undefined, endDateTime: credential.endDateTime, hint: credential.hint ?? undefined }));
  const certificates = (app.keyCredentials ?? []).map((credential): CredentialInfo => ({ kind: 'certificate', keyId: credential.keyId, displayName: credential.displayName ?? undefined, endDateTime: credential.endDateTime, thumbprint: credential.customKeyIdentifier ?? undefined }));
  return [...secrets, ...certificates].sort((a, b) => (a.endDateTime ?? '').localeCompare(b.endDateTime ?? ''));
}

/** Whole days until `endDateTime` (negative once it has passed). */
export const daysLeft = (endDateTime: string, now = Date.now()): number => Math.floor((Date.parse(endDateTime) - now) / 86_400_000);

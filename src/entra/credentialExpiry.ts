/*
 * When a provider's credential at Entra expires, read from its application (passwordCredentials / keyCredentials,
 * endDateTime: Graph v1.0 "passwordCredential resource type", "keyCredential resource type"). The secret in use is
 * matched by its key id when the org holds it; otherwise the soonest end among the app's live credentials of that
 * kind is reported, the cautious reading.
 */
import type { Application } from './graphClient.js';

/** Warn this many days before a credential expires. */
export const EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86_400_000;

export type CredentialKind = 'secret' | 'certificate';
export type ExpiryStatus = 'ok' | 'soon' | 'expired' | 'none';

export type AppCredentialInfo = { kind: CredentialKind; keyId: string; displayName?: string; endDateTime?: string; daysLeft?: number };

export type CredentialExpiry = {
  status: ExpiryStatus;
  kind: CredentialKind;
  /** The credential the date is of; absent when the app has none of that kind. */
  keyId?: string;
  expiresAt?: string;
  daysLeft?: number;
  /** Whether the key id came from the org (the credential in use), not the soonest-ending guess. */
  matched: boolean;
};

const daysLeft = (end: string | undefined, now: number): number | undefined => {
  const at = end ? Date.parse(end) : NaN;
  return Number.isFinite(at) ? Math.floor((at - now) / DAY_MS) : undefined;
};

/** Every secret and certificate of the app, with days left. */
export function credentialsOf(app: Application, now = Date.now()): AppCredentialInfo[] {
  return [
    ...(app.passwordCredentials ?? []).map((credential) => ({ kind: 'secret' as const, keyId: credential.keyId, displayName: credential.displayName ?? undefined, endDateTime: credential.endDateTime, daysLeft: daysLeft(credential.endDateTime, now) })),
    ...(app.keyCredentials ?? []).map((credential) => ({ kind: 'certificate' as const, keyId: credential.keyId, displayName: credential.displayName ?? undefined, endDateTime: credential.endDateTime, daysLeft: daysLeft(credential.endDateTime, now) })),
  ];
}

const statusOf = (end: string | undefined, now: number): ExpiryStatus => {
  const at = end ? Date.parse(end) : NaN;
  if (!Number.isFinite(at)) return 'ok';
  if (at <= now) return 'expired';
  return at - now <= EXPIRY_WARN_DAYS * DAY_MS ? 'soon' : 'ok';
};

export function expiryOf(app: Application, kind: CredentialKind, keyId: string | undefined, now = Date.now()): CredentialExpiry {
  const ofKind = credentialsOf(app, now).filter((credential) => credential.kind === kind);
  const known = keyId ? ofKind.find((credential) => credential.keyId.toLowerCase() === keyId.toLowerCase()) : undefined;
  const live = ofKind.filter((credential) => statusOf(credential.endDateTime, now) !== 'expired');
  const byEnd = (a: AppCredentialInfo, b: AppCredentialInfo): number => Date.parse(a.endDateTime ?? '') - Date.parse(b.endDateTime ?? '');
  // No live one: the latest to have ended is the one that stopped working last.
  const chosen = known ?? [...live].sort(byEnd)[0] ?? [...ofKind].sort(byEnd).at(-1);
  if (!chosen) return { status: 'none', kind, matched: false };
  return { status: statusOf(chosen.endDateTime, now), kind, keyId: chosen.keyId, expiresAt: chosen.endDateTime, daysLeft: chosen.daysLeft, matched: known !== undefined };
}

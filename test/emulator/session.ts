/**
 * Sessions as the org checks them: a token is valid while the org holds it, and a session set to expire after N
 * calls (org.expireSessionAfter) counts each authenticated call against it.
 */
import type { Org } from './org.js';
import { bearerToken, type Exchange, json } from './http.js';

/** The user a token's session belongs to, counting the call; undefined for no, unknown or expired sessions. */
export function sessionUser(org: Org, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const s = org.sessions.get(token);
  if (!s) return undefined;
  if (s.callsLeft !== undefined) {
    if (s.callsLeft <= 0) {
      org.sessions.delete(token);
      return undefined;
    }
    s.callsLeft -= 1;
  }
  return s.userId;
}

/** REST's check of the bearer token: answers 401 INVALID_SESSION_ID itself when it fails. */
export function restSessionUser(org: Org, x: Exchange): string | undefined {
  const userId = sessionUser(org, bearerToken(x));
  if (!userId) {
    json(x.res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    return undefined;
  }
  return userId;
}

/** A browser's session: the `sid` cookie frontdoor.jsp set, if the org still holds it (not counted as a call). */
export function cookieSession(org: Org, x: Exchange): string | undefined {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(x.req.headers.cookie ?? '')?.[1];
  return sid && org.sessions.has(decodeURIComponent(sid)) ? decodeURIComponent(sid) : undefined;
}

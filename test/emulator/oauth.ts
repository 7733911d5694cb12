/**
 * The org's OAuth endpoints a client of it uses: /services/oauth2/userinfo (and the identity URL) and
 * /services/oauth2/token with the refresh_token grant.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { bearerToken, type Exchange, json, text } from './http.js';
import { sessionUser } from './session.js';

/** OpenID userinfo (also answers the /id/<org>/<user> identity URL) for the bearer's session. */
export function userinfo(emu: EmulatorContext, x: Exchange): void {
  const userId = sessionUser(emu.org, bearerToken(x));
  if (!userId) return text(x.res, 403, 'text/plain', 'Bad_OAuth_Token');
  const u = emu.org.users.find((user) => user.id === userId)!;
  json(x.res, 200, {
    sub: `${emu.instanceUrl}/id/${emu.org.orgId}/${u.id}`, user_id: u.id, organization_id: emu.org.orgId,
    preferred_username: u.username, nickname: u.username.split('@')[0], name: u.name, email: u.username, email_verified: true,
    active: u.isActive, user_type: 'STANDARD', language: 'en_US', locale: 'en_US', utcOffset: 0,
    urls: { rest: `${emu.instanceUrl}/services/data/v{version}/`, metadata: `${emu.instanceUrl}/services/Soap/m/{version}/${emu.org.orgId}` },
    is_app_installed: true, updated_at: new Date().toISOString(),
  });
}

/** The token endpoint: only the refresh_token grant (what sf uses to renew a session). */
export function token(emu: EmulatorContext, x: Exchange): void {
  const form = new URLSearchParams(x.body.toString('utf8'));
  if (form.get('grant_type') !== 'refresh_token') return json(x.res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  const userId = emu.org.refreshTokens.get(form.get('refresh_token') ?? '');
  if (!userId) return json(x.res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
  const { accessToken } = emu.org.newSession(userId);
  json(x.res, 200, {
    access_token: accessToken, signature: randomBytes(16).toString('base64'), scope: 'api refresh_token', instance_url: emu.instanceUrl,
    id: `${emu.instanceUrl}/id/${emu.org.orgId}/${userId}`, token_type: 'Bearer', issued_at: String(Date.now()),
  });
}

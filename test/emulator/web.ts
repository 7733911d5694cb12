/**
 * The org's browser-facing pages: singleaccess (a one-time frontdoor URL for a bearer session), frontdoor.jsp (logs
 * the browser in), and a principal's OAuth flow from /services/auth/xds/<External Credential> to
 * /services/authcallback/<Auth. Provider>, as started by Connect's auth-url (connect.ts).
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { bearerToken, type Exchange, json, redirect, text } from './http.js';
import { cookieSession, sessionUser } from './session.js';
import { childrenNamed, childText, esc } from './xml.js';

/** UI Bridge API: a single-use frontdoor URL for the bearer's session (what `sf org open` uses). */
export function singleAccess(emu: EmulatorContext, x: Exchange): void {
  const token = bearerToken(x);
  if (!sessionUser(emu.org, token)) return json(x.res, 403, { error: 'invalid_token', error_description: 'Access token is invalid or expired' });
  const otp = randomBytes(24).toString('base64url');
  emu.oneTimePasswords.set(otp, token!);
  const startUrl = x.url.searchParams.get('redirect_uri');
  const uri = new URL('/secur/frontdoor.jsp', emu.instanceUrl);
  uri.searchParams.set('otp', otp);
  if (startUrl) uri.searchParams.set('startURL', startUrl);
  json(x.res, 200, { frontdoor_uri: uri.href });
}

/** Logs a browser in from a session id (`sid`) or a one-time password (`otp`), then goes to retURL / startURL. */
export function frontdoor(emu: EmulatorContext, x: Exchange): void {
  const otp = x.url.searchParams.get('otp');
  const sid = otp !== null ? emu.oneTimePasswords.get(otp) ?? '' : x.url.searchParams.get('sid') ?? '';
  if (otp !== null) emu.oneTimePasswords.delete(otp);
  const ret = x.url.searchParams.get('retURL') ?? x.url.searchParams.get('startURL') ?? '/';
  if (!sessionUser(emu.org, sid)) return redirect(x.res, `/?ec=302&startURL=${encodeURIComponent(ret)}`);
  const target = ret.startsWith('/') ? ret : '/';
  redirect(x.res, target, [`sid=${encodeURIComponent(sid)}; Path=/; HttpOnly`]);
}

/**
 * The start of the principal's OAuth flow. Salesforce calls the Auth. Provider plugin's `initiate`; the
 * client_credentials plugin modeled here redirects straight back to /services/authcallback/<provider>.
 */
export function authStart(emu: EmulatorContext, x: Exchange): void {
  if (!cookieSession(emu.org, x)) return redirect(x.res, `/?ec=302&startURL=${encodeURIComponent(x.url.pathname + x.url.search)}`);
  const state = x.url.searchParams.get('state') ?? '';
  const pending = emu.pendingAuth.get(state);
  if (!pending) return text(x.res, 400, 'text/html', '<html><body>No_Oauth_State: State was not valid</body></html>');
  const ec = emu.org.get('ExternalCredential', pending.externalCredential);
  const ap = childrenNamed(ec?.tree, 'externalCredentialParameters').find((p) => childText(p, 'parameterType') === 'AuthProvider');
  const provider = childText(ap, 'authProvider');
  if (!provider) return text(x.res, 400, 'text/html', '<html><body>The external credential has no authentication provider</body></html>');
  redirect(x.res, `/services/authcallback/${encodeURIComponent(provider)}?state=${state}`);
}

/** The Auth. Provider's callback: the plugin must be an Auth.AuthProviderPluginClass; the principal is then configured. */
export function authCallback(emu: EmulatorContext, x: Exchange, providerName: string): void {
  const provider = emu.org.get('AuthProvider', providerName);
  if (!provider) return text(x.res, 404, 'text/html', `<html><body>Invalid Auth. Provider: ${esc(providerName)}</body></html>`);
  const plugin = childText(provider.tree, 'plugin') ?? '';
  const cls = emu.org.apexClass(plugin);
  if (!cls || cls.info.extendsType?.toLowerCase() !== 'auth.authproviderpluginclass') {
    return redirect(x.res, `/_nc_external/identity/auth/error?ErrorCode=No_Oauth_Plugin&ErrorDescription=${encodeURIComponent(`Plugin class ${plugin} not found`)}`);
  }
  const state = x.url.searchParams.get('state') ?? '';
  const pending = emu.pendingAuth.get(state);
  if (!pending) return redirect(x.res, '/_nc_external/identity/auth/error?ErrorCode=No_Oauth_State&ErrorDescription=State+was+not+valid');
  emu.pendingAuth.delete(state);
  emu.org.configuredPrincipals.add(`${pending.externalCredential}|${pending.principalName}`.toLowerCase());
  redirect(x.res, pending.returnUrl.startsWith('/') ? pending.returnUrl : '/');
}

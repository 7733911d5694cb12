/*
 * The check that needs no org: ask the token endpoint for a token with the app's credentials from this machine,
 * then read what the token grants. It separates "Entra refuses these credentials" from anything Salesforce does.
 */
import { Messages } from '@salesforce/core';
import type { TokenRequestSpec } from '../input/tokenRequestSpec.js';
import { fail, pass, skip, warn, type Check } from '../checks/checks.js';
import { audienceFits, diagnoseEntraError } from './entraDiagnosis.js';
import { requestToken, type AppCredential, type TokenClaims } from './tokenRequest.js';
import { waitForUsableCredential, type WaitOptions } from './credentialPropagation.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export type TokenSummary = TokenClaims & {
  tokenUrl: string;
  /** Present only with --show-token. */
  accessToken?: string;
};

export type LocalCheckOutcome = { checks: Check[]; token?: TokenSummary };

/** What the claims say about consent, audience, tenant and application; one check each. */
function claimChecks(spec: TokenRequestSpec, claims: TokenClaims): Check[] {
  const checks: Check[] = [];
  checks.push(
    claims.roles.length > 0
      ? pass('token-roles', messages.getMessage('check.Roles', [claims.roles.join(', ')]))
      : warn('token-roles', messages.getMessage('check.NoRoles'), messages.getMessage('fix.NoRoles'))
  );
  const fits = claims.audience ? audienceFits(claims.audience, spec.endpoint) : 'unknown';
  if (fits === 'match') checks.push(pass('token-audience', messages.getMessage('check.Audience', [claims.audience ?? '', spec.endpoint ?? ''])));
  else if (fits === 'mismatch') {
    checks.push(warn('token-audience', messages.getMessage('check.AudienceMismatch', [claims.audience ?? '', spec.endpoint ?? '']), messages.getMessage('fix.AudienceMismatch')));
  } else checks.push(skip('token-audience', messages.getMessage('check.AudienceUnknown', [claims.audience ?? messages.getMessage('check.None')])));
  if (spec.tenantId && /^[0-9a-f-]{36}$/.test(spec.tenantId) && claims.tenant && claims.tenant !== spec.tenantId) {
    checks.push(warn('token-tenant', messages.getMessage('check.TenantMismatch', [claims.tenant, spec.tenantId])));
  }
  if (claims.appId && claims.appId.toLowerCase() !== spec.clientId) {
    checks.push(warn('token-application', messages.getMessage('check.AppMismatch', [claims.appId, spec.clientId])));
  }
  return checks;
}

/** `wait`: the credential may be new, so a refusal as not replicated yet is asked again within its budget. */
export async function checkTokenLocally(spec: TokenRequestSpec, credential: AppCredential, showToken: boolean, wait?: WaitOptions): Promise<LocalCheckOutcome> {
  const request = (): ReturnType<typeof requestToken> => requestToken(spec, credential);
  const answer = wait ? await waitForUsableCredential(request, wait) : await request();
  switch (answer.kind) {
    case 'unreachable':
      return {
        checks: [fail('token-request', 'unreachable', messages.getMessage('check.Unreachable', [spec.tokenUrl, answer.reason]), messages.getMessage('fix.Unreachable'))],
      };
    case 'unexpected':
      return {
        checks: [
          fail('token-request', 'unreachable', messages.getMessage('check.NotATokenEndpoint', [spec.tokenUrl, answer.status, answer.contentType || '-']), messages.getMessage('fix.NotATokenEndpoint')),
        ],
      };
    case 'refused': {
      const diagnosis = diagnoseEntraError(answer.code, answer.description);
      const ids = [answer.traceId && `trace id ${answer.traceId}`, answer.correlationId && `correlation id ${answer.correlationId}`].filter(Boolean).join(', ');
      const code = answer.code === undefined ? answer.error ?? `HTTP ${answer.status}` : `AADSTS${answer.code}`;
      return {
        checks: [fail('token-request', diagnosis.category, messages.getMessage('check.Refused', [code, diagnosis.cause, ids || '-']), diagnosis.fix)],
      };
    }
    case 'token': {
      const token: TokenSummary = { tokenUrl: spec.tokenUrl, roles: [], ...answer.claims, ...(showToken ? { accessToken: answer.accessToken } : {}) };
      const checks = [pass('token-request', messages.getMessage('check.TokenIssued', [spec.tokenUrl, answer.expiresIn ?? '?']))];
      if (answer.claims) checks.push(...claimChecks(spec, answer.claims));
      else checks.push(skip('token-claims', messages.getMessage('check.NotAJwt')));
      return { checks, token };
    }
  }
}

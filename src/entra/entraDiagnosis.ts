/*
 * Plain-language causes and fixes for Entra's AADSTS error codes, and the checks a token's claims allow: were
 * application permissions granted, and is the token meant for the API the Named Credential calls.
 */
import { Messages } from '@salesforce/core';
import { isGraphHost } from '../input/platform.js';
import type { FailureCategory } from '../checks/checks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

/** AADSTS code, as Entra writes it -> the message key of its cause and fix. Codes absent here are explained by Entra's own sentence. */
const AADSTS_CAUSES: Record<string, string> = {
  AADSTS7000215: 'WrongSecret',
  AADSTS7000222: 'ExpiredSecret',
  AADSTS7000216: 'NoSecret',
  AADSTS700016: 'AppNotInTenant',
  AADSTS90002: 'TenantNotFound',
  AADSTS900023: 'TenantInvalid',
  AADSTS1002012: 'InvalidScope',
  AADSTS70011: 'InvalidScope',
  AADSTS500011: 'ResourceNotInTenant',
  AADSTS700027: 'CertificateNotRegistered',
  AADSTS700024: 'AssertionExpired',
  AADSTS700023: 'AssertionClaims',
  AADSTS50027: 'AssertionMalformed',
};

export type EntraDiagnosis = { category: FailureCategory; cause: string; fix: string };

/** Why Entra refused a token request, from its code (preferred) or its description, which callers have scrubbed (remoteText). */
export function diagnoseEntraError(code: number | undefined, description: string | undefined): EntraDiagnosis {
  const key = code === undefined ? undefined : AADSTS_CAUSES[`AADSTS${code}`];
  if (key) {
    return { category: 'credentials', cause: messages.getMessage(`entra.${key}.cause`), fix: messages.getMessage(`entra.${key}.fix`) };
  }
  return {
    category: 'credentials',
    cause: messages.getMessage('entra.Other.cause', [description ?? messages.getMessage('entra.NoDescription')]),
    fix: messages.getMessage('entra.Other.fix', [code === undefined ? '' : `AADSTS${code}`]),
  };
}

/** The AADSTS number named in a message, such as an exception the plugin threw in the org. */
export function aadstsCodeIn(message: string): number | undefined {
  const match = /AADSTS(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Microsoft Graph's application id: v1 tokens for Graph carry it as their audience. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

function httpsOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * 'match' or 'mismatch' when the audience can be compared with the endpoint, 'unknown' when it cannot (an api://
 * or GUID audience of a custom API, or no endpoint known).
 */
export function audienceFits(audience: string, endpoint: string | undefined): 'match' | 'mismatch' | 'unknown' {
  const endpointOrigin = endpoint ? httpsOrigin(endpoint) : undefined;
  if (!endpointOrigin) return 'unknown';
  if (audience.toLowerCase() === GRAPH_APP_ID) return isGraphHost(new URL(endpointOrigin).hostname) ? 'match' : 'mismatch';
  const audienceOrigin = httpsOrigin(audience);
  if (!audienceOrigin) return 'unknown';
  return audienceOrigin === endpointOrigin ? 'match' : 'mismatch';
}

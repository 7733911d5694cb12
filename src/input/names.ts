/*
 * The names of a provider's pieces in an org, as deploy names them unless told otherwise: what remove, verify and
 * rotate-secret look for, from --name and the optional name flags alone.
 */
import { defaultPermissionSet, DEFAULT_PRINCIPAL, NAME_LIMITS } from './platform.js';
import { Checker, specError } from './checker.js';
import type { Field, ProviderInput } from './providerFields.js';

/** A remote site name from the token host: letters, digits and single underscores, within the 40-character limit. */
export function remoteSiteNameFor(origin: string): string {
  const host = new URL(origin).host.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const name = `TokenHost_${host}`;
  if (name.length <= NAME_LIMITS.remoteSite) return name;
  let hash = 0;
  for (const char of origin) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const suffix = `_${hash.toString(36)}`;
  return `${name.slice(0, NAME_LIMITS.remoteSite - suffix.length).replace(/_+$/, '')}${suffix}`;
}

/** The names of one provider's pieces in an org, as deploy names them unless told otherwise. */
export type ProviderNames = {
  name: string;
  namedCredential: string;
  externalCredential: string;
  principal: string;
  permissionSet: string;
};

export function parseProviderNames(input: ProviderInput): ProviderNames {
  const check = new Checker();
  const name = check.developerName('name', check.required('name', input.name), NAME_LIMITS.authProvider);
  const named = (field: Field, value: string | undefined, fallback: string | undefined, max: number): string | undefined =>
    check.developerName(field, check.text(field, value) ?? fallback, max);
  const names = {
    name,
    namedCredential: named('namedCredential', input.namedCredential, name, NAME_LIMITS.namedCredential),
    externalCredential: named('externalCredential', input.externalCredential, name, NAME_LIMITS.externalCredential),
    principal: named('principal', input.principal, DEFAULT_PRINCIPAL, NAME_LIMITS.principal),
    permissionSet: named('permissionSet', input.permissionSet, name && defaultPermissionSet(name), NAME_LIMITS.permissionSet),
  };
  if (check.problems.length > 0) throw specError(check.problems);
  return names as ProviderNames;
}

/**
 * What an org checks in the values of Auth. Providers and External Credentials, beyond their schema: a Custom Auth.
 * Provider's execution user, and the codes of an `AdditionalRefreshStatusCode` parameter. Each rule names its source
 * in README.md ("Auth. Provider and Named Credential values"); the wording of messages no source gives is the
 * emulator's own.
 */
import { child, childrenNamed, childText, type XNode } from './xml.js';

export type ValueProblem = { message: string; node?: XNode };

/** One parameter's value as the codes it lists: Setup's field takes "400, 403", so a value may be a comma list. */
function codesIn(value: string | undefined): string[] {
  return (value ?? '').split(',').map((code) => code.trim());
}

/** The refresh codes an External Credential adds to 401, every parameter of the type and every code of each. */
export function additionalRefreshCodes(tree: XNode | undefined): number[] {
  return childrenNamed(tree, 'externalCredentialParameters')
    .filter((p) => childText(p, 'parameterType') === 'AdditionalRefreshStatusCode')
    .flatMap((p) => codesIn(childText(p, 'parameterValue')))
    .filter((code) => /^\d{3}$/.test(code))
    .map(Number);
}

/**
 * "4xx, 6xx, 7xx, 8xx, and 9xx HTTP status codes ... in addition to the standard 401" (Metadata API Developer Guide,
 * ExternalCredential, ExternalCredentialParamType). 401 itself is within 4xx and harmless, so it is accepted.
 */
const refreshable = (code: string): boolean => /^[46789]\d\d$/.test(code);

function refreshCodeProblems(tree: XNode): ValueProblem[] {
  const problems: ValueProblem[] = [];
  for (const p of childrenNamed(tree, 'externalCredentialParameters')) {
    if (childText(p, 'parameterType') !== 'AdditionalRefreshStatusCode') continue;
    const value = childText(p, 'parameterValue');
    const bad = codesIn(value).filter((code) => !refreshable(code));
    if (bad.length > 0) {
      problems.push({
        message: `In field: parameterValue - ${bad.map((code) => `'${code}'`).join(', ')} is not a valid AdditionalRefreshStatusCode: use 4xx, 6xx, 7xx, 8xx or 9xx HTTP status codes`,
        node: child(p, 'parameterValue') ?? p,
      });
    }
  }
  return problems;
}

/** A Custom (plugin) provider runs as its execution user; an org refuses one without ("You must enter a value"). */
function authProviderProblems(tree: XNode): ValueProblem[] {
  if (childText(tree, 'providerType') !== 'Custom' || childText(tree, 'executionUser')) return [];
  return [{ message: 'You must enter a value', node: tree }];
}

/** Why a deploy or a CRUD write refuses a component's values; empty when it does not (or has no rule here). */
export function providerValueProblems(type: string, tree: XNode): ValueProblem[] {
  if (type === 'AuthProvider') return authProviderProblems(tree);
  if (type === 'ExternalCredential') return refreshCodeProblems(tree);
  return [];
}

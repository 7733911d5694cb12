/*
 * verify's --path: the path below the Named Credential's URL that its test callout requests.
 */
import { FORBIDDEN_CHARS, FORMAT_CHAR, shown, specError } from './checker.js';

const CALLOUT_PATH_MAX = 1000;

/** A path below the Named Credential's URL for a test callout: starts with /, no spaces, control characters or #. */
export function parseCalloutPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ok = value.startsWith('/') && !/[\s#]/.test(value) && !FORBIDDEN_CHARS.test(value) && !FORMAT_CHAR.test(value) && value.length <= CALLOUT_PATH_MAX;
  if (!ok) throw specError([{ flag: '--path', key: 'error.CalloutPath', tokens: [CALLOUT_PATH_MAX, shown(value)] }]);
  return value;
}

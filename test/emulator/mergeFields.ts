/**
 * External Credential merge fields in an Apex callout, `{!$Credential.<External Credential>.<parameter>}`, as the
 * platform resolves them when it sends the request. Sources:
 * - Apex Developer Guide, "Merge Fields for Apex Callouts That Use Named Credentials": the Named Credential must
 *   allow merge fields in the body (allowMergeFieldsInBody) or headers (allowMergeFieldsInHeader); in a body, a
 *   formula must start with HTMLENCODE and no other function is supported; HTMLENCODE cannot be used in headers.
 * - Salesforce Help, "Create and Edit a Custom Authentication External Credential": parameters are referenced as
 *   $Credential.<External Credential developer name>.<authentication parameter name>.
 * - Only the body and headers are merged, never the endpoint (salesforce.stackexchange.com answer by sfdcfox);
 *   the merge matches the literal text as sent (salesforce.stackexchange.com/questions/377012).
 * - "Field BasicAuth.Username does not exist" for a parameter the principal does not hold
 *   (salesforce.stackexchange.com/questions/406660); the System.CalloutException prefix is the emulator's choice.
 * Not settled by any source, so chosen here and written down: with merging not allowed the text goes out as written;
 * a merge field naming an External Credential other than the Named Credential's fails like a missing parameter.
 */
import type { StoredCredentials } from './externalCredential.js';

const FIELD = /\{!\s*(HTMLENCODE\(\s*)?\$Credential\.(\w+)\.(\w+)\s*(\))?\s*\}/gi;

export type MergeContext = { allowed: boolean; externalCredential: string | undefined; stored: StoredCredentials | undefined; inHeader: boolean };

const htmlEncode = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The text with every merge field replaced by the principal's value, or the exception the callout fails with. */
export function mergeCredentialFields(text: string, context: MergeContext): { text: string } | { error: string } {
  if (!context.allowed) return { text };
  let error: string | undefined;
  const merged = text.replace(FIELD, (whole, encode: string | undefined, ec: string, parameter: string, close: string | undefined) => {
    if (Boolean(encode) !== Boolean(close) || (encode && context.inHeader)) {
      error ??= `System.CalloutException: Invalid merge field formula: ${whole}`;
      return whole;
    }
    const value = ec.toLowerCase() === (context.externalCredential ?? '').toLowerCase() ? context.stored?.[parameter]?.value : undefined;
    if (value === undefined) {
      error ??= `System.CalloutException: Field ${ec}.${parameter} does not exist`;
      return whole;
    }
    return encode ? htmlEncode(value) : value;
  });
  return error ? { error } : { text: merged };
}

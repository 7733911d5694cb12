/*
 * Where the org keeps the key id of the client secret it uses (never the secret): one line of the provider's custom
 * metadata record's description (CustomMetadata.description, Metadata API Developer Guide, "CustomMetadata"). A
 * description needs no new field on the type, so records deployed by any version can hold it; whatever else the
 * description says is kept. A deploy or a typed rotate-secret writes the record without it: the key id of a secret
 * typed in is not known, and a stale one must not name the wrong secret for removal.
 */
import type { Connection } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { crudProblem, textValue, type Component } from './metadataRead.js';

const MARKER = 'sf azure-authprovider client secret key id:';
const LINE = /^sf azure-authprovider client secret key id: *([0-9a-fA-F-]{36}) *$/m;

export function secretKeyIdIn(description: string | undefined): string | undefined {
  return description ? LINE.exec(description)?.[1]?.toLowerCase() : undefined;
}

/** The description with the key id line replaced (or removed, for undefined); undefined when nothing is left. */
export function withSecretKeyId(description: string | undefined, keyId: string | undefined): string | undefined {
  const rest = (description ?? '').split(/\r?\n/).filter((line) => !line.startsWith(MARKER)).join('\n').trim();
  const text = [rest, keyId ? `${MARKER} ${keyId}` : ''].filter(Boolean).join('\n');
  return text === '' ? undefined : text;
}

/**
 * Writes a custom metadata record back through CRUD upsert with its description's key id line set to `keyId` and,
 * when `secret` is given, the value of `secretField` replaced; every other value unchanged (CRUD calls take untyped
 * values and read them by the field's type). Returns the org's refusal, or undefined when it took the record.
 */
export async function upsertRecordKeyId(
  conn: Connection,
  fullName: string,
  record: Component,
  keyId: string | undefined,
  secret?: { field: string; value: string }
): Promise<string | undefined> {
  const values = ensureArray(record.values as Component | Component[] | undefined).map((entry) => ({ field: textValue(entry.field) ?? '', value: textValue(entry.value) }));
  const text = withSecretKeyId(textValue(record.description), keyId);
  const updated = {
    fullName,
    label: textValue(record.label) ?? fullName,
    ...(text === undefined ? {} : { description: text }),
    protected: textValue(record.protected) === 'true',
    values: values.map((entry) => ({ field: entry.field, value: secret && entry.field === secret.field ? secret.value : entry.value ?? null })),
  };
  const [result] = ensureArray(await conn.metadata.upsert('CustomMetadata', updated as never));
  return result?.success ? undefined : crudProblem(result);
}

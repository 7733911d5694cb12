/*
 * Reading existing components back through the Metadata API (readMetadata, listMetadata), normalized: a missing
 * component is undefined, and repeated elements are always arrays whatever jsforce's schema knows of the type.
 */
import type { Connection } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';

export type Component = Record<string, unknown>;

/** readMetadata takes at most ten names per call. */
const READ_BATCH = 10;

/** An element's text; jsforce (and xml2js) give typed values (xsi:type) as `{ _: text }` and nil ones as attributes only. */
export function textValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && '_' in value) return textValue((value as { _: unknown })._);
  return undefined;
}

/** The parameters of a credential (Named or External), as records of text such as parameterType and parameterValue. */
export function parameters(component: Component, element: string): Array<Record<string, string | undefined>> {
  return ensureArray(component[element] as Component | Component[] | undefined).map((parameter) =>
    Object.fromEntries(Object.entries(parameter).map(([key, value]) => [key, textValue(value)]))
  );
}

/**
 * `Type__mdt.Record`, as an Auth. Provider names its custom metadata record: the type, the record's own name, and the
 * record's full name for the Metadata API (`Type.Record`).
 */
export function recordRef(reference: string): { type: string; record: string; fullName: string } {
  const [type, record = ''] = reference.split('.');
  const base = type.replace(/__mdt$/i, '');
  return { type: `${base}__mdt`, record, fullName: `${base}.${record}` };
}

/** A custom metadata record's values by field API name (a nil value is undefined); no record, no values. */
export function recordFields(record: Component | undefined): Map<string, string | undefined> {
  return new Map(ensureArray(record?.values as Component | Component[] | undefined).map((entry) => [textValue(entry.field) ?? '', textValue(entry.value)]));
}

/** The messages of a failed CRUD result (upsert, delete), which jsforce gives as one object or an array. */
export function crudProblem(result: unknown): string {
  const errors = (result as { errors?: { message: string } | Array<{ message: string }> } | undefined)?.errors;
  return ensureArray(errors).map((error) => error.message).join('; ');
}

export async function readComponents(conn: Connection, type: string, names: string[]): Promise<Array<Component | undefined>> {
  const batches: string[][] = [];
  for (let start = 0; start < names.length; start += READ_BATCH) batches.push(names.slice(start, start + READ_BATCH));
  // The batches are independent reads, made at once; their answers keep the order of the names.
  const answers = await Promise.all(
    batches.map(async (batch) => {
      // jsforce's type list lacks some types (ExternalCredential); the call is the same for all of them.
      const records = (await conn.metadata.read(type as 'CustomObject', batch)) as unknown as unknown[];
      return ensureArray(records).map((record) => {
        const component = record as Component | null | undefined;
        return component && typeof component.fullName === 'string' && component.fullName !== '' ? component : undefined;
      });
    })
  );
  return answers.flat();
}

export async function readComponent(conn: Connection, type: string, name: string): Promise<Component | undefined> {
  return (await readComponents(conn, type, [name]))[0];
}

export async function listNames(conn: Connection, type: string): Promise<string[]> {
  const listed = await conn.metadata.list({ type });
  return ensureArray(listed).map((entry) => entry.fullName);
}

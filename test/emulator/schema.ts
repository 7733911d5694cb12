/**
 * The emulator's knowledge of Metadata API types: parsed at startup from its own copy of the v64.0 types table
 * (schema/types-v64.0.txt, copied from the project's shared facts) plus schema/types-supplement.txt (types the
 * table does not list, transcribed from the WSDL). Nothing here reads outside test/emulator/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FieldDef = { name: string; type: string; min: number; max: number; nillable: boolean };
export type ComplexType = { name: string; base?: string; ownFields: FieldDef[] };
export type SimpleType = { name: string; base: string; values: string[] };

export class MetadataSchema {
  public readonly complex = new Map<string, ComplexType>();
  public readonly simple = new Map<string, SimpleType>();
  private readonly flattened = new Map<string, FieldDef[]>();

  public static load(): MetadataSchema {
    const here = dirname(fileURLToPath(import.meta.url));
    const schema = new MetadataSchema();
    for (const file of ['types-v64.0.txt', 'types-supplement.txt']) {
      schema.parse(readFileSync(join(here, 'schema', file), 'utf8'));
    }
    return schema;
  }

  /** All elements of a complex type in XSD sequence order: base type's elements first. */
  public fields(typeName: string): FieldDef[] | undefined {
    const cached = this.flattened.get(typeName);
    if (cached) return cached;
    const t = this.complex.get(typeName);
    if (!t) return undefined;
    const baseFields = t.base ? this.fields(t.base) ?? [] : [];
    const all = [...baseFields, ...t.ownFields];
    this.flattened.set(typeName, all);
    return all;
  }

  public isMetadataType(typeName: string): boolean {
    let t = this.complex.get(typeName);
    while (t?.base) {
      if (t.base === 'Metadata') return true;
      t = this.complex.get(t.base);
    }
    return false;
  }

  private parse(text: string): void {
    let current: ComplexType | undefined;
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) continue;
      const ct = /^complexType (\w+)(?: extends tns:(\w+))?\s*$/.exec(line);
      if (ct) {
        current = { name: ct[1], base: ct[2], ownFields: [] };
        this.complex.set(current.name, current);
        continue;
      }
      const st = /^simpleType (\w+) \(([\w:]+)\): \[(.*)\]\s*$/.exec(line);
      if (st) {
        const values = [...st[3].matchAll(/'([^']*)'/g)].map((m) => m[1]);
        this.simple.set(st[1], { name: st[1], base: st[2], values });
        current = undefined;
        continue;
      }
      const f = /^\s+(\w+): ([\w:]+) min=(\d+) max=(\d+|unbounded)( nillable)?\s*$/.exec(line);
      if (f && current) {
        current.ownFields.push({
          name: f[1],
          type: f[2],
          min: Number(f[3]),
          max: f[4] === 'unbounded' ? Infinity : Number(f[4]),
          nillable: Boolean(f[5]),
        });
        continue;
      }
      if (/^\S/.test(line)) current = undefined; // `element ...` blocks and anything else end a complexType
    }
  }
}

let shared: MetadataSchema | undefined;
export function metadataSchema(): MetadataSchema {
  shared ??= MetadataSchema.load();
  return shared;
}

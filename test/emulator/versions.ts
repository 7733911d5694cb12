/**
 * Which Metadata API version brought (and, for a few, took away) each type and element: schema/versions.txt, one
 * line per entry with its source. A deploy judges a file by its package.xml <version>, as orgs do ("Property 'x' not
 * valid in version 40.0"); anything the table does not list counts as valid in every version.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type VersionSpan = { added: number; removed?: number; xsdType?: string };

export class VersionTable {
  private readonly spans = new Map<string, VersionSpan>();

  public static load(): VersionTable {
    const table = new VersionTable();
    const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'schema', 'versions.txt'), 'utf8');
    for (const line of text.split('\n')) {
      const m = /^([\w.]+)(?: ([\w:]+))? added=(\d+\.\d)(?: removed=(\d+\.\d))? \|/.exec(line);
      if (m) table.spans.set(m[1].toLowerCase(), { xsdType: m[2], added: Number(m[3]), removed: m[4] ? Number(m[4]) : undefined });
    }
    return table;
  }

  /** The span of a type (`ExternalCredential`) or of one of its elements (`ExternalCredential`, `label`). */
  public span(typeName: string, element?: string): VersionSpan | undefined {
    return this.spans.get((element ? `${typeName}.${element}` : typeName).toLowerCase());
  }

  public validIn(version: number, typeName: string, element?: string): boolean {
    const s = this.span(typeName, element);
    return !s || (version >= s.added && (s.removed === undefined || version < s.removed));
  }
}

let shared: VersionTable | undefined;
export function versionTable(): VersionTable {
  shared ??= VersionTable.load();
  return shared;
}

/** Test helpers: the hand-written metadata-format fixtures, zipped for deploys (optionally edited first). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

const here = dirname(fileURLToPath(import.meta.url));

export type Bundle = Map<string, string>;

/** The files of fixtures/<name> keyed by their path relative to it (e.g. `classes/EmuAuthPlugin.cls`). */
export function loadFixture(name = 'valid'): Bundle {
  const root = join(here, 'fixtures', name);
  const out: Bundle = new Map();
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** A package.xml naming exactly these type -> members. */
export function packageXml(types: Record<string, string[]>, version = '62.0'): string {
  const body = Object.keys(types)
    .sort()
    .map((t) => `    <types>\n${types[t].map((m) => `        <members>${m}</members>\n`).join('')}        <name>${t}</name>\n    </types>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}    <version>${version}</version>\n</Package>\n`;
}

/** Zip a bundle, under `prefix` (e.g. 'unpackaged/') or at the root. */
export async function zipBundle(bundle: Bundle, prefix = 'unpackaged/'): Promise<Buffer> {
  const zip = new JSZip();
  for (const [path, content] of bundle) zip.file(`${prefix}${path}`, content);
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** Copy of a bundle with only some files, and a matching package.xml. */
export function subset(bundle: Bundle, types: Record<string, string[]>, files: string[]): Bundle {
  const out: Bundle = new Map();
  for (const f of files) {
    const v = bundle.get(f);
    if (v === undefined) throw new Error(`fixture has no ${f}`);
    out.set(f, v);
  }
  out.set('package.xml', packageXml(types));
  return out;
}

export function edit(bundle: Bundle, path: string, fn: (s: string) => string): Bundle {
  const out = new Map(bundle);
  out.set(path, fn(bundle.get(path)!));
  return out;
}

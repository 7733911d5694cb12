/*
 * Turns the rendered source-format bundle into the metadata-format zip the Metadata API deploys, in memory, the way
 * `sf project deploy start` converts a project: `-meta.xml` suffixes dropped (except a class's own meta file),
 * custom fields folded into their object, and a package.xml listing every component.
 */
import type { BundleFile } from '../render/renderBundle.js';
import { xmlText } from '../render/escape.js';

export type MetadataPackage = { files: Map<string, string>; packageXml: string };

const SOURCE_ROOT = /^main\/default\//;
const FIELD_PATH = /^objects\/([^/]+)\/fields\/[^/]+\.field-meta\.xml$/;
const OBJECT_PATH = /^objects\/([^/]+)\/[^/]+\.object-meta\.xml$/;

/** The elements inside a metadata file's root element, without the XML declaration and root tags. */
function rootBody(xml: string): string {
  const match = /^<\?xml[^>]*>\s*<(\w+)[^>]*>\n?([\s\S]*?)\s*<\/\1>\s*$/.exec(xml);
  if (!match) throw new Error(`not a metadata file: ${xml.slice(0, 80)}`);
  return match[2];
}

function indent(body: string): string {
  return body.replace(/^(?=.)/gm, '    ');
}

type Member = { type: string; fullName: string };

function packageXml(files: readonly Member[], apiVersion: string): string {
  const members = new Map<string, Set<string>>();
  for (const file of files) {
    // A field travels inside its object, so package.xml lists the object only, as a converted project does.
    if (file.type === 'CustomField') continue;
    const names = members.get(file.type) ?? new Set<string>();
    names.add(file.fullName);
    members.set(file.type, names);
  }
  const types = [...members.keys()].sort().map((type) => {
    const names = [...members.get(type)!].sort().map((name) => `        <members>${xmlText(name)}</members>\n`);
    return `    <types>\n${names.join('')}        <name>${type}</name>\n    </types>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
    `${types.join('')}    <version>${apiVersion}</version>\n</Package>\n`
  );
}

/** The metadata-format files of a bundle, keyed by their path in the zip. */
export function toMetadataPackage(files: readonly BundleFile[], apiVersion: string): MetadataPackage {
  const converted = new Map<string, string>();
  const fieldsOf = new Map<string, string[]>();
  const objects: Array<{ name: string; content: string }> = [];
  for (const file of files) {
    const path = file.path.replace(SOURCE_ROOT, '');
    const field = FIELD_PATH.exec(path);
    const object = OBJECT_PATH.exec(path);
    if (field) {
      fieldsOf.set(field[1], [...(fieldsOf.get(field[1]) ?? []), `    <fields>\n${indent(rootBody(file.content))}\n    </fields>\n`]);
    } else if (object) {
      objects.push({ name: object[1], content: file.content });
    } else {
      converted.set(path.endsWith('.cls-meta.xml') ? path : path.replace(/-meta\.xml$/, ''), file.content);
    }
  }
  for (const { name, content } of objects) {
    // Fields sit between description and label in the CustomObject schema sequence.
    const fields = (fieldsOf.get(name) ?? []).join('');
    converted.set(`objects/${name}.object`, content.replace(/^(\s*<label>)/m, `${fields}$1`));
  }
  return { files: converted, packageXml: packageXml(files, apiVersion) };
}

/** A package that deletes these components (destructiveChanges.xml) and deploys nothing. */
export function destructivePackage(components: readonly Member[], apiVersion: string): MetadataPackage {
  return { files: new Map([['destructiveChanges.xml', packageXml(components, apiVersion)]]), packageXml: packageXml([], apiVersion) };
}

/** The deployable zip: package.xml at the root beside the type folders, as a singlePackage deploy expects. */
export async function metadataZip(pkg: MetadataPackage): Promise<Buffer> {
  // jszip loads only when a deploy needs it, keeping generate's startup light.
  const { default: JSZip } = await import('jszip');
  const zip = new JSZip();
  zip.file('package.xml', pkg.packageXml);
  for (const [path, content] of pkg.files) zip.file(path, content);
  // Stored, not deflated: jszip deflates in JavaScript, and for a bundle this small that takes longer on a cold
  // start (tens of milliseconds) than sending the 20 kB it would save.
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

/**
 * Schema validation of a metadata element tree against the emulator's v64.0 type table: element names,
 * sequence order (optional: deploys and SOAP CRUD calls are order-tolerant, as orgs are), occurrence limits,
 * required elements, enum values and the primitive types boolean/int/long/double. Given an API version, elements
 * are also judged by it (schema/versions.txt). Children of complex types the table does not describe (e.g.
 * CustomObject.listViews) are accepted without inspection.
 */
import { MetadataSchema } from './schema.js';
import { versionTable } from './versions.js';
import { MD_NS, XNode } from './xml.js';

export type ValidateOptions = {
  checkOrder: boolean;
  /** the package's API version: elements added later or removed by then are refused */
  apiVersion?: number;
};

/** What an org answers for an element its package's version does not have (e.g. "Property 'status' not valid in version 43.0"). */
export const notValidInVersion = (element: string, version: number): string => `Property '${element}' not valid in version ${version.toFixed(1)}`;

export type Problem = { message: string; line?: number; col?: number };

/**
 * Child components that sf CLI's source conversion (SDR) appends after a CustomObject's own elements when it
 * composes the .object file from source format. Every sf deploy of an object with fields sends them there and real
 * orgs accept it, so their position is not checked.
 */
const POSITION_FREE_CHILDREN: Record<string, Set<string>> = {
  CustomObject: new Set([
    'businessProcesses',
    'compactLayouts',
    'fieldSets',
    'fields',
    'indexes',
    'listViews',
    'recordTypes',
    'sharingReasons',
    'validationRules',
    'webLinks',
  ]),
};

export function validateElement(
  node: XNode,
  typeName: string,
  schema: MetadataSchema,
  opts: ValidateOptions = { checkOrder: true }
): Problem[] {
  const versions = versionTable();
  const fields = schema.fields(typeName);
  if (!fields) return [];
  const problems: Problem[] = [];
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const counts = new Map<string, number>();
  const positionFree = POSITION_FREE_CHILDREN[typeName];
  let last = -1;
  for (const c of node.children) {
    const at = { line: c.line, col: c.col };
    const i = index.get(c.name);
    const wrongNs = c.ns !== null && c.ns !== MD_NS;
    const free = positionFree?.has(c.name) ?? false;
    const version = opts.apiVersion;
    // an element the v64.0 schema no longer has, valid in the versions before its removal
    const gone = i === undefined && !wrongNs && version !== undefined ? versions.span(typeName, c.name) : undefined;
    if (gone?.xsdType) {
      if (!versions.validIn(version!, typeName, c.name)) problems.push({ message: notValidInVersion(c.name, version!), ...at });
      else problems.push(...validateValue(c, gone.xsdType, schema, opts));
      continue;
    }
    if (i === undefined || wrongNs || (opts.checkOrder && !free && i < last)) {
      problems.push({ message: `Element {${c.ns ?? ''}}${c.name} invalid at this location in type ${typeName}`, ...at });
      continue;
    }
    const f = fields[i];
    const n = (counts.get(c.name) ?? 0) + 1;
    counts.set(c.name, n);
    if (n > f.max) {
      problems.push({ message: `Element {${c.ns ?? ''}}${c.name} invalid at this location in type ${typeName}`, ...at });
      continue;
    }
    if (!free) last = Math.max(last, i);
    if (version !== undefined && !versions.validIn(version, typeName, c.name)) {
      problems.push({ message: notValidInVersion(c.name, version), ...at });
      continue;
    }
    problems.push(...validateValue(c, f.type, schema, opts));
  }
  for (const f of fields) {
    if (f.min > 0 && !counts.has(f.name)) {
      problems.push({ message: `Required field is missing: ${f.name}`, line: node.line, col: node.col });
    }
  }
  return problems;
}

function validateValue(node: XNode, type: string, schema: MetadataSchema, opts: ValidateOptions): Problem[] {
  const at = { line: node.line, col: node.col };
  const local = type.split(':')[1] ?? type;
  if (type.startsWith('tns:')) {
    if (schema.complex.has(local)) return validateElement(node, local, schema, opts);
    const st = schema.simple.get(local);
    if (st) {
      if (node.children.length > 0) return [{ message: `Element ${node.name} must not have child elements`, ...at }];
      if (st.values.length > 0 && !st.values.includes(node.text)) {
        return [{ message: `'${node.text}' is not a valid value for the enum '${local}'`, ...at }];
      }
      return [];
    }
    return []; // a type the table does not describe: not inspected
  }
  const v = node.text;
  switch (type) {
    case 'xsd:boolean':
      return ['true', 'false', '0', '1'].includes(v)
        ? []
        : [{ message: `'${v}' is not valid for type xsd:boolean, should be '0', '1', 'true' or 'false'`, ...at }];
    case 'xsd:int':
    case 'xsd:long':
      return /^[+-]?\d+$/.test(v) ? [] : [{ message: `'${v}' is not valid for type ${type}`, ...at }];
    case 'xsd:double':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? [] : [{ message: `'${v}' is not valid for type xsd:double`, ...at }];
    case 'xsd:string':
    case 'xsd:base64Binary':
    case 'xsd:dateTime':
      return node.children.length > 0 ? [{ message: `Element ${node.name} must not have child elements`, ...at }] : [];
    default:
      return []; // xsd:anyType and friends
  }
}

/** Re-order children into schema sequence order (used when storing SOAP upserts, whose order jsforce does not fix). */
export function sortBySchema(node: XNode, typeName: string, schema: MetadataSchema): XNode {
  const fields = schema.fields(typeName);
  if (!fields) return node;
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const children = node.children
    .map((c, pos) => ({ c, pos }))
    .sort((a, b) => (index.get(a.c.name) ?? 1e9) - (index.get(b.c.name) ?? 1e9) || a.pos - b.pos)
    .map(({ c }) => {
      const f = fields[index.get(c.name) ?? -1];
      const t = f?.type.startsWith('tns:') ? f.type.slice(4) : undefined;
      return t && schema.complex.has(t) ? sortBySchema(c, t, schema) : c;
    });
  return { ...node, children };
}

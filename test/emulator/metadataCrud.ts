/**
 * The Metadata API's CRUD-style SOAP calls on the org's components: readMetadata, listMetadata, upsert / create /
 * updateMetadata (with the subset of deploy's cross-reference checks they apply), deleteMetadata, describeMetadata.
 */
import type { Org, StoredComponent } from './org.js';
import { type Exchange, soapFault } from './http.js';
import { referencedMessage, referencesTo } from './references.js';
import { externalCredentialProblems } from './externalCredential.js';
import { providerValueProblems } from './providerRules.js';
import { CHILD_TYPES, fileNameOf, TYPES } from './registry.js';
import { sortBySchema, validateElement } from './validate.js';
import { childrenNamed, childText, el, serialize, type XNode, xsiType } from './xml.js';

type Respond = (inner: string) => void;

export function readMetadata(org: Org, x: Exchange, op: XNode, respond: Respond): void {
  const type = childText(op, 'type') ?? '';
  if (!TYPES[type] && !CHILD_TYPES[type]) {
    return soapFault(x.res, 'sf:INVALID_TYPE', `INVALID_TYPE: Unknown type name '${type}' specified in readMetadata`);
  }
  const records = childrenNamed(op, 'fullNames').map((n) => {
    const c = org.get(type, n.text);
    return c ? metadataRecordXml(c) : '<records xsi:nil="true"/>';
  });
  respond(`<result>${records.join('')}</result>`);
}

/** A stored component as a Metadata API object: fullName first, then its elements in schema order. */
function metadataRecordXml(c: StoredComponent): string {
  const fields = c.tree.children.filter((n) => n.name !== 'fullName');
  let inner = el('fullName', c.fullName);
  if (c.type === 'ApexClass') inner += el('content', Buffer.from(c.source ?? '', 'utf8').toString('base64'));
  inner += fields.map((f) => serialize(f)).join('');
  return `<records xsi:type="${c.type}">${inner}</records>`;
}

export function listMetadata(org: Org, op: XNode, respond: Respond): void {
  const out: string[] = [];
  for (const q of childrenNamed(op, 'queries')) {
    const type = childText(q, 'type') ?? '';
    if (!TYPES[type] && !CHILD_TYPES[type]) continue;
    for (const c of org.list(type)) {
      const admin = org.adminUser;
      const id = c.type === 'CustomField' ? c.tree.attrs['emu:id'] ?? c.id : c.id;
      out.push(
        `<result>${el('createdById', admin.id)}${el('createdByName', admin.name)}${el('createdDate', c.createdDate)}${el('fileName', fileNameOf(type, c.fullName))}${el('fullName', c.fullName)}${el('id', id)}${el('lastModifiedById', admin.id)}${el('lastModifiedByName', admin.name)}${el('lastModifiedDate', c.lastModifiedDate)}${el('manageableState', 'unmanaged')}${el('type', type)}</result>`
      );
    }
  }
  respond(out.join(''));
}

export function upsertMetadata(org: Org, x: Exchange, op: XNode, respond: Respond): void {
  const results: string[] = [];
  for (const md of childrenNamed(op, 'metadata')) {
    const type = xsiType(md) ?? '';
    const fullName = childText(md, 'fullName') ?? '';
    const existing = TYPES[type] ? org.get(type, fullName) : undefined;
    const errors: Array<{ message: string; statusCode: string; fields?: string }> = [];
    if (!TYPES[type] || type === 'ApexClass') {
      return soapFault(x.res, 'soapenv:Client', `INVALID_TYPE: Cannot create or update metadata of type ${type || '(no xsi:type)'} with this call`);
    }
    // SOAP CRUD calls: element names, occurrences and enums are checked, order is not (the emulator re-sorts)
    const problems = validateElement(md, type, org.schema, { checkOrder: false });
    for (const p of problems) errors.push({ message: p.message, statusCode: p.message.startsWith('Required') ? 'REQUIRED_FIELD_MISSING' : 'FIELD_INTEGRITY_EXCEPTION' });
    if (!fullName) errors.push({ message: 'Required field is missing: fullName', statusCode: 'REQUIRED_FIELD_MISSING', fields: 'fullName' });
    const tree = sortBySchema({ ...md, children: md.children.filter((c) => c.name !== 'fullName') }, type, org.schema);
    if (errors.length === 0) errors.push(...crudCrossRefs(org, type, tree));
    if (op.name === 'createMetadata' && existing) errors.push({ message: `There is already a ${type} named ${fullName}.`, statusCode: 'DUPLICATE_DEVELOPER_NAME' });
    if (op.name === 'updateMetadata' && !existing) errors.push({ message: `In field: fullName - no ${type} named ${fullName} found`, statusCode: 'INVALID_CROSS_REFERENCE_KEY' });
    if (errors.length === 0) org.store(type, fullName, tree);
    const errXml = errors.map((e) => `<errors>${e.fields ? el('fields', e.fields) : ''}${el('message', e.message)}${el('statusCode', e.statusCode)}</errors>`).join('');
    results.push(
      op.name === 'upsertMetadata'
        ? `<result>${el('created', errors.length === 0 && !existing)}${errXml}${el('fullName', fullName)}${el('success', errors.length === 0)}</result>`
        : `<result>${errXml}${el('fullName', fullName)}${el('success', errors.length === 0)}</result>`
    );
  }
  respond(results.join(''));
}

/** The cross references checked for CRUD upserts (a subset of what deploy checks). */
function crudCrossRefs(org: Org, type: string, t: XNode): Array<{ message: string; statusCode: string }> {
  const errs: Array<{ message: string; statusCode: string }> = [];
  const bad = (message: string): number => errs.push({ message, statusCode: 'FIELD_INTEGRITY_EXCEPTION' });
  for (const p of providerValueProblems(type, t)) bad(p.message);
  if (type === 'AuthProvider') {
    const plugin = childText(t, 'plugin');
    if (plugin && !org.apexClass(plugin)) bad(`In field: plugin - no ApexClass named ${plugin} found`);
    const u = childText(t, 'executionUser');
    if (u && !org.userByUsername(u)?.isActive) bad(`In field: executionUser - no User named ${u} found`);
  }
  if (type === 'NamedCredential') {
    const ap = childText(t, 'authProvider');
    if (ap && !org.get('AuthProvider', ap)) bad(`In field: authProvider - no AuthProvider named ${ap} found`);
  }
  if (type === 'ExternalCredential') {
    for (const p of childrenNamed(t, 'externalCredentialParameters')) {
      const ap = childText(p, 'authProvider');
      if (childText(p, 'parameterType') === 'AuthProvider' && (!ap || !org.get('AuthProvider', ap))) bad(`In field: authProvider - no AuthProvider named ${ap ?? ''} found`);
    }
    for (const p of externalCredentialProblems(t)) bad(p.message);
  }
  return errs;
}

export function deleteMetadata(org: Org, x: Exchange, op: XNode, respond: Respond): void {
  const type = childText(op, 'type') ?? '';
  if (type === 'ApexClass') {
    return soapFault(x.res, 'sf:INVALID_TYPE', 'INVALID_TYPE: This type of object is not available for this organization');
  }
  const out = childrenNamed(op, 'fullNames').map((n) => {
    const refs = TYPES[type] && org.get(type, n.text) ? referencesTo(org, type, n.text) : [];
    const rejected = org.rejections.get(`${type}:${n.text}`.toLowerCase());
    const error = refs.length > 0
      ? { message: referencedMessage(type, refs), statusCode: 'DELETE_FAILED' }
      : rejected !== undefined && org.get(type, n.text)
        ? { message: rejected, statusCode: 'DELETE_FAILED' }
      : !TYPES[type] || !org.remove(type, n.text)
        ? { message: `no ${type} named ${n.text} found`, statusCode: 'INVALID_CROSS_REFERENCE_KEY' }
        : undefined;
    const err = error ? `<errors>${el('message', error.message)}${el('statusCode', error.statusCode)}</errors>` : '';
    return `<result>${err}${el('fullName', n.text)}${el('success', !error)}</result>`;
  });
  respond(out.join(''));
}

export function describeMetadata(org: Org): string {
  const objs = Object.entries(TYPES).map(([name, t]) => {
    const childNames = Object.entries(CHILD_TYPES).filter(([, c]) => c.parent === name).map(([n]) => el('childXmlNames', n)).join('');
    return `<metadataObjects>${childNames}${el('directoryName', t.dir)}${el('inFolder', false)}${el('metaFile', t.metaFile)}${el('suffix', t.suffix)}${el('xmlName', name)}</metadataObjects>`;
  });
  return `<result>${objs.join('')}${el('organizationNamespace', '')}${el('partialSaveAllowed', true)}${el('testRequired', org.orgType === 'production')}</result>`;
}

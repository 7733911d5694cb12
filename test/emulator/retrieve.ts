/**
 * Metadata API retrieve as an org answers it: retrieve() queues a job and answers an AsyncResult; checkRetrieveStatus
 * moves it on (Pending, InProgress, then done, as deploys are polled) and, once done, answers the RetrieveResult:
 * the zip (package.xml plus each component's file in metadata format, elements in schema order), fileProperties
 * (one per component file and one for package.xml) and messages for what could not be retrieved. The files are made
 * from what the org stores, at the moment the job finishes; credentials never come back.
 * Sources: Metadata API Developer Guide, retrieve(), RetrieveRequest, RetrieveResult, checkRetrieveStatus(),
 * Package; the WSDL's RetrieveRequest / RetrieveResult / FileProperties / RetrieveMessage (schema/types-supplement.txt).
 */
import { createHmac, randomBytes } from 'node:crypto';
import JSZip from 'jszip';
import { Org, StoredComponent } from './org.js';
import { CHILD_TYPES, fileNameOf, newId, TYPES } from './registry.js';
import { sortBySchema } from './validate.js';
import { attrNs, child, childrenNamed, childText, el, esc, MD_NS, XNode, XSI_NS } from './xml.js';

export type RetrieveRequest = {
  apiVersion: string;
  packageNames: string[];
  singlePackage: boolean;
  specificFiles: string[];
  /** the unpackaged manifest: type name -> members as asked (may hold `*`), in the order asked */
  unpackaged?: { types: Array<{ name: string; members: string[] }>; version?: string };
};

export type FileProperties = { fileName: string; fullName: string; id: string; type: string; createdDate: string; lastModifiedDate: string };

export type RetrieveJob = {
  id: string;
  request: RetrieveRequest;
  createdDate: string;
  polls: number;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed';
  fileProperties: FileProperties[];
  messages: Array<{ fileName: string; problem: string }>;
  zipFile?: string;
  errorMessage?: string;
  errorStatusCode?: string;
};

/** The request element: the WSDL names it retrieveRequest, jsforce sends it as request; either is its only child. */
export function parseRetrieveRequest(op: XNode): RetrieveRequest {
  const r = child(op, 'retrieveRequest') ?? child(op, 'request') ?? op.children[0];
  const pkg = child(r, 'unpackaged');
  return {
    apiVersion: childText(r, 'apiVersion') ?? '',
    packageNames: childrenNamed(r, 'packageNames').map((n) => n.text.trim()).filter(Boolean),
    singlePackage: ['true', '1'].includes(childText(r, 'singlePackage') ?? 'false'),
    specificFiles: childrenNamed(r, 'specificFiles').map((n) => n.text),
    unpackaged: pkg
      ? {
        types: childrenNamed(pkg, 'types').map((t) => ({ name: (childText(t, 'name') ?? '').trim(), members: childrenNamed(t, 'members').map((m) => m.text.trim()) })),
        version: childText(pkg, 'version'),
      }
      : undefined,
  };
}

/** The request faults a real org gives at once, before any job exists (undefined: the request is accepted). */
export function requestFault(req: RetrieveRequest): string | undefined {
  if (!/^\d+(\.\d+)?$/.test(req.apiVersion)) return `'${req.apiVersion}' is not valid for type xsd:double`;
  // RetrieveRequest: "If a value is specified for specificFiles, packageNames must be set to null and singlePackage must be set to true"
  if (req.specificFiles.length > 0) return 'INVALID_OPERATION: the emulator does not model specificFiles';
  return undefined;
}

export function newRetrieveJob(request: RetrieveRequest): RetrieveJob {
  return { id: newId('09S'), request, createdDate: new Date().toISOString(), polls: 0, status: 'Pending', fileProperties: [], messages: [] };
}

/** One poll: Pending for `queuedPolls` polls, InProgress for `inProgressPolls` more, then done (as deploys move on). */
export async function advanceRetrieve(org: Org, job: RetrieveJob, queuedPolls: number, inProgressPolls: number): Promise<void> {
  if (job.status === 'Succeeded' || job.status === 'Failed') return;
  job.polls += 1;
  if (job.polls <= queuedPolls) return;
  if (job.polls <= queuedPolls + inProgressPolls) {
    job.status = 'InProgress';
    return;
  }
  await runRetrieve(org, job);
}

/** Per-org key for the encrypted form of secrets a retrieve shows (an AuthProvider's consumerSecret). */
const orgKeys = new WeakMap<Org, Buffer>();

async function runRetrieve(org: Org, job: RetrieveJob): Promise<void> {
  const req = job.request;
  const zip = new JSZip();
  const now = new Date().toISOString();
  // Emulator wording: no source gives the text for more than one package with singlePackage.
  if (req.singlePackage && req.packageNames.length + (req.unpackaged ? 1 : 0) > 1) {
    job.status = 'Failed';
    job.errorStatusCode = 'INVALID_OPERATION';
    job.errorMessage = 'singlePackage is true, but more than one package was requested';
    return;
  }
  const version = req.unpackaged?.version ?? req.apiVersion;
  if (req.unpackaged) {
    const root = req.singlePackage ? '' : 'unpackaged/';
    zip.file(`${root}package.xml`, packageXml(req.unpackaged.types, version));
    job.fileProperties.push(packageProperties(`${root}package.xml`, now));
    const seen = new Set<string>();
    const files = new Map<string, { type: string; fullName: string; tree?: XNode; source?: string; comp: StoredComponent; fieldNames?: string[] }>();
    for (const t of req.unpackaged.types) {
      if (!TYPES[t.name] && !CHILD_TYPES[t.name]) {
        // A type the emulator stores none of: the org holds no such component. (A real org calls a name that is no
        // type at all unknown; the emulator cannot tell such a name from a type it does not model.)
        for (const m of t.members.filter((x) => x !== '*')) job.messages.push({ fileName: `${root}package.xml`, problem: notFound(t.name, m) });
        continue;
      }
      const found: StoredComponent[] = [];
      for (const member of t.members) {
        if (member === '*') {
          found.push(...org.list(t.name));
          continue;
        }
        const c = org.get(t.name, member);
        if (c) found.push(c);
        else job.messages.push({ fileName: `${root}package.xml`, problem: notFound(t.name, member) });
      }
      for (const c of found) {
        const key = `${t.name}|${c.fullName}`.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const path = `${root}${fileNameOf(t.name, c.fullName)}`;
        if (CHILD_TYPES[t.name]) {
          // a field is retrieved inside its object's file, which holds only the fields asked for (unless the object is asked for too)
          const entry = files.get(path) ?? { type: 'CustomObject', fullName: c.fullName.split('.')[0], comp: org.get('CustomObject', c.fullName.split('.')[0])!, fieldNames: [] };
          entry.fieldNames?.push(childText(c.tree, 'fullName') ?? '');
          files.set(path, entry);
          job.fileProperties.push(componentProperties(path, c, t.name));
          continue;
        }
        files.set(path, { type: t.name, fullName: c.fullName, tree: c.tree, source: c.source, comp: c });
        job.fileProperties.push(componentProperties(path, c, t.name));
      }
    }
    for (const [path, f] of files) {
      let tree = f.tree ?? f.comp.tree;
      if (f.fieldNames && !f.tree) {
        const wanted = new Set(f.fieldNames.map((n) => n.toLowerCase()));
        tree = { ...tree, children: childrenNamed(tree, 'fields').filter((x) => wanted.has((childText(x, 'fullName') ?? '').toLowerCase())) };
      }
      if (f.type === 'ApexClass') {
        zip.file(path, f.source ?? '');
        zip.file(`${path}-meta.xml`, metadataFile('ApexClass', asRetrieved(org, 'ApexClass', tree)));
      } else {
        zip.file(path, metadataFile(f.type, asRetrieved(org, f.type, tree)));
      }
    }
  }
  for (const name of req.packageNames) {
    // Not settled: the text an org gives for a package it has none of; the emulator holds no packages.
    job.messages.push({ fileName: name, problem: `No package named '${name}' found` });
  }
  job.zipFile = (await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })).toString('base64');
  job.status = 'Succeeded';
}

/** "Entity of type 'X' named 'Y' cannot be found": the warning real retrieves give (Ant's sf:retrieve, SDR's parser). */
function notFound(type: string, member: string): string {
  return `Entity of type '${type}' named '${member}' cannot be found`;
}

function packageXml(types: Array<{ name: string; members: string[] }>, version: string): string {
  const body = types.map((t) => `    <types>\n${t.members.map((m) => `        ${el('members', m)}\n`).join('')}        ${el('name', t.name)}\n    </types>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${MD_NS}">\n${body}    ${el('version', version)}\n</Package>\n`;
}

function packageProperties(fileName: string, now: string): FileProperties {
  return { fileName, fullName: fileName, id: '000000000000000AAA', type: 'Package', createdDate: now, lastModifiedDate: now };
}

function componentProperties(fileName: string, c: StoredComponent, type: string): FileProperties {
  const id = type === 'CustomField' ? c.tree.attrs['emu:id'] ?? c.id : c.id;
  return { fileName, fullName: c.fullName, id, type, createdDate: c.createdDate, lastModifiedDate: c.lastModifiedDate };
}

/**
 * What the org writes for a stored component: elements in schema order, no root fullName, and no credential in
 * the clear. An AuthProvider's consumerSecret comes back in an encrypted form (Metadata API Developer Guide,
 * AuthProvider: "++XYZ++ is the encrypted secret"; retrieved AuthProvider files show an opaque value); a legacy
 * Named Credential's password and OAuth tokens are left out (not settled by the sources; chosen so no credential
 * leaves the org).
 */
function asRetrieved(org: Org, type: string, tree: XNode): XNode {
  let children = tree.children.filter((c) => c.name !== 'fullName' || type === 'CustomField');
  if (type === 'NamedCredential') children = children.filter((c) => !['password', 'oauthToken', 'oauthRefreshToken'].includes(c.name));
  if (type === 'AuthProvider') {
    children = children.map((c) => (c.name === 'consumerSecret' && c.text ? { ...c, text: encryptedForm(org, c.text), children: [] } : c));
  }
  return sortBySchema({ ...tree, children }, type, org.schema);
}

function encryptedForm(org: Org, secret: string): string {
  if (/^\+\+.*\+\+$/.test(secret)) return secret;
  let key = orgKeys.get(org);
  if (!key) orgKeys.set(org, (key = randomBytes(32)));
  // the same stored secret gives the same opaque text, so that two retrieves do not differ
  return createHmac('sha256', key).update(secret).digest('base64');
}

/** A metadata-format file as a retrieve writes it: declaration, the type's root in the metadata namespace, 4-space indent. */
export function metadataFile(type: string, tree: XNode): string {
  const usesXsi = JSON.stringify(tree, (k, v: unknown) => (k === 'nsScope' ? undefined : v)).includes('xsi:');
  const ns = usesXsi ? ` xmlns:xsi="${XSI_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"` : '';
  const inner = tree.children.map((c) => pretty(c, 1)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="${MD_NS}"${ns}>\n${inner}</${type}>\n`;
}

function pretty(node: XNode, depth: number): string {
  const pad = '    '.repeat(depth);
  const nil = attrNs(node, 'nil', XSI_NS) ?? node.attrs['xsi:nil'];
  if (nil === 'true') return `${pad}<${node.name} xsi:nil="true"/>\n`;
  const type = attrNs(node, 'type', XSI_NS) ?? node.attrs['xsi:type'];
  const typeAttr = type ? ` xsi:type="${esc(type.includes(':') ? `xsd:${type.split(':')[1]}` : type)}"` : '';
  if (node.children.length === 0) return `${pad}<${node.name}${typeAttr}>${esc(node.text)}</${node.name}>\n`;
  return `${pad}<${node.name}${typeAttr}>\n${node.children.map((c) => pretty(c, depth + 1)).join('')}${pad}</${node.name}>\n`;
}

/** The RetrieveResult elements, in WSDL order. */
export function retrieveResultXml(org: Org, job: RetrieveJob, includeZip: boolean): string {
  const done = job.status === 'Succeeded' || job.status === 'Failed';
  const admin = org.adminUser;
  const props = done
    ? job.fileProperties.map((p) =>
      `<fileProperties>${el('createdById', admin.id)}${el('createdByName', admin.name)}${el('createdDate', p.createdDate)}${el('fileName', p.fileName)}${el('fullName', p.fullName)}${el('id', p.id)}${el('lastModifiedById', admin.id)}${el('lastModifiedByName', admin.name)}${el('lastModifiedDate', p.lastModifiedDate)}${el('manageableState', 'unmanaged')}${el('type', p.type)}</fileProperties>`
    ).join('')
    : '';
  const messages = done ? job.messages.map((m) => `<messages>${el('fileName', m.fileName)}${el('problem', m.problem)}</messages>`).join('') : '';
  return (
    el('done', done) +
    (job.errorMessage ? el('errorMessage', job.errorMessage) : '') +
    (job.errorStatusCode ? el('errorStatusCode', job.errorStatusCode) : '') +
    props +
    el('id', job.id) +
    messages +
    el('status', job.status) +
    el('success', job.status === 'Succeeded') +
    (done && includeZip && job.zipFile ? el('zipFile', job.zipFile) : '')
  );
}

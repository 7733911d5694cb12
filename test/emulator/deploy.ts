/**
 * Metadata API deploy as an org runs it: read the zip, find package.xml, validate every component (schema,
 * Apex syntax, cross references against the org plus the same deploy), run the test level's tests, and commit
 * all-or-nothing (rollbackOnError) unless checkOnly. The outcome is computed when the deploy finishes (after
 * its Queued/InProgress polls), against the org as it is at that moment.
 */
import JSZip from 'jszip';
import { parseApexClass, ApexClassInfo } from './apex.js';
import { Org, StoredComponent } from './org.js';
import { referencedMessage, referencesTo } from './references.js';
import { CHILD_TYPES, fileNameOf, newId, TYPES } from './registry.js';
import { child, childrenNamed, childText, isNil, MD_NS, parseXml, XmlParseError, XNode } from './xml.js';
import { validateElement } from './validate.js';
import { externalCredentialProblems } from './externalCredential.js';
import { providerValueProblems } from './providerRules.js';
import { versionTable } from './versions.js';
import { isStandardObject } from './standardObjects.js';

export type DeployOptions = {
  checkOnly: boolean;
  rollbackOnError: boolean;
  singlePackage: boolean;
  ignoreWarnings: boolean;
  testLevel?: string;
  runTests: string[];
};

export type DeployMessage = {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

export type TestRun = {
  successes: Array<{ id: string; methodName: string; name: string; time: number }>;
  failures: Array<{ id: string; message: string; methodName: string; name: string; stackTrace: string; time: number }>;
  codeCoverage: Array<{ id: string; name: string; numLocations: number; numLocationsNotCovered: number }>;
  codeCoverageWarnings: Array<{ id: string; message: string; name: string | null }>;
  totalTime: number;
};

export type DeployJob = {
  id: string;
  options: DeployOptions;
  files: Map<string, Buffer>;
  zipError?: string;
  createdDate: string;
  startDate?: string;
  completedDate?: string;
  polls: number;
  /** When the last checkDeployStatus for it arrived (epoch ms). */
  lastPolledAt?: number;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  messages: DeployMessage[];
  tests?: TestRun;
  testsTotal: number;
  errorMessage?: string;
  errorStatusCode?: string;
  componentsTotal: number;
};

/** Read the zip at submission (as the real API does); unreadable zips fail the deploy when it runs. */
export async function readZip(base64: string): Promise<{ files: Map<string, Buffer>; error?: string }> {
  const files = new Map<string, Buffer>();
  try {
    const zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
    for (const entry of Object.values(zip.files)) {
      if (!entry.dir) files.set(entry.name.replace(/^\.\//, ''), await entry.async('nodebuffer'));
    }
    return { files };
  } catch (e) {
    return { files, error: `Unable to read zip file: ${(e as Error).message}` };
  }
}

/** Apex added, changed or deleted: on production, such a deploy must run tests. */
export function containsApex(files: Map<string, Buffer>): boolean {
  return [...files.entries()].some(
    ([p, content]) =>
      /(^|\/)(classes\/[^/]+\.cls|triggers\/[^/]+\.trigger)$/.test(p) ||
      (/(^|\/)destructiveChanges(Pre|Post)?\.xml$/.test(p) && /<name>\s*ApexClass\s*<\/name>/.test(content.toString('utf8')))
  );
}

/** Members of destructiveChanges.xml (and its Pre / Post forms) beside each package.xml. */
function destructiveMembers(files: Map<string, Buffer>, roots: string[]): Array<{ type: string; fullName: string; fileName: string }> {
  const members: Array<{ type: string; fullName: string; fileName: string }> = [];
  for (const root of roots) {
    for (const name of ['destructiveChangesPre.xml', 'destructiveChanges.xml', 'destructiveChangesPost.xml']) {
      const content = files.get(`${root}${name}`);
      if (!content) continue;
      for (const t of childrenNamed(parseXml(content.toString('utf8')), 'types')) {
        const type = childText(t, 'name') ?? '';
        for (const m of childrenNamed(t, 'members')) members.push({ type, fullName: m.text, fileName: `${root}${name}` });
      }
    }
  }
  return members;
}

type Candidate = {
  type: string;
  fullName: string;
  fileName: string;
  tree?: XNode;
  source?: string;
  apex?: ApexClassInfo;
  /** for CustomField candidates: the field element; for CustomObject: whether object-level props are deployed */
  objectProps?: boolean;
  /** its package.xml's <version>: the version its file is judged by */
  apiVersion: number;
  failed: boolean;
};

/**
 * A package.xml <version> an org takes: a release number such as 64.0, not above the org's newest. Orgs answer
 * others with "Invalid version specified:63.0" (forcedotcom/cli#27, #2494, #3046); the lowest accepted is not
 * settled (20.0 here, as the emulator's REST API).
 */
function packageVersion(text: string | undefined, maxApiVersion: number): number | undefined {
  if (!/^\d{2,3}\.0$/.test(text ?? '')) return undefined;
  const v = Number(text);
  return v >= 20 && v <= maxApiVersion ? v : undefined;
}

/** Runs the deploy to completion, filling job.messages/tests/status; commits unless checkOnly or failed. */
export function runDeploy(org: Org, job: DeployJob, maxApiVersion = 64): void {
  const now = new Date().toISOString();
  const msgs: DeployMessage[] = [];
  const fail = (type: string, fullName: string, fileName: string, problem: string, line?: number, col?: number): void => {
    msgs.push({
      changed: false, columnNumber: col, componentType: type, created: false, createdDate: now, deleted: false,
      fileName, fullName, lineNumber: line, problem, problemType: 'Error', success: false,
    });
  };
  const finish = (): void => {
    job.messages = msgs;
    job.completedDate = new Date().toISOString();
    const failed = msgs.some((m) => !m.success) || (job.tests?.failures.length ?? 0) > 0 ||
      (job.tests?.codeCoverageWarnings.length ?? 0) > 0 || job.errorMessage !== undefined;
    job.status = failed ? 'Failed' : 'Succeeded';
  };

  if (job.zipError) {
    job.errorMessage = job.zipError;
    job.errorStatusCode = 'UNKNOWN_EXCEPTION';
    return finish();
  }

  // ---- locate package(s)
  const roots: string[] = [];
  if (job.files.has('package.xml')) roots.push('');
  if (!job.options.singlePackage) {
    for (const p of job.files.keys()) {
      const m = /^([^/]+\/)package\.xml$/.exec(p);
      if (m) roots.push(m[1]);
    }
  }
  if (roots.length === 0) {
    fail('', 'package.xml', 'package.xml', 'No package.xml found');
    return finish();
  }

  // ---- collect candidates from each package.xml
  const cands: Candidate[] = [];
  for (const root of roots) {
    const pkgFile = `${root}package.xml`;
    let pkg: XNode;
    try {
      pkg = parseXml(job.files.get(pkgFile)!.toString('utf8'));
    } catch (e) {
      const pe = e as XmlParseError;
      fail('', 'package.xml', pkgFile, `Error parsing file: ${pe.message}`, pe.line, pe.col);
      continue;
    }
    const pkgProblems = pkg.name !== 'Package' || pkg.ns !== MD_NS
      ? [{ message: `Error parsing file: root element must be {${MD_NS}}Package`, line: pkg.line, col: pkg.col }]
      : validateElement(pkg, 'Package', org.schema, { checkOrder: false });
    if (pkgProblems.length > 0) {
      const p = pkgProblems[0];
      fail('', 'package.xml', pkgFile, p.message.startsWith('Required') ? p.message : `Error parsing file: ${p.message}`, p.line, p.col);
      continue;
    }
    const versionText = childText(pkg, 'version');
    const apiVersion = packageVersion(versionText, maxApiVersion);
    if (apiVersion === undefined) {
      fail('', 'package.xml', pkgFile, `Invalid version specified:${versionText ?? ''}`, child(pkg, 'version')?.line, child(pkg, 'version')?.col);
      continue;
    }
    msgs.push({ changed: false, componentType: '', created: false, createdDate: now, deleted: false, fileName: pkgFile, fullName: 'package.xml', success: true });
    for (const t of childrenNamed(pkg, 'types')) {
      const typeName = childText(t, 'name') ?? '';
      const members = childrenNamed(t, 'members').map((m) => m.text);
      // a type younger than the package's version is as unknown to it as a misspelt one (wording not settled)
      if ((!TYPES[typeName] && !CHILD_TYPES[typeName]) || !versionTable().validIn(apiVersion, typeName)) {
        fail('', 'package.xml', pkgFile, `Unknown type name '${typeName}' specified in package.xml`);
        continue;
      }
      const expanded = members.flatMap((m) => (m === '*' ? wildcard(job.files, root, typeName) : [m]));
      for (const member of expanded) {
        const fileName = `${root}${fileNameOf(typeName, member)}`;
        if (!job.files.has(fileName)) {
          fail('', 'package.xml', pkgFile, `An object '${member}' of type ${typeName} was named in package.xml, but was not found in zipped directory`);
          continue;
        }
        cands.push({ type: typeName, fullName: member, fileName, apiVersion, failed: false });
      }
    }
  }

  // ---- parse and schema-validate each file once
  const parsedFiles = new Map<string, XNode | Error>();
  const parseFile = (c: Candidate): XNode | undefined => {
    const path = c.type === 'ApexClass' ? `${c.fileName}-meta.xml` : c.fileName;
    const rootType = CHILD_TYPES[c.type]?.parent ?? c.type;
    if (!parsedFiles.has(path)) {
      const buf = job.files.get(path);
      if (!buf) {
        parsedFiles.set(path, new XmlParseError(`Could not find ${path.split('/').pop()}`));
      } else {
        try {
          const tree = parseXml(buf.toString('utf8'));
          const problems = tree.name !== rootType || tree.ns !== MD_NS
            ? [{ message: `Error parsing file: Element {${tree.ns ?? ''}}${tree.name} invalid at this location`, line: tree.line, col: tree.col }]
            : validateElement(tree, rootType, org.schema, { checkOrder: false, apiVersion: c.apiVersion }).map((p) => ({
              ...p,
              message: p.message.startsWith('Required') || p.message.startsWith('Property ') ? p.message : `Error parsing file: ${p.message}`,
            }));
          parsedFiles.set(path, problems.length ? new XmlParseError(problems[0].message, problems[0].line, problems[0].col) : tree);
        } catch (e) {
          const pe = e as XmlParseError;
          parsedFiles.set(path, new XmlParseError(`Error parsing file: ${pe.message}`, pe.line, pe.col));
        }
      }
    }
    const r = parsedFiles.get(path)!;
    if (r instanceof Error) {
      const pe = r as XmlParseError;
      fail(c.type, c.fullName, path, pe.message, pe.line, pe.col);
      c.failed = true;
      return undefined;
    }
    return r;
  };

  for (const c of cands) {
    const tree = parseFile(c);
    if (!tree) continue;
    if (c.type === 'CustomField') {
      const fieldName = c.fullName.split('.')[1] ?? '';
      const f = childrenNamed(tree, 'fields').find((x) => childText(x, 'fullName')?.toLowerCase() === fieldName.toLowerCase());
      if (!f) {
        fail(c.type, c.fullName, c.fileName, `An object '${c.fullName}' of type CustomField was named in package.xml, but was not found in zipped directory`);
        c.failed = true;
        continue;
      }
      c.tree = f;
    } else {
      c.tree = tree;
    }
    if (c.type === 'ApexClass') {
      c.source = job.files.get(c.fileName)!.toString('utf8');
      c.apex = parseApexClass(c.source);
      if (c.apex.errors.length > 0) {
        for (const e of c.apex.errors) fail(c.type, c.fullName, c.fileName, e.message, e.line, e.column);
        c.failed = true;
      } else if (c.apex.name && c.apex.name.toLowerCase() !== c.fullName.toLowerCase()) {
        // emulator wording: a class whose declared name differs from its file name does not deploy
        fail(c.type, c.fullName, c.fileName, `Invalid class name: the file declares ${c.apex.name} but is named ${c.fullName}`, 1, 1);
        c.failed = true;
      }
    }
  }
  // CustomObject listed explicitly deploys its own properties; fields listed as CustomField merge into it
  for (const c of cands) if (c.type === 'CustomObject') c.objectProps = true;

  // ---- cross references: resolve against this deploy's candidates, then the org
  const inDeploy = (type: string, name: string): Candidate | undefined =>
    cands.find((c) => c.type === type && c.fullName.toLowerCase() === name.toLowerCase() && c.tree);
  const exists = (type: string, name: string): boolean => Boolean(inDeploy(type, name) ?? org.get(type, name));
  const apexInfo = (name: string): ApexClassInfo | undefined => inDeploy('ApexClass', name)?.apex ?? org.apexClass(name)?.info;
  const objectFields = (obj: string): XNode[] => {
    const fields = new Map<string, XNode>();
    for (const f of childrenNamed(org.get('CustomObject', obj)?.tree, 'fields')) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
    for (const c of cands) {
      if (!c.tree) continue;
      if (c.type === 'CustomObject' && c.fullName.toLowerCase() === obj.toLowerCase()) {
        for (const f of childrenNamed(c.tree, 'fields')) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
      }
      if (c.type === 'CustomField' && c.fullName.toLowerCase().startsWith(`${obj.toLowerCase()}.`)) fields.set(childText(c.tree, 'fullName')!.toLowerCase(), c.tree);
    }
    return [...fields.values()];
  };
  const principalExists = (extCred: string, principal: string): boolean => {
    const ec = inDeploy('ExternalCredential', extCred)?.tree ?? org.get('ExternalCredential', extCred)?.tree;
    return childrenNamed(ec, 'externalCredentialParameters').some(
      (p) => ['NamedPrincipal', 'PerUserPrincipal'].includes(childText(p, 'parameterType') ?? '') &&
        childText(p, 'parameterName')?.toLowerCase() === principal.toLowerCase()
    );
  };

  for (const c of cands) {
    if (!c.tree || c.failed) continue;
    const t = c.tree;
    const err = (problem: string, node?: XNode): void => {
      fail(c.type, c.fullName, c.fileName, problem, node?.line, node?.col);
      c.failed = true;
    };
    for (const p of providerValueProblems(c.type, t)) err(p.message, p.node);
    switch (c.type) {
      case 'AuthProvider': {
        const plugin = childText(t, 'plugin');
        const providerType = childText(t, 'providerType');
        if (providerType === 'Custom' && !plugin) err('Required field is missing: plugin', t);
        if (plugin) {
          const info = apexInfo(plugin);
          if (!info) err(`In field: plugin - no ApexClass named ${plugin} found`, child(t, 'plugin'));
          else if (info.extendsType?.toLowerCase() !== 'auth.authproviderpluginclass') {
            err(`In field: plugin - ${plugin} must extend Auth.AuthProviderPluginClass`, child(t, 'plugin'));
          }
        }
        const cmdt = childText(t, 'customMetadataTypeRecord');
        if (cmdt) {
          const [typeName, rec] = cmdt.split('.');
          const recordName = `${typeName?.replace(/__mdt$/i, '')}.${rec}`;
          if (!rec || !/__mdt$/i.test(typeName) || !exists('CustomMetadata', recordName)) {
            err(`In field: customMetadataTypeRecord - no CustomMetadata named ${cmdt} found`, child(t, 'customMetadataTypeRecord'));
          }
        }
        const handler = childText(t, 'registrationHandler');
        if (handler && !exists('ApexClass', handler)) {
          err(`In field: registrationHandler - no ApexClass named ${handler} found`, child(t, 'registrationHandler'));
        }
        const execUser = childText(t, 'executionUser');
        if (execUser) {
          const u = org.userByUsername(execUser);
          if (!u || !u.isActive) err(`In field: executionUser - no User named ${execUser} found`, child(t, 'executionUser'));
        }
        break;
      }
      case 'NamedCredential': {
        const ap = childText(t, 'authProvider');
        if (ap && !exists('AuthProvider', ap)) err(`In field: authProvider - no AuthProvider named ${ap} found`, child(t, 'authProvider'));
        for (const p of childrenNamed(t, 'namedCredentialParameters')) {
          const ec = childText(p, 'externalCredential');
          if (childText(p, 'parameterType') === 'Authentication' && (!ec || !exists('ExternalCredential', ec))) {
            err(`In field: externalCredential - no ExternalCredential named ${ec ?? ''} found`, child(p, 'externalCredential') ?? p);
          }
        }
        break;
      }
      case 'ExternalCredential': {
        for (const p of childrenNamed(t, 'externalCredentialParameters')) {
          if (childText(p, 'parameterType') !== 'AuthProvider') continue;
          const ap = childText(p, 'authProvider');
          if (!ap || !exists('AuthProvider', ap)) err(`In field: authProvider - no AuthProvider named ${ap ?? ''} found`, child(p, 'authProvider') ?? p);
        }
        for (const p of childrenNamed(t, 'externalCredentialParameters')) {
          if (childText(p, 'parameterType') !== 'SigningCertificate') continue;
          // certificates live in Certificate and Key Management, not in a deploy: only the org's count
          const cert = childText(p, 'certificate') ?? childText(p, 'parameterValue') ?? '';
          if (!org.hasCertificate(cert)) err(`In field: certificate - no Certificate named ${cert} found`, child(p, 'certificate') ?? p);
        }
        for (const p of externalCredentialProblems(t)) err(p.message, p.node);
        break;
      }
      case 'PermissionSet': {
        for (const a of childrenNamed(t, 'externalCredentialPrincipalAccesses')) {
          const ref = childText(a, 'externalCredentialPrincipal') ?? '';
          const dash = ref.indexOf('-');
          if (dash < 0 || !principalExists(ref.slice(0, dash), ref.slice(dash + 1))) {
            err(`In field: externalCredentialPrincipal - no ExternalCredentialParameter named ${ref} found`, child(a, 'externalCredentialPrincipal'));
          }
        }
        for (const a of childrenNamed(t, 'classAccesses')) {
          const cls = childText(a, 'apexClass') ?? '';
          if (!exists('ApexClass', cls)) err(`In field: apexClass - no ApexClass named ${cls} found`, child(a, 'apexClass'));
        }
        for (const a of childrenNamed(t, 'objectPermissions')) {
          const obj = childText(a, 'object') ?? '';
          if (!isStandardObject(obj) && !exists('CustomObject', obj)) err(`In field: object - no CustomObject named ${obj} found`, child(a, 'object'));
        }
        for (const a of childrenNamed(t, 'fieldPermissions')) {
          const ref = childText(a, 'field') ?? '';
          const [obj, field] = ref.split('.');
          const objectKnown = isStandardObject(obj) || exists('CustomObject', obj);
          // standard fields of standard objects are not modeled; custom fields must exist in the org or the deploy
          const standardField = isStandardObject(obj) && field !== undefined && !/__c$/i.test(field);
          const fieldKnown = objectKnown && field !== undefined &&
            (standardField || objectFields(obj).some((f) => childText(f, 'fullName')?.toLowerCase() === field.toLowerCase()));
          if (!fieldKnown) err(`In field: field - no CustomField named ${ref} found`, child(a, 'field'));
        }
        for (const a of childrenNamed(t, 'customMetadataTypeAccesses')) {
          const n = childText(a, 'name') ?? '';
          if (!exists('CustomObject', n)) err(`In field: name - no CustomObject named ${n} found`, child(a, 'name'));
        }
        break;
      }
      case 'CustomObject': {
        if (/__mdt$/i.test(c.fullName) && child(t, 'deploymentStatus')) {
          err('Cannot specify: deploymentStatus for Custom Metadata Type', child(t, 'deploymentStatus'));
        }
        break;
      }
      case 'CustomField': {
        const obj = c.fullName.split('.')[0];
        if (!exists('CustomObject', obj)) err(`Cannot find the object ${obj} for field ${c.fullName}`, t);
        break;
      }
      case 'CustomMetadata': {
        const typeName = `${c.fullName.split('.')[0]}__mdt`;
        if (!exists('CustomObject', typeName)) {
          err(`In field: type - no CustomObject named ${typeName} found`, t);
          break;
        }
        const fields = objectFields(typeName);
        const byName = new Map(fields.map((f) => [childText(f, 'fullName')!.toLowerCase(), f]));
        const given = new Map<string, XNode>();
        for (const v of childrenNamed(t, 'values')) {
          const fname = childText(v, 'field') ?? '';
          given.set(fname.toLowerCase(), v);
          if (!byName.has(fname.toLowerCase())) err(`In field: field - no CustomField named ${typeName}.${fname} found`, child(v, 'field'));
        }
        for (const f of fields) {
          if (childText(f, 'required') !== 'true') continue;
          const v = given.get(childText(f, 'fullName')!.toLowerCase());
          const valueNode = child(v, 'value');
          if (!valueNode || isNil(valueNode) || valueNode.text === '') err(`Required fields are missing: [${childText(f, 'fullName')}]`, t);
        }
        break;
      }
      default:
    }
  }

  // ---- rules Salesforce applies that the emulator does not model, set by a test (org.rejectComponent)
  for (const c of cands) {
    const problem = org.rejections.get(`${c.type}:${c.fullName}`.toLowerCase());
    if (problem && !c.failed) {
      fail(c.type, c.fullName, c.fileName, problem);
      c.failed = true;
    }
  }

  // ---- destructive changes: each listed component must exist, and nothing that stays may refer to it
  const deletions = destructiveMembers(job.files, roots);
  const deleted = new Set(deletions.map((d) => `${d.type} - ${d.fullName}`.toLowerCase()));
  for (const d of deletions) {
    if (!org.get(d.type, d.fullName)) {
      fail(d.type, d.fullName, d.fileName, `No ${d.type} named: ${d.fullName} found`);
      continue;
    }
    const refs = referencesTo(org, d.type, d.fullName).filter((ref) => !deleted.has(ref.toLowerCase()));
    const problem = org.rejections.get(`${d.type}:${d.fullName}`.toLowerCase());
    if (refs.length > 0) fail(d.type, d.fullName, d.fileName, referencedMessage(d.type, refs));
    else if (problem) fail(d.type, d.fullName, d.fileName, problem);
  }

  // ---- tests
  const options = job.options;
  const apexInDeploy = cands.some((c) => c.type === 'ApexClass') || deletions.some((d) => d.type === 'ApexClass');
  const level = options.testLevel ?? (org.orgType === 'production' && apexInDeploy ? 'RunLocalTests' : 'NoTestRun');
  if (level !== 'NoTestRun' && !msgs.some((m) => !m.success)) {
    const allClasses = new Map<string, ApexClassInfo & { name: string }>();
    for (const s of org.list('ApexClass')) {
      if (s.source !== undefined && !deleted.has(`apexclass - ${s.fullName.toLowerCase()}`)) allClasses.set(s.fullName.toLowerCase(), { ...parseApexClass(s.source), name: s.fullName });
    }
    for (const c of cands) if (c.type === 'ApexClass' && c.apex) allClasses.set(c.fullName.toLowerCase(), { ...c.apex, name: c.fullName });
    let toRun: Array<ApexClassInfo & { name: string }> = [];
    if (level === 'RunSpecifiedTests') {
      for (const name of options.runTests) {
        const cls = allClasses.get(name.toLowerCase());
        if (!cls) {
          // emulator wording
          job.errorMessage = `Apex test class not found: ${name}`;
          job.errorStatusCode = 'INVALID_CROSS_REFERENCE_KEY';
        } else toRun.push(cls);
      }
    } else {
      toRun = [...allClasses.values()].filter((c) => c.isTest);
    }
    const run: TestRun = { successes: [], failures: [], codeCoverage: [], codeCoverageWarnings: [], totalTime: 0 };
    for (const cls of toRun) {
      const classId = org.get('ApexClass', cls.name)?.id ?? newId('01p');
      for (const m of cls.testMethods) {
        const o = org.testOutcome(cls.name, m);
        run.totalTime += 10;
        if (o.pass) run.successes.push({ id: classId, methodName: m, name: cls.name, time: 10 });
        else run.failures.push({ id: classId, message: o.message, methodName: m, name: cls.name, stackTrace: o.stackTrace ?? `Class.${cls.name}.${m}: line 1, column 1`, time: 10 });
      }
    }
    // Coverage is not computed from execution: each deployed non-test class reports the percentage set with
    // org.setCoverage (default 100%) over a nominal 100 locations. Production enforces 75%.
    const covered: Array<{ name: string; pct: number }> = [];
    for (const c of cands) {
      if (c.type !== 'ApexClass' || !c.apex || c.apex.isTest) continue;
      const pct = org.coverage.get(c.fullName.toLowerCase()) ?? 100;
      covered.push({ name: c.fullName, pct });
      run.codeCoverage.push({ id: org.get('ApexClass', c.fullName)?.id ?? newId('01p'), name: c.fullName, numLocations: 100, numLocationsNotCovered: 100 - pct });
    }
    if (org.orgType === 'production' && covered.length > 0) {
      if (level === 'RunSpecifiedTests') {
        for (const cv of covered.filter((x) => x.pct < 75)) {
          run.codeCoverageWarnings.push({ id: newId('01p'), name: cv.name, message: `Test coverage of selected Apex Class is ${cv.pct}%, at least 75% test coverage is required` });
        }
      } else {
        const avg = Math.floor(covered.reduce((s, x) => s + x.pct, 0) / covered.length);
        if (avg < 75) {
          run.codeCoverageWarnings.push({ id: newId('01p'), name: null, message: `Average test coverage across all Apex Classes and Triggers is ${avg}%, at least 75% test coverage is required.` });
        }
      }
    }
    job.tests = run;
    job.testsTotal = run.successes.length + run.failures.length;
  }

  // ---- successes (what would change), and commit
  const failedKeys = new Set(msgs.filter((m) => !m.success).map((m) => `${m.componentType}|${m.fullName}`));
  const ok = cands.filter((c) => c.tree && !c.failed && !failedKeys.has(`${c.type}|${c.fullName}`));
  const plans: Array<() => void> = [];
  for (const c of ok) {
    const existing = org.get(c.type, c.fullName);
    let changed = false;
    let id = existing?.id;
    if (c.type === 'CustomField') {
      changed = Boolean(existing) && !org.sameAsStored('CustomField', c.fullName, c.tree!);
      id ??= newId(CHILD_TYPES.CustomField.idPrefix);
      // fields of an explicitly listed CustomObject are written with it
      if (!ok.some((o) => o.type === 'CustomObject' && o.fullName.toLowerCase() === c.fullName.split('.')[0].toLowerCase())) {
        plans.push(() => mergeObject(org, c.fullName.split('.')[0], undefined, [c.tree!]));
      }
    } else if (c.type === 'CustomObject') {
      const merged = mergedObjectTree(existing, c.tree!);
      changed = Boolean(existing) && !org.sameAsStored('CustomObject', c.fullName, merged);
      id ??= newId(TYPES.CustomObject.idPrefix);
      const objId = id;
      plans.push(() => mergeObject(org, c.fullName, c.tree!, [], objId));
    } else {
      changed = Boolean(existing) && !org.sameAsStored(c.type, c.fullName, c.tree!, c.source);
      id ??= newId(TYPES[c.type].idPrefix);
      const compId = id;
      plans.push(() => org.store(c.type, c.fullName, c.tree!, c.source, compId));
    }
    msgs.push({
      changed, componentType: c.type, created: !existing, createdDate: now, deleted: false,
      fileName: c.type === 'ApexClass' ? c.fileName : c.fileName, fullName: c.fullName, id, success: true,
    });
  }
  for (const d of deletions) {
    if (msgs.some((m) => !m.success && m.componentType === d.type && m.fullName === d.fullName)) continue;
    const existing = org.get(d.type, d.fullName)!;
    plans.push(() => org.remove(d.type, d.fullName));
    msgs.push({ changed: false, componentType: d.type, created: false, createdDate: now, deleted: true, fileName: d.fileName, fullName: d.fullName, id: existing.id, success: true });
  }
  job.componentsTotal = cands.length + deletions.length;
  finish();
  if (job.status === 'Succeeded' && !options.checkOnly) for (const p of plans) p();
}

function wildcard(files: Map<string, Buffer>, root: string, type: string): string[] {
  const t = TYPES[type];
  if (!t) return [];
  const re = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${t.dir}/([^/]+)\\.${t.suffix}$`);
  return [...files.keys()].map((p) => re.exec(p)?.[1]).filter((x): x is string => Boolean(x));
}

/** Deploys are additive: an object's fields missing from the file stay; object properties come from the file. */
function mergedObjectTree(existing: StoredComponent | undefined, incoming: XNode | undefined, extraFields: XNode[] = []): XNode {
  const base: XNode = incoming ?? existing!.tree;
  const fields = new Map<string, XNode>();
  for (const f of childrenNamed(existing?.tree, 'fields')) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
  for (const f of [...childrenNamed(incoming, 'fields'), ...extraFields]) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
  const others = base.children.filter((c) => c.name !== 'fields');
  // keep schema order: fields sit between fieldSets and gender; put them after all elements that sort before 'fields'
  const order = (n: string): number => (n < 'fields' ? 0 : 2);
  const sorted = [
    ...others.filter((c) => order(c.name) === 0),
    ...[...fields.values()].sort((a, b) => childText(a, 'fullName')!.localeCompare(childText(b, 'fullName')!)),
    ...others.filter((c) => order(c.name) === 2),
  ];
  return { ...base, name: 'CustomObject', children: sorted };
}

function mergeObject(org: Org, name: string, incoming: XNode | undefined, extraFields: XNode[], id?: string): void {
  const existing = org.get('CustomObject', name);
  org.store('CustomObject', existing?.fullName ?? name, mergedObjectTree(existing, incoming, extraFields), undefined, id);
}

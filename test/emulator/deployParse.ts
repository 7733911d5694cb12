/**
 * A deploy's parse step: each candidate's file is parsed and schema-checked once (against its package's API version),
 * a CustomField is found in its object's file, and an Apex class must parse and be named as its file is.
 */
import { parseApexClass } from './apex.js';
import { CHILD_TYPES } from './registry.js';
import { childrenNamed, childText, MD_NS, parseXml, XmlParseError, type XNode } from './xml.js';
import { validateElement } from './validate.js';
import type { Candidate, DeployRun } from './deployTypes.js';

/** Gives each candidate that parses its tree (and Apex its source and class info); marks the others failed. */
export function parseCandidates(run: DeployRun, cands: Candidate[]): void {
  const { org, job, fail } = run;
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
}

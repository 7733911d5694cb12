/**
 * The first steps of a deploy: find the zip's package.xml files (one at the root, or one per top folder unless
 * singlePackage), read each, and list the components they name (wildcards expanded) as candidates.
 */
import { CHILD_TYPES, fileNameOf, TYPES } from './registry.js';
import { child, childrenNamed, childText, MD_NS, parseXml, XmlParseError, type XNode } from './xml.js';
import { validateElement } from './validate.js';
import { versionTable } from './versions.js';
import type { Candidate, DeployRun } from './deployTypes.js';

/** The folders ('' for the zip's root) that hold a package.xml; none fails the deploy. */
export function locatePackages(run: DeployRun): string[] {
  const { job } = run;
  const roots: string[] = [];
  if (job.files.has('package.xml')) roots.push('');
  if (!job.options.singlePackage) {
    for (const p of job.files.keys()) {
      const m = /^([^/]+\/)package\.xml$/.exec(p);
      if (m) roots.push(m[1]);
    }
  }
  return roots;
}

/** Every component each package.xml names that the zip holds; package.xml problems fail the deploy. */
export function collectCandidates(run: DeployRun, roots: string[], maxApiVersion: number): Candidate[] {
  const { org, job, now, msgs, fail } = run;
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
  return cands;
}

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

function wildcard(files: Map<string, Buffer>, root: string, type: string): string[] {
  const t = TYPES[type];
  if (!t) return [];
  const re = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${t.dir}/([^/]+)\\.${t.suffix}$`);
  return [...files.keys()].map((p) => re.exec(p)?.[1]).filter((x): x is string => Boolean(x));
}

/**
 * A deploy's destructive changes: the members of destructiveChanges.xml (and its Pre / Post forms) beside each
 * package.xml; each must exist, and nothing that stays in the org may refer to it.
 */
import { referencedMessage, referencesTo } from './references.js';
import { childrenNamed, childText, parseXml } from './xml.js';
import type { Deletion, DeployRun } from './deployTypes.js';

/** The deletions the deploy asks for, failing those that are absent, still referenced or rejected by a test. */
export function checkDeletions(run: DeployRun, roots: string[]): Deletion[] {
  const { org, job, fail } = run;
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
  return deletions;
}

/** Members of destructiveChanges.xml (and its Pre / Post forms) beside each package.xml. */
function destructiveMembers(files: Map<string, Buffer>, roots: string[]): Deletion[] {
  const members: Deletion[] = [];
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

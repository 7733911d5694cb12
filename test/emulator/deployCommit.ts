/**
 * A deploy's last step: a success message for each component that passed (created, changed or unchanged, as
 * compared with the org), and the writes that commit them, run by runDeploy only if the whole deploy succeeded.
 */
import type { Org, StoredComponent } from './org.js';
import { CHILD_TYPES, newId, TYPES } from './registry.js';
import { childrenNamed, childText, type XNode } from './xml.js';
import type { Candidate, Deletion, DeployRun } from './deployTypes.js';

/** Adds the success messages and returns the writes (all-or-nothing: the caller runs them or none). */
export function planCommit(run: DeployRun, cands: Candidate[], deletions: Deletion[]): Array<() => void> {
  const { org, now, msgs } = run;
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
      fileName: c.fileName, fullName: c.fullName, id, success: true,
    });
  }
  for (const d of deletions) {
    if (msgs.some((m) => !m.success && m.componentType === d.type && m.fullName === d.fullName)) continue;
    const existing = org.get(d.type, d.fullName)!;
    plans.push(() => org.remove(d.type, d.fullName));
    msgs.push({ changed: false, componentType: d.type, created: false, createdDate: now, deleted: true, fileName: d.fileName, fullName: d.fullName, id: existing.id, success: true });
  }
  return plans;
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

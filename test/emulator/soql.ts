/**
 * A small SOQL subset: SELECT f1, Rel.f2 FROM Obj [WHERE a = 'x' AND b IN ('y','z') AND c != null] [ORDER BY f] [LIMIT n].
 * Field and object names are case-insensitive; results use each object's canonical field names.
 */
export type SRecord = Record<string, unknown> & { __type: string; Id: string };
export type SObjectDef = {
  fields: string[];
  relationships?: Record<string, (r: SRecord) => SRecord | undefined>;
  rows: () => SRecord[];
};

export class SoqlError extends Error {
  public constructor(public readonly errorCode: string, message: string) {
    super(message);
  }
}

type Cond = { field: string; op: '=' | '!=' | 'IN' | 'LIKE'; values: unknown[] };

export function runSoql(q: string, objects: Record<string, SObjectDef>, urlFor: (type: string, id: string) => string): {
  totalSize: number;
  done: true;
  records: unknown[];
} {
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(q);
  if (!m) throw new SoqlError('MALFORMED_QUERY', `unexpected token: ${q.split(/\s+/)[0] ?? ''}`);
  const objName = Object.keys(objects).find((k) => k.toLowerCase() === m[2].toLowerCase());
  if (!objName) {
    throw new SoqlError('INVALID_TYPE', `\n${q}\n^\nERROR at Row:1:Column:1\nsObject type '${m[2]}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  const def = objects[objName];
  const resolveField = (path: string): { rel?: string; field: string; relDef?: string } => {
    const parts = path.trim().split('.');
    if (parts.length === 1) {
      const f = def.fields.find((x) => x.toLowerCase() === parts[0].toLowerCase());
      if (!f) throw new SoqlError('INVALID_FIELD', `\n${q}\n^\nERROR at Row:1:Column:1\nNo such column '${parts[0]}' on entity '${objName}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
      return { field: f };
    }
    const rel = Object.keys(def.relationships ?? {}).find((x) => x.toLowerCase() === parts[0].toLowerCase());
    if (!rel) throw new SoqlError('INVALID_FIELD', `\n${q}\n^\nERROR at Row:1:Column:1\nDidn't understand relationship '${parts[0]}' in field path.`);
    const target = rel === 'Assignee' ? 'User' : rel;
    const tdef = objects[target];
    const f = tdef?.fields.find((x) => x.toLowerCase() === parts[1].toLowerCase());
    if (!f) throw new SoqlError('INVALID_FIELD', `No such column '${parts[1]}' on entity '${target}'.`);
    return { rel, field: f, relDef: target };
  };
  const value = (r: SRecord, path: string): unknown => {
    const rf = resolveField(path);
    if (!rf.rel) return r[rf.field];
    return def.relationships![rf.rel](r)?.[rf.field] ?? null;
  };
  const selected = splitTop(m[1], ',').map((s) => s.trim());
  if (selected.some((s) => /^count\(\s*\)$/i.test(s))) {
    const rows = filterRows(def.rows(), m[3], value, q);
    return { totalSize: rows.length, done: true, records: [] };
  }
  for (const s of selected) resolveField(s);
  let rows = filterRows(def.rows(), m[3], value, q);
  if (m[4]) {
    const [field, dir] = m[4].trim().split(/\s+/);
    const sign = dir?.toUpperCase() === 'DESC' ? -1 : 1;
    rows = [...rows].sort((a, b) => String(value(a, field) ?? '').localeCompare(String(value(b, field) ?? '')) * sign);
  }
  if (m[5]) rows = rows.slice(0, Number(m[5]));
  const records = rows.map((r) => {
    const out: Record<string, unknown> = { attributes: { type: r.__type, url: urlFor(r.__type, r.Id) } };
    for (const s of selected) {
      const rf = resolveField(s);
      if (!rf.rel) out[rf.field] = r[rf.field] ?? null;
      else {
        const target = def.relationships![rf.rel](r);
        if (!target) out[rf.rel] = null;
        else {
          const nested = (out[rf.rel] as Record<string, unknown>) ?? { attributes: { type: target.__type, url: urlFor(target.__type, target.Id) } };
          nested[rf.field] = target[rf.field] ?? null;
          out[rf.rel] = nested;
        }
      }
    }
    return out;
  });
  return { totalSize: records.length, done: true, records };
}

function filterRows(rows: SRecord[], where: string | undefined, value: (r: SRecord, p: string) => unknown, q: string): SRecord[] {
  if (!where) return rows;
  if (/\bOR\b/i.test(where.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) throw new SoqlError('MALFORMED_QUERY', `emulator: OR is not supported in ${q}`);
  const conds: Cond[] = splitTop(where, /\s+AND\s+/i).map((c) => {
    const cm = /^\s*([\w.]+)\s*(=|!=|<>|\bIN\b|\bLIKE\b)\s*(.+?)\s*$/is.exec(c);
    if (!cm) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${c.trim()}'`);
    const op = cm[2].toUpperCase() === '<>' ? '!=' : (cm[2].toUpperCase() as Cond['op']);
    const raw = op === 'IN' ? splitTop(cm[3].replace(/^\(|\)$/g, ''), ',') : [cm[3]];
    return { field: cm[1], op, values: raw.map(literal) };
  });
  return rows.filter((r) =>
    conds.every((c) => {
      const v = value(r, c.field);
      const eq = (x: unknown): boolean =>
        typeof v === 'string' && typeof x === 'string' ? v.toLowerCase() === x.toLowerCase() : v === x || (v == null && x === null);
      switch (c.op) {
        case '=':
          return eq(c.values[0]);
        case '!=':
          return !eq(c.values[0]);
        case 'IN':
          return c.values.some(eq);
        case 'LIKE': {
          const re = new RegExp(`^${String(c.values[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
          return typeof v === 'string' && re.test(v);
        }
        default:
          return false;
      }
    })
  );
}

function literal(s: string): unknown {
  const t = s.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^null$/i.test(t)) return null;
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Split on a separator outside quotes and parentheses. */
function splitTop(s: string, sep: string | RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && quoted) {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0) {
      const rest = s.slice(i);
      const mm = typeof sep === 'string' ? (rest.startsWith(sep) ? [sep] : null) : new RegExp(`^(?:${sep.source})`, 'i').exec(rest);
      if (mm) {
        out.push(cur);
        cur = '';
        i += mm[0].length - 1;
        continue;
      }
    }
    cur += ch;
  }
  out.push(cur);
  return out.filter((x) => x.trim() !== '');
}

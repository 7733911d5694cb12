/**
 * The REST API of the data and Tooling endpoints (/services/data/vXX.X/...): versions, resources, SOQL query,
 * sObject records (read; create and delete of PermissionSetAssignment), Tooling executeAnonymous and ApexLog bodies.
 * Connect's named-credentials resources are in connect.ts.
 */
import type { EmulatorContext } from './context.js';
import { runAnonymous } from './executeAnonymous.js';
import { type Exchange, json, notFound, text } from './http.js';
import { newId } from './registry.js';
import { sobjects } from './sobjects.js';
import { runSoql, SoqlError } from './soql.js';

/** GET /services/data: every API version from 31.0 to the org's newest. */
export function versions(emu: EmulatorContext, x: Exchange): void {
  const newest = Math.round(Number(emu.apiVersion));
  const out = [];
  for (let v = 31; v <= newest; v++) out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  json(x.res, 200, out);
}

export function resources(emu: EmulatorContext, x: Exchange, v: string): void {
  const base = `/services/data/v${v}`;
  json(x.res, 200, {
    tooling: `${base}/tooling`, metadata: `${base}/metadata`, query: `${base}/query`, sobjects: `${base}/sobjects`,
    'named-credentials': `${base}/named-credentials`, identity: `${emu.instanceUrl}/id/${emu.org.orgId}/${emu.org.adminUser.id}`,
  });
}

/** SOQL over REST (data or Tooling API); Tooling answers with its own envelope. */
export function query(emu: EmulatorContext, x: Exchange, v: string, tooling: boolean): void {
  const q = x.url.searchParams.get('q') ?? '';
  try {
    const result = runSoql(q, sobjects(emu, tooling), (type, id) => `/services/data/v${v}/${tooling ? 'tooling/' : ''}sobjects/${type}/${id}`);
    json(x.res, 200, tooling ? { size: result.totalSize, totalSize: result.totalSize, done: true, queryLocator: null, entityTypeName: null, records: result.records } : result);
  } catch (e) {
    if (e instanceof SoqlError) return json(x.res, 400, [{ message: e.message, errorCode: e.errorCode }]);
    throw e;
  }
}

export function retrieveRecord(emu: EmulatorContext, x: Exchange, type: string, id: string, v: string): void {
  const def = Object.entries(sobjects(emu, false)).find(([k]) => k.toLowerCase() === type.toLowerCase());
  const rec = def?.[1].rows().find((r) => r.Id === id || r.Id.slice(0, 15) === id.slice(0, 15));
  if (!def || !rec) return notFound(x.res);
  const { __type, ...fields } = rec;
  json(x.res, 200, { attributes: { type: __type, url: `/services/data/v${v}/sobjects/${__type}/${rec.Id}` }, ...fields });
}

/** POST sobjects/<type>: the emulator creates only PermissionSetAssignment records, with the org's checks. */
export function createRecord(emu: EmulatorContext, x: Exchange, type: string): void {
  if (type !== 'PermissionSetAssignment') {
    return json(x.res, 404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist (the emulator creates only PermissionSetAssignment records)` }]);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(x.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return json(x.res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected character in request body' }]);
  }
  const assigneeId = String(body.AssigneeId ?? '');
  const permissionSetId = String(body.PermissionSetId ?? '');
  const same = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);
  const user = emu.org.users.find((u) => same(u.id, assigneeId));
  const ps = emu.org.list('PermissionSet').find((p) => same(p.id, permissionSetId));
  if (!assigneeId || !permissionSetId) {
    return json(x.res, 400, [{ message: `Required fields are missing: [${!assigneeId ? 'AssigneeId' : 'PermissionSetId'}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: [!assigneeId ? 'AssigneeId' : 'PermissionSetId'] }]);
  }
  if (!user || !ps) {
    const f = !user ? 'AssigneeId' : 'PermissionSetId';
    return json(x.res, 400, [{ message: `invalid cross reference id`, errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: [f] }]);
  }
  const dup = emu.org.permissionSetAssignments.find((a) => a.assigneeId === user.id && a.permissionSetId === ps.id);
  if (dup) {
    return json(x.res, 400, [{ message: `Duplicate PermissionSetAssignment. Assignee: ${user.id.slice(0, 15)}; Permission Set: ${ps.id.slice(0, 15)}`, errorCode: 'DUPLICATE_VALUE', fields: [] }]);
  }
  const id = newId('0Pa');
  emu.org.permissionSetAssignments.push({ id, assigneeId: user.id, permissionSetId: ps.id });
  json(x.res, 201, { id, success: true, errors: [] });
}

export function deleteRecord(emu: EmulatorContext, x: Exchange, type: string, id: string): void {
  const list = emu.org.permissionSetAssignments;
  const i = type === 'PermissionSetAssignment' ? list.findIndex((a) => a.id === id) : -1;
  if (i < 0) return notFound(x.res);
  list.splice(i, 1);
  x.res.writeHead(204);
  x.res.end();
}

export async function restExecuteAnonymous(emu: EmulatorContext, x: Exchange, userId: string): Promise<void> {
  const r = await runAnonymous(emu, x.url.searchParams.get('anonymousBody') ?? '', userId);
  json(x.res, 200, r.result);
}

export function apexLogBody(emu: EmulatorContext, x: Exchange, id: string): void {
  const log = emu.org.logs.find((l) => l.id === id || l.id.slice(0, 15) === id.slice(0, 15));
  if (!log) return notFound(x.res);
  text(x.res, 200, 'text/plain', log.body);
}

/** 62.0 = Winter '25, 63.0 = Spring '25, 64.0 = Summer '25, ... */
export function releaseLabel(v: number): string {
  const k = v - 62;
  const season = ['Winter', 'Spring', 'Summer'][((k % 3) + 3) % 3];
  return `${season} '${25 + Math.floor(k / 3)}`;
}

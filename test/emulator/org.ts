/**
 * The emulated org's state and the in-process setup API tests use (users, existing metadata, org type,
 * outcomes of anonymous Apex and Apex tests, session expiry, fault injection, request log).
 */
import { randomBytes } from 'node:crypto';
import { metadataSchema } from './schema.js';
import { CHILD_TYPES, newId, TYPES } from './registry.js';
import { canonical, child, childrenNamed, childText, parseXml, XNode } from './xml.js';
import { parseApexClass } from './apex.js';
import { defaultResponder, type CalloutResponder } from './anonymousApex.js';
import { credentialStatus, type StoredCredentials } from './externalCredential.js';

import { FAULT_KINDS, type ApexOutcome, type FaultKind, type FaultSpec, type OrgType, type RequestLogEntry, type ApexLog, type StoredComponent, type TestOutcome, type User } from './orgTypes.js';

export { FAULT_KINDS };
export type { OrgType, User, StoredComponent, ApexOutcome, TestOutcome, FaultKind, FaultSpec, RequestLogEntry, ApexLog, Principal } from './orgTypes.js';

export class Org {
  public readonly orgId = newId('00D');
  public orgName = 'Emulated Org';
  public orgType: OrgType = 'production';
  public instanceName = 'EMU1';
  public readonly users: User[] = [];
  public readonly metadata = new Map<string, Map<string, StoredComponent>>();
  public readonly permissionSetAssignments: Array<{ id: string; assigneeId: string; permissionSetId: string }> = [];
  public readonly logs: ApexLog[] = [];
  public readonly requests: RequestLogEntry[] = [];
  public readonly faults = new Map<string, FaultSpec[]>();
  public readonly sessions = new Map<string, { userId: string; callsLeft?: number }>();
  public readonly refreshTokens = new Map<string, string>();
  /** external credential principals that completed the OAuth flow: key `${extCred}|${principal}` (lower case) */
  public readonly configuredPrincipals = new Set<string>();
  /** credentials set through Connect REST (named-credentials/credential), same keys; encrypted values included */
  public readonly principalCredentials = new Map<string, StoredCredentials>();
  private readonly nextActs = new Map<string, () => void>();
  /** access tokens the org fetched itself for native client-credentials principals, same keys */
  public readonly principalTokens = new Map<string, { accessToken: string; expiresAt: number }>();
  /** problems deploys report for components: key `${type}:${fullName}` (lower case) */
  public readonly rejections = new Map<string, string>();
  /** developer names (lower case) of the certificates in Setup > Certificate and Key Management; a new org has none */
  public readonly certificates = new Set<string>();
  /** code coverage per class name (lower case) in percent; default 100 */
  public readonly coverage = new Map<string, number>();
  private readonly apexQueue: ApexOutcome[] = [];
  private apexHandler?: (body: string) => ApexOutcome | undefined;
  private readonly testOutcomes = new Map<string, TestOutcome>();
  /** Answers the org's callouts through Named Credentials (the outside world). */
  public calloutResponder: CalloutResponder = defaultResponder;

  /**
   * Salesforce usernames are unique across all orgs, and sf's login cache relies on it (it keeps an org's type under
   * its username), so each emulated org gets its own admin username unless one is given.
   */
  public constructor(adminUsername = `admin@${this.orgId.toLowerCase()}.emulator.example.com`) {
    this.addUser({ username: adminUsername, name: 'Admin User' });
  }

  public get adminUser(): User {
    return this.users[0];
  }

  // ---------- setup API ----------

  public addUser(u: { username: string; name?: string; isActive?: boolean }): User {
    const user = { id: newId('005'), username: u.username, name: u.name ?? u.username.split('@')[0], isActive: u.isActive ?? true };
    this.users.push(user);
    return user;
  }

  public setOrgType(t: OrgType): void {
    this.orgType = t;
  }

  /**
   * Store a component as if it had been deployed earlier. `xml` is its metadata-format file content
   * (for ApexClass: the -meta.xml; pass the source as `source`). For CustomObject, fields are inline.
   */
  public addMetadata(type: string, fullName: string, xml: string, source?: string): StoredComponent {
    if (!TYPES[type]) throw new Error(`emulator: unsupported metadata type ${type}`);
    const tree = parseXml(xml);
    return this.store(type, fullName, tree, source);
  }

  /**
   * Queue outcomes for the next anonymous Apex runs (FIFO), or a handler that decides per source (undefined: not
   * scripted). Unscripted runs follow the emulator's model (anonymousApex.ts): callouts are checked and sent, and
   * everything else fails as not modeled by the emulator, which never invents a success. A scripted outcome is the
   * test's (or the demo's) own statement of what the org would answer: say so wherever a user sees it.
   */
  public setApexOutcome(outcome: ApexOutcome | ((body: string) => ApexOutcome | undefined)): void {
    if (typeof outcome === 'function') this.apexHandler = outcome;
    else this.apexQueue.push(outcome);
  }

  /** Outcome of one test method (`Class.method`) or of every method of a class (`Class`). Default: pass. */
  public setTestOutcome(testName: string, outcome: TestOutcome): void {
    this.testOutcomes.set(testName.toLowerCase(), outcome);
  }

  /**
   * Deploys fail this component with this problem, as Salesforce does for rules the emulator does not model (a
   * duplicate label, a missing license), and so do its deletion (deleteMetadata, destructive changes): a test stops
   * a removal half-way with it. `undefined` lifts it.
   */
  public rejectComponent(type: string, fullName: string, problem: string | undefined): void {
    const key = `${type}:${fullName}`.toLowerCase();
    if (problem === undefined) this.rejections.delete(key);
    else this.rejections.set(key, problem);
  }

  /**
   * A certificate in the org's Certificate and Key Management, as an admin creates or imports it there. Certificates
   * are not deployable metadata here, so deploys that name one (an External Credential's SigningCertificate) need
   * this first.
   */
  public addCertificate(name: string): void {
    this.certificates.add(name.toLowerCase());
  }

  public hasCertificate(name: string): boolean {
    return this.certificates.has(name.toLowerCase());
  }

  public setCoverage(className: string, percent: number): void {
    this.coverage.set(className.toLowerCase(), percent);
  }

  /** The current (and any later issued) session becomes invalid after `calls` more authenticated calls. */
  public expireSessionAfter(calls: number, token?: string): void {
    for (const [t, s] of this.sessions) if (!token || t === token) s.callsLeft = calls;
  }

  /** Operations whose next arrival expires every session first, so that very request is refused with a 401. */
  public readonly sessionExpiries = new Set<string>();

  public expireSessionsOn(operation: string): void {
    this.sessionExpiries.add(operation);
  }

  public injectFault(operation: string, status: number | FaultKind, count = 1): void {
    const list = this.faults.get(operation) ?? [];
    list.push({ status, remaining: count });
    this.faults.set(operation, list);
  }

  public newSession(userId = this.adminUser.id): { accessToken: string; refreshToken: string } {
    const accessToken = `${this.orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    this.sessions.set(accessToken, { userId });
    const refreshToken = `5Aep${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, userId);
    return { accessToken, refreshToken };
  }

  /**
   * A test control: `act` runs once, just before the org handles the next request of `operation`, as another client
   * acting between two requests of the one under test would (it models no Salesforce rule).
   */
  public beforeNext(operation: string, act: () => void): void {
    this.nextActs.set(operation, act);
  }

  public callCount(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  // ---------- internal model ----------

  public takeFault(operation: string): FaultSpec | undefined {
    const act = this.nextActs.get(operation);
    this.nextActs.delete(operation);
    act?.();
    const list = this.faults.get(operation);
    const f = list?.[0];
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) list.shift();
    return f;
  }

  /** Where the org's own outbound requests (token fetches) go: origin -> origin, as a test's DNS would send them. */
  private readonly outboundRoutes = new Map<string, string>();

  public routeOutbound(origin: string, to: string): void {
    this.outboundRoutes.set(new URL(origin).origin, new URL(to).origin);
  }

  /** The URL a request of the org really goes to: the same path on the routed origin, if any. */
  public outboundUrl(url: string): string {
    try {
      const parsed = new URL(url);
      const to = this.outboundRoutes.get(parsed.origin);
      return to ? `${to}${parsed.pathname}${parsed.search}` : url;
    } catch {
      return url;
    }
  }

  public setCalloutResponder(responder: CalloutResponder): void {
    this.calloutResponder = responder;
  }

  public scriptedApexOutcome(body: string): ApexOutcome | undefined {
    return this.apexQueue.shift() ?? this.apexHandler?.(body);
  }

  public testOutcome(className: string, method: string): TestOutcome {
    return (
      this.testOutcomes.get(`${className}.${method}`.toLowerCase()) ??
      this.testOutcomes.get(className.toLowerCase()) ?? { pass: true }
    );
  }

  public get(type: string, fullName: string): StoredComponent | undefined {
    if (CHILD_TYPES[type]) {
      const [obj, field] = fullName.split('.');
      const parent = this.get(CHILD_TYPES[type].parent, obj);
      const f = childrenNamed(parent?.tree, CHILD_TYPES[type].element).find((c) => childText(c, 'fullName')?.toLowerCase() === field?.toLowerCase());
      return parent && f ? { ...parent, type, fullName: `${parent.fullName}.${childText(f, 'fullName')}`, tree: f } : undefined;
    }
    return this.metadata.get(type)?.get(fullName.toLowerCase());
  }

  public list(type: string): StoredComponent[] {
    if (CHILD_TYPES[type]) {
      return this.list(CHILD_TYPES[type].parent).flatMap((p) =>
        childrenNamed(p.tree, CHILD_TYPES[type].element).map((f) => this.get(type, `${p.fullName}.${childText(f, 'fullName')}`)!)
      );
    }
    return [...(this.metadata.get(type)?.values() ?? [])];
  }

  public store(type: string, fullName: string, tree: XNode, source?: string, id?: string): StoredComponent {
    const now = new Date().toISOString();
    const existing = this.get(type, fullName);
    const normalized: XNode = { ...tree, name: type };
    const comp: StoredComponent = {
      type,
      fullName: existing?.fullName ?? fullName,
      id: existing?.id ?? id ?? newId(TYPES[type].idPrefix),
      tree: normalized,
      source,
      createdDate: existing?.createdDate ?? now,
      lastModifiedDate: now,
    };
    if (type === 'CustomObject') {
      // give inline fields stable ids (kept in a private attribute, never serialised)
      for (const f of childrenNamed(normalized, 'fields')) {
        const old = existing && childrenNamed(existing.tree, 'fields').find((o) => childText(o, 'fullName') === childText(f, 'fullName'));
        f.attrs['emu:id'] = old?.attrs['emu:id'] ?? newId(CHILD_TYPES.CustomField.idPrefix);
      }
    }
    let byName = this.metadata.get(type);
    if (!byName) this.metadata.set(type, (byName = new Map()));
    byName.set(fullName.toLowerCase(), comp);
    if (type === 'ExternalCredential') {
      // a changed token endpoint or scope needs new tokens; principals that are gone lose their credentials
      const principals = new Set(this.principalsOf(fullName).map((p) => p.name.toLowerCase()));
      this.forgetPrincipals(fullName, () => true, [this.principalTokens]);
      this.forgetPrincipals(fullName, (principal) => !principals.has(principal));
    }
    return comp;
  }

  public remove(type: string, fullName: string): boolean {
    const removed = this.metadata.get(type)?.delete(fullName.toLowerCase()) ?? false;
    // an External Credential takes its principals' credentials and tokens with it
    if (removed && type === 'ExternalCredential') this.forgetPrincipals(fullName, () => true);
    return removed;
  }

  /** Drops the stored credentials and tokens of the External Credential's principals that `drop` selects. */
  private forgetPrincipals(extCred: string, drop: (principal: string) => boolean, maps: Array<Map<string, unknown>> = [this.principalCredentials, this.principalTokens]): void {
    const prefix = `${extCred}|`.toLowerCase();
    for (const map of maps) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix) && drop(key.slice(prefix.length))) map.delete(key);
    }
  }

  public principalKey(extCred: string, principal: string): string {
    return `${extCred}|${principal}`.toLowerCase();
  }

  /** Configured after the browser flow (Auth. Provider) or once Connect REST set every required credential. */
  public principalStatus(extCred: string, principal: string): 'Configured' | 'NotConfigured' | 'Unknown' {
    const key = this.principalKey(extCred, principal);
    if (this.configuredPrincipals.has(key)) return 'Configured';
    return credentialStatus(this.get('ExternalCredential', extCred)?.tree, this.principalCredentials.get(key));
  }

  public sameAsStored(type: string, fullName: string, tree: XNode, source?: string): boolean {
    const existing = this.get(type, fullName);
    if (!existing) return false;
    const strip = (n: XNode): XNode => ({ ...n, name: 'x', attrs: Object.fromEntries(Object.entries(n.attrs).filter(([k]) => k.startsWith('xsi:'))), children: n.children.map(strip) });
    return canonical(strip(existing.tree)) === canonical(strip(tree)) && (existing.source ?? '') === (source ?? '');
  }

  /** Info about an Apex class in the org (for plugin/test-class checks). */
  public apexClass(name: string): { source: string; info: ReturnType<typeof parseApexClass> } | undefined {
    const c = this.get('ApexClass', name);
    return c?.source !== undefined ? { source: c.source, info: parseApexClass(c.source) } : undefined;
  }

  public userByUsername(username: string): User | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  /** Principals (NamedPrincipal / PerUserPrincipal parameters) of a stored External Credential. */
  public principalsOf(extCred: string): Array<{ name: string; type: string; sequenceNumber: number }> {
    const c = this.get('ExternalCredential', extCred);
    return childrenNamed(c?.tree, 'externalCredentialParameters')
      .filter((p) => ['NamedPrincipal', 'PerUserPrincipal'].includes(childText(p, 'parameterType') ?? ''))
      .map((p) => ({
        name: childText(p, 'parameterName') ?? '',
        type: childText(p, 'parameterType') ?? '',
        sequenceNumber: Number(childText(p, 'sequenceNumber') ?? 1),
      }));
  }

  public schema = metadataSchema();
  public childOf = child;
}

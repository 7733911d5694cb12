/**
 * HTTP front of the emulated org: SOAP Metadata API (/services/Soap/m), Apex SOAP executeAnonymous
 * (/services/Soap/s), REST (versions, query, sobjects, Tooling executeAnonymous/ApexLog, Connect named-credentials),
 * OAuth (userinfo, refresh_token grant), frontdoor.jsp and the Auth. Provider callback.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { containsApex, DeployJob, DeployMessage, DeployOptions, readZip, runDeploy } from './deploy.js';
import { FaultSpec, Org, OrgType, RequestLogEntry, StoredComponent } from './org.js';
import { parseAnonymousApex } from './apex.js';
import { debugLog, runAnonymousModel, unknownType } from './anonymousApex.js';
import { referencedMessage, referencesTo } from './references.js';
import { connectProtocol, externalCredentialProblems, protocolVariant } from './externalCredential.js';
import { providerValueProblems } from './providerRules.js';
import { type ConnectReply, deleteCredential, getCredential, saveCredential } from './credentials.js';
import { CHILD_TYPES, fileNameOf, newId, TYPES } from './registry.js';
import { advanceRetrieve, newRetrieveJob, parseRetrieveRequest, requestFault, RetrieveJob, retrieveResultXml } from './retrieve.js';
import { runSoql, SObjectDef, SoqlError, SRecord } from './soql.js';
import { sortBySchema, validateElement } from './validate.js';
import { child, childrenNamed, childText, el, esc, parseXml, serialize, XNode, xsiType } from './xml.js';

export type EmulatorOptions = {
  port?: number;
  host?: string;
  apiVersion?: string;
  latencyMs?: number;
  orgType?: OrgType;
  username?: string;
  /** minimum server-side duration of a deploy */
  deployMs?: number;
  /** checkDeployStatus polls that answer Queued (Pending), then InProgress */
  queuedPolls?: number;
  inProgressPolls?: number;
  /** the initial session expires after this many authenticated calls */
  sessionCalls?: number;
};

const SOAP_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const ENV_OPEN =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">';

type Ctx = { req: IncomingMessage; res: ServerResponse; url: URL; body: Buffer; operation: string };

export class EmulatorServer {
  public readonly org: Org;
  public instanceUrl = '';
  public readonly deploys = new Map<string, DeployJob>();
  public readonly retrieves = new Map<string, RetrieveJob>();
  private server?: Server;
  private readonly pendingAuth = new Map<string, { externalCredential: string; principalName: string; returnUrl: string }>();
  /** one-time frontdoor passwords issued by /services/oauth2/singleaccess: otp -> session token */
  private readonly oneTimePasswords = new Map<string, string>();

  public constructor(public readonly opts: EmulatorOptions) {
    this.org = new Org(opts.username);
    if (opts.orgType) this.org.setOrgType(opts.orgType);
  }

  public get apiVersion(): string {
    return this.opts.apiVersion ?? '64.0';
  }

  public async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((e: Error) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`emulator error: ${e.stack ?? e.message}`);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve));
    const addr = this.server.address() as AddressInfo;
    this.instanceUrl = `http://${this.opts.host ?? '127.0.0.1'}:${addr.port}`;
  }

  public async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---------------------------------------------------------------- dispatch

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ctx: Ctx = { req, res, url, body, operation: 'unknown' };
    const route = this.route(ctx);
    ctx.operation = route.operation;
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, operation: route.operation, query: url.searchParams.get('q') ?? undefined, receivedAt: Date.now() };
    this.org.requests.push(entry);
    res.once('finish', () => (entry.respondedAt = Date.now()));
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      entry.status = status;
      return (origWriteHead as (...a: unknown[]) => ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    if (this.org.sessionExpiries.delete(route.operation)) this.org.expireSessionAfter(0);
    const fault = this.org.takeFault(route.operation);
    if (fault) return this.injectedFault(ctx, fault.status, route);
    await route.run();
  }

  /** An answer a network (or whatever sits on it) gives instead of the org's; see FaultKind. */
  private async injectedFault(ctx: Ctx, how: FaultSpec['status'], route: { kind: 'soap' | 'rest' | 'web'; run: () => Promise<void> | void }): Promise<void> {
    const { req, res } = ctx;
    const type = { soap: 'text/xml;charset=UTF-8', rest: 'application/json;charset=UTF-8', web: 'text/html;charset=UTF-8' }[route.kind];
    switch (how) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'silent':
        // Never answered: the connection stays open until the client gives up or the emulator stops.
        return;
      case 'garbage':
        return text(res, 200, type, '\u0000\u0007\u00ff<<not an answer>> {[');
      case 'html':
        return text(res, 200, 'text/html;charset=UTF-8', '<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in to continue.</p></body></html>');
      case 'empty':
        res.writeHead(204);
        res.end();
        return;
      case 'unrelated-json':
        return json(res, 200, { kind: 'health', ok: true, items: [] });
      case 'truncated': {
        // The operation runs; its answer promises its whole length, sends half, and the connection closes.
        res.end = ((chunk?: string | Buffer) => {
          const body = Buffer.from(chunk ?? '');
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
          return res;
        }) as typeof res.end;
        await route.run();
        return;
      }
      default:
        return this.injectedError(ctx, how, route.kind);
    }
  }

  private route(ctx: Ctx): { operation: string; kind: 'soap' | 'rest' | 'web'; run: () => Promise<void> | void } {
    const p = ctx.url.pathname;
    const method = ctx.req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if ((m = /^\/services\/Soap\/m\/(\d+\.\d)(?:\/[^/]+)?\/?$/.exec(p)) && method === 'POST') {
      const op = soapOperation(ctx.body);
      return { operation: op ?? 'soap', kind: 'soap', run: () => this.soapMetadata(ctx, m![1]) };
    }
    if ((m = /^\/services\/Soap\/s\/(\d+\.\d)(?:\/[^/]+)?\/?$/.exec(p)) && method === 'POST') {
      return { operation: 'executeAnonymous', kind: 'soap', run: () => this.soapApex(ctx) };
    }
    if (/^\/services\/data\/?$/.test(p)) return { operation: 'versions', kind: 'rest', run: () => this.versions(ctx) };
    if ((m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(p))) {
      const version = m[1];
      const rest = (m[2] ?? '/').replace(/\/$/, '') || '/';
      const r = this.restRoute(ctx, rest, method);
      return {
        operation: r.operation,
        kind: 'rest',
        run: () => {
          if (Number(version) > Number(this.apiVersion) || Number(version) < 20) {
            return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
          }
          const session = this.restAuth(ctx);
          if (!session) return;
          return r.run(session, version);
        },
      };
    }
    if (p === '/services/oauth2/userinfo') return { operation: 'userinfo', kind: 'rest', run: () => this.userinfo(ctx) };
    if (p === '/services/oauth2/token' && method === 'POST') return { operation: 'token', kind: 'rest', run: () => this.token(ctx) };
    if ((m = /^\/id\/([^/]+)\/([^/]+)\/?$/.exec(p))) return { operation: 'identity', kind: 'rest', run: () => this.userinfo(ctx) };
    if (p === '/services/oauth2/singleaccess') return { operation: 'singleaccess', kind: 'rest', run: () => this.singleAccess(ctx) };
    if (p === '/secur/frontdoor.jsp') return { operation: 'frontdoor', kind: 'web', run: () => this.frontdoor(ctx) };
    if ((m = /^\/services\/auth\/xds\/([^/]+)\/?$/.exec(p))) return { operation: 'authStart', kind: 'web', run: () => this.authStart(ctx) };
    if ((m = /^\/services\/authcallback\/(?:[^/]+\/)?([^/]+)\/?$/.exec(p))) {
      const name = decodeURIComponent(m[1]);
      return { operation: 'authcallback', kind: 'web', run: () => this.authCallback(ctx, name) };
    }
    return { operation: 'unknown', kind: 'web', run: () => text(ctx.res, 404, 'text/html', '<html><body>URL No Longer Exists</body></html>') };
  }

  private restRoute(ctx: Ctx, rest: string, method: string): { operation: string; run: (userId: string, version: string) => Promise<void> | void } {
    let m: RegExpExecArray | null;
    if (rest === '/') return { operation: 'resources', run: (_u, v) => this.resources(ctx, v) };
    if (rest === '/query' || rest === '/tooling/query') {
      const tooling = rest.startsWith('/tooling');
      return { operation: tooling ? 'toolingQuery' : 'query', run: (u, v) => this.query(ctx, v, tooling) };
    }
    if ((m = /^\/query\/([^/]+)$/.exec(rest))) return { operation: 'queryMore', run: () => json(ctx.res, 400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]) };
    if (rest === '/tooling/executeAnonymous') return { operation: 'executeAnonymous', run: (u) => this.restExecuteAnonymous(ctx, u) };
    if ((m = /^(?:\/tooling)?\/sobjects\/ApexLog\/([^/]+)\/Body$/.exec(rest))) {
      const id = m[1];
      return { operation: 'apexLogBody', run: () => this.apexLogBody(ctx, id) };
    }
    if ((m = /^\/sobjects\/(\w+)$/.exec(rest)) && method === 'POST') {
      const type = m[1];
      return { operation: 'create', run: () => this.createRecord(ctx, type) };
    }
    if ((m = /^\/sobjects\/(\w+)\/([^/]+)$/.exec(rest))) {
      const [type, id] = [m[1], m[2]];
      if (method === 'DELETE') return { operation: 'delete', run: () => this.deleteRecord(ctx, type, id) };
      return { operation: 'retrieveRecord', run: (_u, v) => this.retrieveRecord(ctx, type, id, v) };
    }
    if ((m = /^\/named-credentials\/external-credentials\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const name = decodeURIComponent(m[1]);
      return { operation: 'getExternalCredential', run: (_u, v) => this.getExternalCredential(ctx, name, v) };
    }
    if (rest === '/named-credentials/credential') {
      const operation = ({ GET: 'getCredential', POST: 'createCredential', PUT: 'updateCredential', DELETE: 'deleteCredential' } as Record<string, string>)[method];
      if (!operation) return { operation: 'unknown', run: () => json(ctx.res, 405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${method}' not allowed. Allowed are GET,POST,PUT,DELETE` }]) };
      return { operation, run: (_u, v) => this.credential(ctx, method, v) };
    }
    if (rest === '/named-credentials/credential/auth-url/o-auth' && method === 'POST') {
      return { operation: 'getOAuthUrl', run: () => this.oauthUrl(ctx) };
    }
    return { operation: 'unknown', run: () => json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]) };
  }

  private injectedError(ctx: Ctx, status: number, kind: 'soap' | 'rest' | 'web'): void {
    if (kind === 'soap' && status === 500) {
      return soapFault(ctx.res, 'sf:UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)');
    }
    if (kind === 'rest') {
      return json(ctx.res, status, [{ errorCode: status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred (emulated HTTP ${status})` }]);
    }
    return text(ctx.res, status, 'text/html', `<html><body>Emulated HTTP ${status}</body></html>`);
  }

  // ---------------------------------------------------------------- sessions

  /** Validates a token and counts the call against a session set to expire. */
  private session(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const s = this.org.sessions.get(token);
    if (!s) return undefined;
    if (s.callsLeft !== undefined) {
      if (s.callsLeft <= 0) {
        this.org.sessions.delete(token);
        return undefined;
      }
      s.callsLeft -= 1;
    }
    return s.userId;
  }

  private restAuth(ctx: Ctx): string | undefined {
    const h = ctx.req.headers.authorization ?? '';
    const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h)?.[1];
    const userId = this.session(token);
    if (!userId) {
      json(ctx.res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      return undefined;
    }
    return userId;
  }

  // ---------------------------------------------------------------- SOAP Metadata API

  private async soapMetadata(ctx: Ctx, version: string): Promise<void> {
    let env: XNode;
    try {
      env = parseXml(ctx.body.toString('utf8'));
    } catch (e) {
      return soapFault(ctx.res, 'soapenv:Client', `Unable to parse the request: ${(e as Error).message}`);
    }
    const header = child(env, 'Header');
    const token = childText(child(header, 'SessionHeader'), 'sessionId');
    const bodyEl = child(env, 'Body');
    const op = bodyEl?.children[0];
    if (!op) return soapFault(ctx.res, 'soapenv:Client', 'No operation found in the SOAP Body');
    const userId = this.session(token);
    if (!userId) {
      return soapFault(ctx.res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
    }
    const respond = (inner: string): void => text(ctx.res, 200, 'text/xml;charset=UTF-8', `${SOAP_HEAD}${ENV_OPEN}<soapenv:Body><${op.name}Response>${inner}</${op.name}Response></soapenv:Body></soapenv:Envelope>`);
    switch (op.name) {
      case 'deploy':
        return this.deploy(ctx, op, userId, respond);
      case 'checkDeployStatus': {
        const id = childText(op, 'asyncProcessId') ?? '';
        const job = this.deploys.get(id) ?? this.deploys.get(id.slice(0, 15));
        if (!job) return soapFault(ctx.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
        this.advance(job);
        const details = ['true', '1'].includes(childText(op, 'includeDetails') ?? 'false');
        return respond(`<result>${this.deployResultXml(job, details)}</result>`);
      }
      case 'cancelDeploy': {
        const id = childText(op, 'String') ?? childText(op, 'id') ?? '';
        const job = this.deploys.get(id);
        if (!job) return soapFault(ctx.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
        if (job.status === 'Pending' || job.status === 'InProgress') {
          job.status = 'Canceled';
          job.completedDate = new Date().toISOString();
        }
        return respond(`<result>${el('done', true)}${el('id', job.id)}</result>`);
      }
      case 'readMetadata':
        return this.readMetadata(ctx, op, respond);
      case 'listMetadata':
        return this.listMetadata(op, respond);
      case 'upsertMetadata':
      case 'createMetadata':
      case 'updateMetadata':
        return this.upsertMetadata(ctx, op, respond);
      case 'deleteMetadata':
        return this.deleteMetadata(ctx, op, respond);
      case 'describeMetadata':
        return respond(this.describeMetadata(version));
      case 'retrieve': {
        const request = parseRetrieveRequest(op);
        const fault = requestFault(request);
        if (fault) return soapFault(ctx.res, fault.startsWith('INVALID_OPERATION') ? 'sf:INVALID_OPERATION' : 'soapenv:Client', fault);
        const job = newRetrieveJob(request);
        this.retrieves.set(job.id, job);
        return respond(`<result>${el('done', false)}${el('id', job.id)}${el('state', 'Queued')}</result>`);
      }
      case 'checkRetrieveStatus': {
        const id = childText(op, 'asyncProcessId') ?? '';
        const job = this.retrieves.get(id) ?? [...this.retrieves.values()].find((j) => j.id.slice(0, 15) === id.slice(0, 15));
        if (!job) return soapFault(ctx.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
        await advanceRetrieve(this.org, job, this.opts.queuedPolls ?? 1, this.opts.inProgressPolls ?? 1);
        return respond(`<result>${retrieveResultXml(this.org, job, !['false', '0'].includes(childText(op, 'includeZip') ?? 'true'))}</result>`);
      }
      default:
        return soapFault(ctx.res, 'sf:INVALID_OPERATION', `INVALID_OPERATION: the emulator does not implement ${op.name}`);
    }
  }

  private async deploy(ctx: Ctx, op: XNode, userId: string, respond: (s: string) => void): Promise<void> {
    const o = child(op, 'DeployOptions');
    const bool = (n: string, d: boolean): boolean => {
      const v = childText(o, n);
      return v === undefined ? d : v === 'true' || v === '1';
    };
    const options: DeployOptions = {
      checkOnly: bool('checkOnly', false),
      rollbackOnError: bool('rollbackOnError', true),
      singlePackage: bool('singlePackage', false),
      ignoreWarnings: bool('ignoreWarnings', false),
      testLevel: childText(o, 'testLevel'),
      runTests: childrenNamed(o, 'runTests').map((r) => r.text),
    };
    if (options.testLevel && !['NoTestRun', 'RunSpecifiedTests', 'RunLocalTests', 'RunAllTestsInOrg'].includes(options.testLevel)) {
      return soapFault(ctx.res, 'soapenv:Client', `'${options.testLevel}' is not a valid value for the enum 'TestLevel'`);
    }
    const { files, error } = await readZip(childText(op, 'ZipFile') ?? '');
    if (options.testLevel === 'NoTestRun' && this.org.orgType === 'production' && containsApex(files)) {
      return soapFault(ctx.res, 'sf:INVALID_OPERATION', 'INVALID_OPERATION: testLevel of NoTestRun cannot be used in production organizations');
    }
    if (options.testLevel === 'RunSpecifiedTests' && options.runTests.length === 0) {
      return soapFault(ctx.res, 'sf:INVALID_OPERATION', 'INVALID_OPERATION: No test classes were specified for the RunSpecifiedTests test level');
    }
    void userId;
    const job: DeployJob = {
      id: newId('0Af'),
      options,
      files,
      zipError: error,
      createdDate: new Date().toISOString(),
      polls: 0,
      status: 'Pending',
      messages: [],
      testsTotal: 0,
      componentsTotal: 0,
    };
    this.deploys.set(job.id, job);
    if (this.toHold > 0) {
      this.toHold -= 1;
      this.held.add(job.id);
    }
    respond(`<result>${el('done', false)}${el('id', job.id)}${el('state', 'Queued')}</result>`);
  }

  private toHold = 0;
  private readonly held = new Set<string>();

  public holdDeploys(count: number): void {
    this.toHold = count;
  }

  public releaseDeploys(): void {
    this.toHold = 0;
    this.held.clear();
  }

  /** One poll: Queued for `queuedPolls` polls, InProgress for `inProgressPolls` more and at least `deployMs`, then done. */
  private advance(job: DeployJob): void {
    if (!['Pending', 'InProgress'].includes(job.status)) return;
    const previousPoll = job.lastPolledAt ?? Date.parse(job.createdDate);
    job.polls += 1;
    job.lastPolledAt = Date.now();
    const queued = this.opts.queuedPolls ?? 1;
    const inProgress = this.opts.inProgressPolls ?? 1;
    const readyAt = Date.parse(job.createdDate) + (this.opts.deployMs ?? 0);
    if (job.polls <= queued) return;
    // It left the queue once the last poll that saw it queued was answered.
    job.startDate ??= new Date(previousPoll).toISOString();
    if (job.polls <= queued + inProgress || Date.now() < readyAt || this.held.has(job.id)) {
      job.status = 'InProgress';
      return;
    }
    runDeploy(this.org, job, Number(this.apiVersion));
    // A real deploy finishes on its own, polled or not: it was done once its duration had passed and the polls it
    // had to stay in progress for had been answered, which may be well before this poll asked.
    job.completedDate = new Date(Math.max(readyAt, previousPoll)).toISOString();
  }

  private deployResultXml(job: DeployJob, includeDetails: boolean): string {
    const done = !['Pending', 'InProgress'].includes(job.status);
    const failures = job.messages.filter((m) => !m.success);
    const successes = job.messages.filter((m) => m.success);
    const t = job.tests;
    const runTestResult =
      '<runTestResult>' +
      (t?.codeCoverage.map((c) => `<codeCoverage>${el('id', c.id)}${el('name', c.name)}<namespace xsi:nil="true"/>${el('numLocations', c.numLocations)}${el('numLocationsNotCovered', c.numLocationsNotCovered)}${el('type', 'Class')}</codeCoverage>`).join('') ?? '') +
      (t?.codeCoverageWarnings.map((w) => `<codeCoverageWarnings>${el('id', w.id)}${el('message', w.message)}${w.name === null ? '<name xsi:nil="true"/>' : el('name', w.name)}<namespace xsi:nil="true"/></codeCoverageWarnings>`).join('') ?? '') +
      (t?.failures.map((f) => `<failures>${el('id', f.id)}${el('message', f.message)}${el('methodName', f.methodName)}${el('name', f.name)}<namespace xsi:nil="true"/>${el('packageName', f.name)}${el('stackTrace', f.stackTrace)}${el('time', f.time.toFixed(1))}${el('type', 'Class')}</failures>`).join('') ?? '') +
      el('numFailures', t?.failures.length ?? 0) +
      el('numTestsRun', (t?.failures.length ?? 0) + (t?.successes.length ?? 0)) +
      (t?.successes.map((s) => `<successes>${el('id', s.id)}${el('methodName', s.methodName)}${el('name', s.name)}<namespace xsi:nil="true"/>${el('time', s.time.toFixed(1))}</successes>`).join('') ?? '') +
      el('totalTime', (t?.totalTime ?? 0).toFixed(1)) +
      '</runTestResult>';
    const details = includeDetails && done
      ? `<details>${failures.map((m) => `<componentFailures>${deployMessageXml(m)}</componentFailures>`).join('')}${successes.map((m) => `<componentSuccesses>${deployMessageXml(m)}</componentSuccesses>`).join('')}${runTestResult}</details>`
      : `<details>${runTestResult}</details>`;
    const componentErrors = failures.filter((m) => m.componentType !== '' || m.fullName !== 'package.xml').length;
    const admin = this.org.adminUser;
    const status = job.status;
    const success = status === 'Succeeded';
    return (
      el('checkOnly', job.options.checkOnly) +
      (job.completedDate ? el('completedDate', job.completedDate) : '') +
      el('createdBy', admin.id.slice(0, 15)) +
      el('createdByName', admin.name) +
      el('createdDate', job.createdDate) +
      details +
      el('done', done) +
      (job.errorMessage ? el('errorMessage', job.errorMessage) : '') +
      (job.errorStatusCode ? el('errorStatusCode', job.errorStatusCode) : '') +
      el('id', job.id) +
      el('ignoreWarnings', job.options.ignoreWarnings) +
      el('lastModifiedDate', job.completedDate ?? job.startDate ?? job.createdDate) +
      el('numberComponentErrors', done ? componentErrors : 0) +
      el('numberComponentsDeployed', done ? successes.filter((m) => m.fullName !== 'package.xml' || m.componentType !== '').length : 0) +
      el('numberComponentsTotal', job.componentsTotal) +
      el('numberTestErrors', t?.failures.length ?? 0) +
      el('numberTestsCompleted', done ? t?.successes.length ?? 0 : 0) +
      el('numberTestsTotal', job.testsTotal) +
      el('rollbackOnError', job.options.rollbackOnError) +
      el('runTestsEnabled', Boolean(t)) +
      (job.startDate ? el('startDate', job.startDate) : '') +
      (status === 'InProgress' ? el('stateDetail', 'Processing Type: ApexClass') : '') +
      el('status', status) +
      el('success', success)
    );
  }

  private readMetadata(ctx: Ctx, op: XNode, respond: (s: string) => void): void {
    const type = childText(op, 'type') ?? '';
    if (!TYPES[type] && !CHILD_TYPES[type]) {
      return soapFault(ctx.res, 'sf:INVALID_TYPE', `INVALID_TYPE: Unknown type name '${type}' specified in readMetadata`);
    }
    const records = childrenNamed(op, 'fullNames').map((n) => {
      const c = this.org.get(type, n.text);
      return c ? this.metadataRecordXml(c) : '<records xsi:nil="true"/>';
    });
    respond(`<result>${records.join('')}</result>`);
  }

  /** A stored component as a Metadata API object: fullName first, then its elements in schema order. */
  private metadataRecordXml(c: StoredComponent): string {
    const fields = c.tree.children.filter((x) => x.name !== 'fullName');
    let inner = el('fullName', c.fullName);
    if (c.type === 'ApexClass') inner += el('content', Buffer.from(c.source ?? '', 'utf8').toString('base64'));
    inner += fields.map((f) => serialize(f)).join('');
    return `<records xsi:type="${c.type}">${inner}</records>`;
  }

  private listMetadata(op: XNode, respond: (s: string) => void): void {
    const out: string[] = [];
    for (const q of childrenNamed(op, 'queries')) {
      const type = childText(q, 'type') ?? '';
      if (!TYPES[type] && !CHILD_TYPES[type]) continue;
      for (const c of this.org.list(type)) {
        const admin = this.org.adminUser;
        const id = c.type === 'CustomField' ? c.tree.attrs['emu:id'] ?? c.id : c.id;
        out.push(
          `<result>${el('createdById', admin.id)}${el('createdByName', admin.name)}${el('createdDate', c.createdDate)}${el('fileName', fileNameOf(type, c.fullName))}${el('fullName', c.fullName)}${el('id', id)}${el('lastModifiedById', admin.id)}${el('lastModifiedByName', admin.name)}${el('lastModifiedDate', c.lastModifiedDate)}${el('manageableState', 'unmanaged')}${el('type', type)}</result>`
        );
      }
    }
    respond(out.join(''));
  }

  private upsertMetadata(ctx: Ctx, op: XNode, respond: (s: string) => void): void {
    const results: string[] = [];
    for (const md of childrenNamed(op, 'metadata')) {
      const type = xsiType(md) ?? '';
      const fullName = childText(md, 'fullName') ?? '';
      const existing = TYPES[type] ? this.org.get(type, fullName) : undefined;
      const errors: Array<{ message: string; statusCode: string; fields?: string }> = [];
      if (!TYPES[type] || type === 'ApexClass') {
        return soapFault(ctx.res, 'soapenv:Client', `INVALID_TYPE: Cannot create or update metadata of type ${type || '(no xsi:type)'} with this call`);
      }
      // SOAP CRUD calls: element names, occurrences and enums are checked, order is not (the emulator re-sorts)
      const problems = validateElement(md, type, this.org.schema, { checkOrder: false });
      for (const p of problems) errors.push({ message: p.message, statusCode: p.message.startsWith('Required') ? 'REQUIRED_FIELD_MISSING' : 'FIELD_INTEGRITY_EXCEPTION' });
      if (!fullName) errors.push({ message: 'Required field is missing: fullName', statusCode: 'REQUIRED_FIELD_MISSING', fields: 'fullName' });
      const tree = sortBySchema({ ...md, children: md.children.filter((c) => c.name !== 'fullName') }, type, this.org.schema);
      if (errors.length === 0) errors.push(...this.crudCrossRefs(type, tree));
      if (op.name === 'createMetadata' && existing) errors.push({ message: `There is already a ${type} named ${fullName}.`, statusCode: 'DUPLICATE_DEVELOPER_NAME' });
      if (op.name === 'updateMetadata' && !existing) errors.push({ message: `In field: fullName - no ${type} named ${fullName} found`, statusCode: 'INVALID_CROSS_REFERENCE_KEY' });
      if (errors.length === 0) this.org.store(type, fullName, tree);
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
  private crudCrossRefs(type: string, t: XNode): Array<{ message: string; statusCode: string }> {
    const errs: Array<{ message: string; statusCode: string }> = [];
    const bad = (message: string): number => errs.push({ message, statusCode: 'FIELD_INTEGRITY_EXCEPTION' });
    for (const p of providerValueProblems(type, t)) bad(p.message);
    if (type === 'AuthProvider') {
      const plugin = childText(t, 'plugin');
      if (plugin && !this.org.apexClass(plugin)) bad(`In field: plugin - no ApexClass named ${plugin} found`);
      const u = childText(t, 'executionUser');
      if (u && !this.org.userByUsername(u)?.isActive) bad(`In field: executionUser - no User named ${u} found`);
    }
    if (type === 'NamedCredential') {
      const ap = childText(t, 'authProvider');
      if (ap && !this.org.get('AuthProvider', ap)) bad(`In field: authProvider - no AuthProvider named ${ap} found`);
    }
    if (type === 'ExternalCredential') {
      for (const p of childrenNamed(t, 'externalCredentialParameters')) {
        const ap = childText(p, 'authProvider');
        if (childText(p, 'parameterType') === 'AuthProvider' && (!ap || !this.org.get('AuthProvider', ap))) bad(`In field: authProvider - no AuthProvider named ${ap ?? ''} found`);
      }
      for (const p of externalCredentialProblems(t)) bad(p.message);
    }
    return errs;
  }

  private deleteMetadata(ctx: Ctx, op: XNode, respond: (s: string) => void): void {
    const type = childText(op, 'type') ?? '';
    if (type === 'ApexClass') {
      return soapFault(ctx.res, 'sf:INVALID_TYPE', 'INVALID_TYPE: This type of object is not available for this organization');
    }
    const out = childrenNamed(op, 'fullNames').map((n) => {
      const refs = TYPES[type] && this.org.get(type, n.text) ? referencesTo(this.org, type, n.text) : [];
      const rejected = this.org.rejections.get(`${type}:${n.text}`.toLowerCase());
      const error = refs.length > 0
        ? { message: referencedMessage(type, refs), statusCode: 'DELETE_FAILED' }
        : rejected !== undefined && this.org.get(type, n.text)
          ? { message: rejected, statusCode: 'DELETE_FAILED' }
        : !TYPES[type] || !this.org.remove(type, n.text)
          ? { message: `no ${type} named ${n.text} found`, statusCode: 'INVALID_CROSS_REFERENCE_KEY' }
          : undefined;
      const err = error ? `<errors>${el('message', error.message)}${el('statusCode', error.statusCode)}</errors>` : '';
      return `<result>${err}${el('fullName', n.text)}${el('success', !error)}</result>`;
    });
    respond(out.join(''));
  }

  private describeMetadata(_version: string): string {
    const objs = Object.entries(TYPES).map(([name, t]) => {
      const childNames = Object.entries(CHILD_TYPES).filter(([, c]) => c.parent === name).map(([n]) => el('childXmlNames', n)).join('');
      return `<metadataObjects>${childNames}${el('directoryName', t.dir)}${el('inFolder', false)}${el('metaFile', t.metaFile)}${el('suffix', t.suffix)}${el('xmlName', name)}</metadataObjects>`;
    });
    return `<result>${objs.join('')}${el('organizationNamespace', '')}${el('partialSaveAllowed', true)}${el('testRequired', this.org.orgType === 'production')}</result>`;
  }

  // ---------------------------------------------------------------- Apex SOAP

  private async soapApex(ctx: Ctx): Promise<void> {
    let env: XNode;
    try {
      env = parseXml(ctx.body.toString('utf8'));
    } catch (e) {
      return soapFault(ctx.res, 'soapenv:Client', `Unable to parse the request: ${(e as Error).message}`, 'http://soap.sforce.com/2006/08/apex');
    }
    const token = childText(child(child(env, 'Header'), 'SessionHeader'), 'sessionId');
    const userId = this.session(token);
    if (!userId) return soapFault(ctx.res, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session', 'http://soap.sforce.com/2006/08/apex');
    const op = child(env, 'Body')?.children[0];
    if (op?.name !== 'executeAnonymous') return soapFault(ctx.res, 'sf:INVALID_OPERATION', `INVALID_OPERATION: ${op?.name ?? ''}`, 'http://soap.sforce.com/2006/08/apex');
    // Salesforce returns the run's log in the reply when the request carries a DebuggingHeader.
    const r = await this.runAnonymous(childText(op, 'String') ?? '', userId, child(child(env, 'Header'), 'DebuggingHeader') !== undefined);
    const nil = (n: string, v: string | null): string => (v === null ? `<${n} xsi:nil="true"/>` : el(n, v));
    const header = r.log !== undefined ? `<soapenv:Header><DebuggingInfo>${el('debugLog', r.log)}</DebuggingInfo></soapenv:Header>` : '';
    text(
      ctx.res,
      200,
      'text/xml;charset=UTF-8',
      `${SOAP_HEAD}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/08/apex" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${header}<soapenv:Body><executeAnonymousResponse><result>${el('column', r.result.column)}${nil('compileProblem', r.result.compileProblem)}${el('compiled', r.result.compiled)}${nil('exceptionMessage', r.result.exceptionMessage)}${nil('exceptionStackTrace', r.result.exceptionStackTrace)}${el('line', r.result.line)}${el('success', r.result.success)}</result></executeAnonymousResponse></soapenv:Body></soapenv:Envelope>`
    );
  }

  private async runAnonymous(bodyText: string, userId: string, wantLog = false): Promise<{
    result: { line: number; column: number; compiled: boolean; success: boolean; compileProblem: string | null; exceptionStackTrace: string | null; exceptionMessage: string | null };
    log?: string;
  }> {
    const compileError = parseAnonymousApex(bodyText)[0] ?? unknownType(this.org, bodyText);
    if (compileError) {
      return { result: { line: compileError.line, column: compileError.column, compiled: false, success: false, compileProblem: compileError.message, exceptionStackTrace: null, exceptionMessage: null } };
    }
    const run = await runAnonymousModel(this.org, bodyText, userId, this.org.calloutResponder);
    const o = run.outcome;
    const log = o.log ?? (wantLog ? debugLog(this.apiVersion, bodyText, run) : undefined);
    if (log !== undefined) {
      this.org.logs.push({ id: newId('07L'), body: log, startTime: new Date().toISOString(), operation: `/services/data/v${this.apiVersion}/tooling/executeAnonymous/`, status: o.success ? 'Success' : o.exceptionMessage, userId });
    }
    if (o.success) return { result: { line: -1, column: -1, compiled: true, success: true, compileProblem: null, exceptionStackTrace: null, exceptionMessage: null }, log };
    const pos = /line (\d+), column (\d+)/.exec(o.exceptionStackTrace);
    return {
      result: { line: pos ? Number(pos[1]) : -1, column: pos ? Number(pos[2]) : -1, compiled: true, success: false, compileProblem: null, exceptionStackTrace: o.exceptionStackTrace, exceptionMessage: o.exceptionMessage },
      log,
    };
  }

  // ---------------------------------------------------------------- REST

  private versions(ctx: Ctx): void {
    const newest = Math.round(Number(this.apiVersion));
    const out = [];
    for (let v = 31; v <= newest; v++) out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
    json(ctx.res, 200, out);
  }

  private resources(ctx: Ctx, v: string): void {
    const base = `/services/data/v${v}`;
    json(ctx.res, 200, {
      tooling: `${base}/tooling`, metadata: `${base}/metadata`, query: `${base}/query`, sobjects: `${base}/sobjects`,
      'named-credentials': `${base}/named-credentials`, identity: `${this.instanceUrl}/id/${this.org.orgId}/${this.org.adminUser.id}`,
    });
  }

  private sobjects(tooling: boolean): Record<string, SObjectDef> {
    const org = this.org;
    const users = (): SRecord[] => org.users.map((u) => ({ __type: 'User', Id: u.id, Username: u.username, Name: u.name, IsActive: u.isActive, Email: u.username }));
    const permsets = (): SRecord[] =>
      org.list('PermissionSet').map((p) => ({
        __type: 'PermissionSet', Id: p.id, Name: p.fullName, Label: childText(p.tree, 'label') ?? p.fullName, Description: childText(p.tree, 'description') ?? null, IsOwnedByProfile: false, NamespacePrefix: null,
      }));
    const apexClasses = (): SRecord[] => org.list('ApexClass').map((c) => ({ __type: 'ApexClass', Id: c.id, Name: c.fullName, Status: childText(c.tree, 'status') ?? 'Active', ApiVersion: Number(childText(c.tree, 'apiVersion') ?? 0), NamespacePrefix: null }));
    const common: Record<string, SObjectDef> = {
      ApexClass: { fields: ['Id', 'Name', 'Status', 'ApiVersion', 'NamespacePrefix'], rows: apexClasses },
    };
    if (tooling) {
      return {
        ...common,
        // The org's deploy queue. Fields as the Tooling API WSDL has them (forcedotcom/wsdl, @salesforce/types
        // tooling.d.ts: DeployRequest); Status takes the Metadata API's DeployStatus values (Pending, InProgress,
        // Succeeded, SucceededPartial, Failed, Canceling, Canceled). A job here moves on when it is polled (advance).
        DeployRequest: {
          fields: ['Id', 'Status', 'CheckOnly', 'CreatedDate', 'CreatedById', 'StartDate', 'CompletedDate', 'NumberComponentsTotal', 'ErrorMessage'],
          rows: () => [...this.deploys.values()].map((job) => ({
            __type: 'DeployRequest', Id: job.id, Status: job.status, CheckOnly: job.options.checkOnly, CreatedDate: job.createdDate, CreatedById: org.adminUser.id,
            StartDate: job.startDate ?? null, CompletedDate: job.completedDate ?? null, NumberComponentsTotal: job.componentsTotal, ErrorMessage: job.errorMessage ?? null,
          })),
        },
        ApexLog: {
          fields: ['Id', 'Application', 'DurationMilliseconds', 'Location', 'LogLength', 'LogUserId', 'Operation', 'Request', 'StartTime', 'Status'],
          rows: () => org.logs.map((l) => ({ __type: 'ApexLog', Id: l.id, Application: 'Unknown', DurationMilliseconds: 5, Location: 'Monitoring', LogLength: Buffer.byteLength(l.body), LogUserId: l.userId, Operation: l.operation, Request: 'API', StartTime: l.startTime, Status: l.status })),
        },
      };
    }
    const orgType = org.orgType;
    return {
      ...common,
      User: { fields: ['Id', 'Username', 'Name', 'IsActive', 'Email'], rows: users },
      Organization: {
        fields: ['Id', 'Name', 'OrganizationType', 'IsSandbox', 'TrialExpirationDate', 'InstanceName', 'NamespacePrefix'],
        rows: () => [{
          __type: 'Organization', Id: org.orgId, Name: org.orgName,
          OrganizationType: orgType === 'scratch' ? 'Developer Edition' : 'Enterprise Edition',
          IsSandbox: orgType !== 'production',
          TrialExpirationDate: orgType === 'scratch' ? new Date(Date.now() + 30 * 86400000).toISOString().replace('Z', '+0000') : null,
          InstanceName: org.instanceName, NamespacePrefix: null,
        }],
      },
      // Description: string(255), Filter, Nillable (Object Reference, PermissionSet).
      PermissionSet: { fields: ['Id', 'Name', 'Label', 'Description', 'IsOwnedByProfile', 'NamespacePrefix'], rows: permsets },
      PermissionSetAssignment: {
        fields: ['Id', 'AssigneeId', 'PermissionSetId'],
        relationships: {
          Assignee: (r) => users().find((u) => u.Id === r.AssigneeId),
          PermissionSet: (r) => permsets().find((p) => p.Id === r.PermissionSetId),
        },
        rows: () => org.permissionSetAssignments.map((a) => ({ __type: 'PermissionSetAssignment', Id: a.id, AssigneeId: a.assigneeId, PermissionSetId: a.permissionSetId })),
      },
      AuthProvider: {
        fields: ['Id', 'DeveloperName', 'FriendlyName', 'ProviderType', 'ExecutionUserId', 'PluginId'],
        rows: () => org.list('AuthProvider').map((a) => ({
          __type: 'AuthProvider', Id: a.id, DeveloperName: a.fullName, FriendlyName: childText(a.tree, 'friendlyName') ?? null, ProviderType: childText(a.tree, 'providerType') ?? null,
          ExecutionUserId: org.userByUsername(childText(a.tree, 'executionUser') ?? '')?.id ?? null, PluginId: org.get('ApexClass', childText(a.tree, 'plugin') ?? '')?.id ?? null,
        })),
      },
      NamedCredential: {
        fields: ['Id', 'DeveloperName', 'MasterLabel', 'Endpoint'],
        rows: () => org.list('NamedCredential').map((n) => ({ __type: 'NamedCredential', Id: n.id, DeveloperName: n.fullName, MasterLabel: childText(n.tree, 'label') ?? null, Endpoint: childText(n.tree, 'endpoint') ?? null })),
      },
      ExternalCredential: {
        fields: ['Id', 'DeveloperName', 'MasterLabel', 'AuthenticationProtocol'],
        rows: () => org.list('ExternalCredential').map((n) => ({ __type: 'ExternalCredential', Id: n.id, DeveloperName: n.fullName, MasterLabel: childText(n.tree, 'label') ?? null, AuthenticationProtocol: childText(n.tree, 'authenticationProtocol') ?? null })),
      },
    };
  }

  private query(ctx: Ctx, v: string, tooling: boolean): void {
    const q = ctx.url.searchParams.get('q') ?? '';
    try {
      const result = runSoql(q, this.sobjects(tooling), (type, id) => `/services/data/v${v}/${tooling ? 'tooling/' : ''}sobjects/${type}/${id}`);
      json(ctx.res, 200, tooling ? { size: result.totalSize, totalSize: result.totalSize, done: true, queryLocator: null, entityTypeName: null, records: result.records } : result);
    } catch (e) {
      if (e instanceof SoqlError) return json(ctx.res, 400, [{ message: e.message, errorCode: e.errorCode }]);
      throw e;
    }
  }

  private retrieveRecord(ctx: Ctx, type: string, id: string, v: string): void {
    const def = Object.entries(this.sobjects(false)).find(([k]) => k.toLowerCase() === type.toLowerCase());
    const rec = def?.[1].rows().find((r) => r.Id === id || r.Id.slice(0, 15) === id.slice(0, 15));
    if (!def || !rec) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const { __type, ...fields } = rec;
    json(ctx.res, 200, { attributes: { type: __type, url: `/services/data/v${v}/sobjects/${__type}/${rec.Id}` }, ...fields });
  }

  private createRecord(ctx: Ctx, type: string): void {
    if (type !== 'PermissionSetAssignment') {
      return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist (the emulator creates only PermissionSetAssignment records)` }]);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(ctx.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(ctx.res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected character in request body' }]);
    }
    const assigneeId = String(body.AssigneeId ?? '');
    const permissionSetId = String(body.PermissionSetId ?? '');
    const same = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);
    const user = this.org.users.find((u) => same(u.id, assigneeId));
    const ps = this.org.list('PermissionSet').find((p) => same(p.id, permissionSetId));
    if (!assigneeId || !permissionSetId) {
      return json(ctx.res, 400, [{ message: `Required fields are missing: [${!assigneeId ? 'AssigneeId' : 'PermissionSetId'}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: [!assigneeId ? 'AssigneeId' : 'PermissionSetId'] }]);
    }
    if (!user || !ps) {
      const f = !user ? 'AssigneeId' : 'PermissionSetId';
      return json(ctx.res, 400, [{ message: `invalid cross reference id`, errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: [f] }]);
    }
    const dup = this.org.permissionSetAssignments.find((a) => a.assigneeId === user.id && a.permissionSetId === ps.id);
    if (dup) {
      return json(ctx.res, 400, [{ message: `Duplicate PermissionSetAssignment. Assignee: ${user.id.slice(0, 15)}; Permission Set: ${ps.id.slice(0, 15)}`, errorCode: 'DUPLICATE_VALUE', fields: [] }]);
    }
    const id = newId('0Pa');
    this.org.permissionSetAssignments.push({ id, assigneeId: user.id, permissionSetId: ps.id });
    json(ctx.res, 201, { id, success: true, errors: [] });
  }

  private deleteRecord(ctx: Ctx, type: string, id: string): void {
    const list = this.org.permissionSetAssignments;
    const i = type === 'PermissionSetAssignment' ? list.findIndex((a) => a.id === id) : -1;
    if (i < 0) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    list.splice(i, 1);
    ctx.res.writeHead(204);
    ctx.res.end();
  }

  private async restExecuteAnonymous(ctx: Ctx, userId: string): Promise<void> {
    const r = await this.runAnonymous(ctx.url.searchParams.get('anonymousBody') ?? '', userId);
    json(ctx.res, 200, r.result);
  }

  private apexLogBody(ctx: Ctx, id: string): void {
    const log = this.org.logs.find((l) => l.id === id || l.id.slice(0, 15) === id.slice(0, 15));
    if (!log) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    text(ctx.res, 200, 'text/plain', log.body);
  }

  // ---------------------------------------------------------------- Connect: named credentials

  /** The credentials of one principal; the resource exists from API 56.0. */
  private credential(ctx: Ctx, method: string, v: string): void {
    if (Number(v) < 56) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const reply: ConnectReply =
      method === 'GET' ? getCredential(this.org, ctx.url.searchParams)
        : method === 'DELETE' ? deleteCredential(this.org, ctx.url.searchParams)
          : saveCredential(this.org, ctx.body.toString('utf8'), method === 'POST');
    if (reply.body !== undefined) return json(ctx.res, reply.status, reply.body);
    ctx.res.writeHead(reply.status);
    ctx.res.end();
  }

  private getExternalCredential(ctx: Ctx, name: string, v: string): void {
    const ec = this.org.get('ExternalCredential', name);
    if (!ec) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: `We couldn't find an external credential with the name ${name}. Check the name and try again.` }]);
    const namedCredentials = this.org.list('NamedCredential')
      .filter((n) => childrenNamed(n.tree, 'namedCredentialParameters').some((p) => childText(p, 'externalCredential')?.toLowerCase() === ec.fullName.toLowerCase()))
      .map((n) => ({ developerName: n.fullName, id: n.id, masterLabel: childText(n.tree, 'label'), url: `/services/data/v${v}/named-credentials/named-credential-setup/${n.fullName}` }));
    const principals = this.org.principalsOf(ec.fullName).map((p) => ({
      authenticationStatus: this.org.principalStatus(ec.fullName, p.name),
      id: newId('0pv'), parameters: [], principalName: p.name, principalType: p.type, sequenceNumber: p.sequenceNumber,
    }));
    // Connect reports the variant on its own; the parameters are the rest (principals aside), an Auth. Provider by name
    const parameters = childrenNamed(ec.tree, 'externalCredentialParameters')
      .filter((p) => !['NamedPrincipal', 'PerUserPrincipal', 'AuthProtocolVariant'].includes(childText(p, 'parameterType') ?? ''))
      .map((p) => ({
        id: newId('0pv'), parameterDescription: childText(p, 'description') ?? null, parameterName: childText(p, 'parameterName'),
        parameterType: childText(p, 'parameterType'), parameterValue: childText(p, 'authProvider') ?? childText(p, 'certificate') ?? childText(p, 'parameterValue') ?? null,
      }));
    json(ctx.res, 200, {
      authenticationProtocol: connectProtocol(ec.tree), authenticationProtocolVariant: protocolVariant(ec.tree) ?? null,
      customHeaders: [], developerName: ec.fullName, id: ec.id, masterLabel: childText(ec.tree, 'label'), namedCredentials,
      parameters, principals, url: `/services/data/v${v}/named-credentials/external-credentials/${ec.fullName}`,
    });
  }

  private oauthUrl(ctx: Ctx): void {
    let body: Record<string, string>;
    try {
      body = JSON.parse(ctx.body.toString('utf8')) as Record<string, string>;
    } catch {
      return json(ctx.res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected character in request body' }]);
    }
    const ec = this.org.get('ExternalCredential', body.externalCredential ?? '');
    if (!ec) return json(ctx.res, 404, [{ errorCode: 'NOT_FOUND', message: `We couldn't find an external credential with the name ${body.externalCredential}. Check the name and try again.` }]);
    const principal = this.org.principalsOf(ec.fullName).find((p) => p.name.toLowerCase() === (body.principalName ?? '').toLowerCase());
    if (!principal || (body.principalType && body.principalType !== principal.type)) {
      return json(ctx.res, 400, [{ errorCode: 'INVALID_INPUT', message: `We couldn't find a principal named ${body.principalName} of type ${body.principalType} on ${ec.fullName}.` }]);
    }
    const state = randomBytes(16).toString('hex');
    this.pendingAuth.set(state, { externalCredential: ec.fullName, principalName: principal.name, returnUrl: body.returnUrl ?? '/' });
    json(ctx.res, 200, { authenticationUrl: `${this.instanceUrl}/services/auth/xds/${encodeURIComponent(ec.fullName)}?startURL=${encodeURIComponent(body.returnUrl ?? '/')}&state=${state}` });
  }

  // ---------------------------------------------------------------- web flows

  private cookieSession(ctx: Ctx): string | undefined {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(ctx.req.headers.cookie ?? '')?.[1];
    return sid && this.org.sessions.has(decodeURIComponent(sid)) ? decodeURIComponent(sid) : undefined;
  }

  /** UI Bridge API: a single-use frontdoor URL for the bearer's session (what `sf org open` uses). */
  private singleAccess(ctx: Ctx): void {
    const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
    if (!this.session(token)) return json(ctx.res, 403, { error: 'invalid_token', error_description: 'Access token is invalid or expired' });
    const otp = randomBytes(24).toString('base64url');
    this.oneTimePasswords.set(otp, token!);
    const startUrl = ctx.url.searchParams.get('redirect_uri');
    const uri = new URL('/secur/frontdoor.jsp', this.instanceUrl);
    uri.searchParams.set('otp', otp);
    if (startUrl) uri.searchParams.set('startURL', startUrl);
    json(ctx.res, 200, { frontdoor_uri: uri.href });
  }

  /** Logs a browser in from a session id (`sid`) or a one-time password (`otp`), then goes to retURL / startURL. */
  private frontdoor(ctx: Ctx): void {
    const otp = ctx.url.searchParams.get('otp');
    const sid = otp !== null ? this.oneTimePasswords.get(otp) ?? '' : ctx.url.searchParams.get('sid') ?? '';
    if (otp !== null) this.oneTimePasswords.delete(otp);
    const ret = ctx.url.searchParams.get('retURL') ?? ctx.url.searchParams.get('startURL') ?? '/';
    if (!this.session(sid)) return redirect(ctx.res, `/?ec=302&startURL=${encodeURIComponent(ret)}`);
    const target = ret.startsWith('/') ? ret : '/';
    redirect(ctx.res, target, [`sid=${encodeURIComponent(sid)}; Path=/; HttpOnly`]);
  }

  /**
   * The start of the principal's OAuth flow. Salesforce calls the Auth. Provider plugin's `initiate`; the
   * client_credentials plugin modeled here redirects straight back to /services/authcallback/<provider>.
   */
  private authStart(ctx: Ctx): void {
    if (!this.cookieSession(ctx)) return redirect(ctx.res, `/?ec=302&startURL=${encodeURIComponent(ctx.url.pathname + ctx.url.search)}`);
    const state = ctx.url.searchParams.get('state') ?? '';
    const pending = this.pendingAuth.get(state);
    if (!pending) return text(ctx.res, 400, 'text/html', '<html><body>No_Oauth_State: State was not valid</body></html>');
    const ec = this.org.get('ExternalCredential', pending.externalCredential);
    const ap = childrenNamed(ec?.tree, 'externalCredentialParameters').find((p) => childText(p, 'parameterType') === 'AuthProvider');
    const provider = childText(ap, 'authProvider');
    if (!provider) return text(ctx.res, 400, 'text/html', '<html><body>The external credential has no authentication provider</body></html>');
    redirect(ctx.res, `/services/authcallback/${encodeURIComponent(provider)}?state=${state}`);
  }

  private authCallback(ctx: Ctx, providerName: string): void {
    const provider = this.org.get('AuthProvider', providerName);
    if (!provider) return text(ctx.res, 404, 'text/html', `<html><body>Invalid Auth. Provider: ${esc(providerName)}</body></html>`);
    const plugin = childText(provider.tree, 'plugin') ?? '';
    const cls = this.org.apexClass(plugin);
    if (!cls || cls.info.extendsType?.toLowerCase() !== 'auth.authproviderpluginclass') {
      return redirect(ctx.res, `/_nc_external/identity/auth/error?ErrorCode=No_Oauth_Plugin&ErrorDescription=${encodeURIComponent(`Plugin class ${plugin} not found`)}`);
    }
    const state = ctx.url.searchParams.get('state') ?? '';
    const pending = this.pendingAuth.get(state);
    if (!pending) return redirect(ctx.res, '/_nc_external/identity/auth/error?ErrorCode=No_Oauth_State&ErrorDescription=State+was+not+valid');
    this.pendingAuth.delete(state);
    this.org.configuredPrincipals.add(`${pending.externalCredential}|${pending.principalName}`.toLowerCase());
    redirect(ctx.res, pending.returnUrl.startsWith('/') ? pending.returnUrl : '/');
  }

  // ---------------------------------------------------------------- OAuth

  private userinfo(ctx: Ctx): void {
    const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
    const userId = this.session(token);
    if (!userId) return text(ctx.res, 403, 'text/plain', 'Bad_OAuth_Token');
    const u = this.org.users.find((x) => x.id === userId)!;
    json(ctx.res, 200, {
      sub: `${this.instanceUrl}/id/${this.org.orgId}/${u.id}`, user_id: u.id, organization_id: this.org.orgId,
      preferred_username: u.username, nickname: u.username.split('@')[0], name: u.name, email: u.username, email_verified: true,
      active: u.isActive, user_type: 'STANDARD', language: 'en_US', locale: 'en_US', utcOffset: 0,
      urls: { rest: `${this.instanceUrl}/services/data/v{version}/`, metadata: `${this.instanceUrl}/services/Soap/m/{version}/${this.org.orgId}` },
      is_app_installed: true, updated_at: new Date().toISOString(),
    });
  }

  private token(ctx: Ctx): void {
    const form = new URLSearchParams(ctx.body.toString('utf8'));
    if (form.get('grant_type') !== 'refresh_token') return json(ctx.res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    const userId = this.org.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!userId) return json(ctx.res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const { accessToken } = this.org.newSession(userId);
    json(ctx.res, 200, {
      access_token: accessToken, signature: randomBytes(16).toString('base64'), scope: 'api refresh_token', instance_url: this.instanceUrl,
      id: `${this.instanceUrl}/id/${this.org.orgId}/${userId}`, token_type: 'Bearer', issued_at: String(Date.now()),
    });
  }
}

// ------------------------------------------------------------------ helpers

function soapOperation(body: Buffer): string | undefined {
  const m = /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body.toString('utf8'));
  return m?.[1];
}

function deployMessageXml(m: DeployMessage): string {
  return (
    el('changed', m.changed) +
    (m.columnNumber !== undefined ? el('columnNumber', m.columnNumber) : '') +
    (m.componentType ? el('componentType', m.componentType) : '<componentType></componentType>') +
    el('created', m.created) +
    el('createdDate', m.createdDate) +
    el('deleted', m.deleted) +
    el('fileName', m.fileName) +
    el('fullName', m.fullName) +
    (m.id ? el('id', m.id) : '') +
    (m.lineNumber !== undefined ? el('lineNumber', m.lineNumber) : '') +
    (m.problem ? el('problem', m.problem) : '') +
    (m.problemType ? el('problemType', m.problemType) : '') +
    el('success', m.success)
  );
}

function soapFault(res: ServerResponse, code: string, message: string, ns = 'http://soap.sforce.com/2006/04/metadata'): void {
  text(
    res,
    500,
    'text/xml;charset=UTF-8',
    `${SOAP_HEAD}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="${ns}"><soapenv:Body><soapenv:Fault><faultcode>${esc(code)}</faultcode><faultstring>${esc(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  text(res, status, 'application/json;charset=UTF-8', JSON.stringify(body));
}

function text(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, { Location: location, ...(cookies.length ? { 'Set-Cookie': cookies } : {}), 'Content-Length': 0 });
  res.end();
}

/** 62.0 = Winter '25, 63.0 = Spring '25, 64.0 = Summer '25, ... */
export function releaseLabel(v: number): string {
  const k = v - 62;
  const season = ['Winter', 'Spring', 'Summer'][((k % 3) + 3) % 3];
  return `${season} '${25 + Math.floor(k / 3)}`;
}

/**
 * HTTP front of the emulated org: reads each request, logs it, applies latency, session expiries and injected faults,
 * and routes it by path to the module for its protocol: SOAP Metadata API (soapMetadata.ts), Apex SOAP
 * (soapApex.ts), REST data and Tooling (rest.ts), Connect named-credentials (connect.ts), OAuth (oauth.ts) and the
 * browser pages (web.ts). The state they share is one EmulatorContext (context.ts).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { EmulatorContext, EmulatorOptions, PendingAuth } from './context.js';
import type { DeployJob } from './deploy.js';
import { DeployQueue } from './deployQueue.js';
import { injectedFault } from './faults.js';
import { type AnswerKind, type Exchange, json, notFound, text } from './http.js';
import { Org, RequestLogEntry } from './org.js';
import type { RetrieveJob } from './retrieve.js';
import { restSessionUser } from './session.js';
import { soapMetadata, soapOperation } from './soapMetadata.js';
import { soapApex } from './soapApex.js';
import { apexLogBody, createRecord, deleteRecord, query, resources, restExecuteAnonymous, retrieveRecord, versions } from './rest.js';
import { credential, getExternalCredential, oauthUrl } from './connect.js';
import { token, userinfo } from './oauth.js';
import { authCallback, authStart, frontdoor, singleAccess } from './web.js';

export type { EmulatorOptions } from './context.js';
export { releaseLabel } from './rest.js';

type Run = () => Promise<void> | void;
/** A request's operation (its name in the request log and for injectFault), how its answers look, and its handler. */
type Route = { operation: string; kind: AnswerKind; run: Run };
type RestRoute = { operation: string; run: (userId: string, version: string) => Promise<void> | void };

export class EmulatorServer {
  public readonly org: Org;
  public readonly deploys: Map<string, DeployJob>;
  public readonly retrieves = new Map<string, RetrieveJob>();
  private readonly context: EmulatorContext & { instanceUrl: string };
  private server?: Server;

  public constructor(public readonly opts: EmulatorOptions) {
    this.org = new Org(opts.username);
    if (opts.orgType) this.org.setOrgType(opts.orgType);
    const apiVersion = opts.apiVersion ?? '64.0';
    const timing = { queuedPolls: opts.queuedPolls ?? 1, inProgressPolls: opts.inProgressPolls ?? 1, deployMs: opts.deployMs ?? 0 };
    const queue = new DeployQueue(this.org, timing, Number(apiVersion));
    this.deploys = queue.jobs;
    this.context = {
      org: this.org, opts, apiVersion, instanceUrl: '', deploys: queue, retrieves: this.retrieves,
      pendingAuth: new Map<string, PendingAuth>(), oneTimePasswords: new Map<string, string>(),
    };
  }

  public get apiVersion(): string {
    return this.context.apiVersion;
  }

  public get instanceUrl(): string {
    return this.context.instanceUrl;
  }

  public holdDeploys(count: number): void {
    this.context.deploys.hold(count);
  }

  public releaseDeploys(): void {
    this.context.deploys.release();
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
    this.context.instanceUrl = `http://${this.opts.host ?? '127.0.0.1'}:${addr.port}`;
  }

  public async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const x: Exchange = { req, res, url, body };
    const route = this.route(x);
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
    if (fault) return injectedFault(x, fault.status, route.kind, route.run);
    await route.run();
  }

  private route(x: Exchange): Route {
    const emu = this.context;
    const p = x.url.pathname;
    const method = x.req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (/^\/services\/Soap\/m\/(\d+\.\d)(?:\/[^/]+)?\/?$/.test(p) && method === 'POST') {
      return { operation: soapOperation(x.body) ?? 'soap', kind: 'soap', run: () => soapMetadata(emu, x) };
    }
    if (/^\/services\/Soap\/s\/(\d+\.\d)(?:\/[^/]+)?\/?$/.test(p) && method === 'POST') {
      return { operation: 'executeAnonymous', kind: 'soap', run: () => soapApex(emu, x) };
    }
    if (/^\/services\/data\/?$/.test(p)) return { operation: 'versions', kind: 'rest', run: () => versions(emu, x) };
    if ((m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(p))) {
      const version = m[1];
      const rest = (m[2] ?? '/').replace(/\/$/, '') || '/';
      const r = this.restRoute(x, rest, method);
      return {
        operation: r.operation,
        kind: 'rest',
        run: () => {
          if (Number(version) > Number(emu.apiVersion) || Number(version) < 20) return notFound(x.res);
          const userId = restSessionUser(emu.org, x);
          if (!userId) return;
          return r.run(userId, version);
        },
      };
    }
    if (p === '/services/oauth2/userinfo') return { operation: 'userinfo', kind: 'rest', run: () => userinfo(emu, x) };
    if (p === '/services/oauth2/token' && method === 'POST') return { operation: 'token', kind: 'rest', run: () => token(emu, x) };
    if (/^\/id\/([^/]+)\/([^/]+)\/?$/.test(p)) return { operation: 'identity', kind: 'rest', run: () => userinfo(emu, x) };
    if (p === '/services/oauth2/singleaccess') return { operation: 'singleaccess', kind: 'rest', run: () => singleAccess(emu, x) };
    if (p === '/secur/frontdoor.jsp') return { operation: 'frontdoor', kind: 'web', run: () => frontdoor(emu, x) };
    if (/^\/services\/auth\/xds\/([^/]+)\/?$/.test(p)) return { operation: 'authStart', kind: 'web', run: () => authStart(emu, x) };
    if ((m = /^\/services\/authcallback\/(?:[^/]+\/)?([^/]+)\/?$/.exec(p))) {
      const name = decodeURIComponent(m[1]);
      return { operation: 'authcallback', kind: 'web', run: () => authCallback(emu, x, name) };
    }
    return { operation: 'unknown', kind: 'web', run: () => text(x.res, 404, 'text/html', '<html><body>URL No Longer Exists</body></html>') };
  }

  /** Routes below /services/data/vXX.X: `rest` is the rest of the path, without a trailing slash. */
  private restRoute(x: Exchange, rest: string, method: string): RestRoute {
    const emu = this.context;
    let m: RegExpExecArray | null;
    if (rest === '/') return { operation: 'resources', run: (_u, v) => resources(emu, x, v) };
    if (rest === '/query' || rest === '/tooling/query') {
      const tooling = rest.startsWith('/tooling');
      return { operation: tooling ? 'toolingQuery' : 'query', run: (_u, v) => query(emu, x, v, tooling) };
    }
    if (/^\/query\/([^/]+)$/.test(rest)) return { operation: 'queryMore', run: () => json(x.res, 400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]) };
    if (rest === '/tooling/executeAnonymous') return { operation: 'executeAnonymous', run: (u) => restExecuteAnonymous(emu, x, u) };
    if ((m = /^(?:\/tooling)?\/sobjects\/ApexLog\/([^/]+)\/Body$/.exec(rest))) {
      const id = m[1];
      return { operation: 'apexLogBody', run: () => apexLogBody(emu, x, id) };
    }
    if ((m = /^\/sobjects\/(\w+)$/.exec(rest)) && method === 'POST') {
      const type = m[1];
      return { operation: 'create', run: () => createRecord(emu, x, type) };
    }
    if ((m = /^\/sobjects\/(\w+)\/([^/]+)$/.exec(rest))) {
      const [type, id] = [m[1], m[2]];
      if (method === 'DELETE') return { operation: 'delete', run: () => deleteRecord(emu, x, type, id) };
      return { operation: 'retrieveRecord', run: (_u, v) => retrieveRecord(emu, x, type, id, v) };
    }
    if ((m = /^\/named-credentials\/external-credentials\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const name = decodeURIComponent(m[1]);
      return { operation: 'getExternalCredential', run: (_u, v) => getExternalCredential(emu, x, name, v) };
    }
    if (rest === '/named-credentials/credential') {
      const operation = ({ GET: 'getCredential', POST: 'createCredential', PUT: 'updateCredential', DELETE: 'deleteCredential' } as Record<string, string>)[method];
      if (!operation) return { operation: 'unknown', run: () => json(x.res, 405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${method}' not allowed. Allowed are GET,POST,PUT,DELETE` }]) };
      return { operation, run: (_u, v) => credential(emu, x, method, v) };
    }
    if (rest === '/named-credentials/credential/auth-url/o-auth' && method === 'POST') {
      return { operation: 'getOAuthUrl', run: () => oauthUrl(emu, x) };
    }
    return { operation: 'unknown', run: () => notFound(x.res) };
  }
}

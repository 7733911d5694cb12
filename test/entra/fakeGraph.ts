/**
 * A local stand-in for Microsoft Graph v1.0 and the login host MSAL signs an administrator in at (test tooling; it
 * models Microsoft's services, not the product). One HTTPS server: login paths (fakeGraphLogin.ts) and /v1.0/.
 * It shares state with the fake token endpoint (fakeEntra.ts): an application created here is pushed onto
 * FakeEntra.apps, a secret or certificate added here onto that app's `secrets` / `certificates` (usable after
 * `secretDelayMs`), an app role assignment onto its `roles`. Rules name their Graph v1.0 reference page; the table is
 * in test/entra/README.md.
 */
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FakeApp, FakeEntra } from './fakeEntra.js';
import { GRAPH_RESOURCE, type FakeResource } from './graphCatalog.js';
import { handleLogin, mintToken, type FakeAdmin, type FakeUser, type LoginState } from './fakeGraphLogin.js';
import { selfSignedTls, type TlsIdentity } from './selfSignedTls.js';

export type PasswordCredential = { customKeyIdentifier: null; displayName: string | null; endDateTime: string; hint: string; keyId: string; secretText: null; startDateTime: string };
export type KeyCredential = { customKeyIdentifier: string; displayName: string | null; endDateTime: string; key: string; keyId: string; startDateTime: string; type: string; usage: string };
export type GraphApplication = {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  createdDateTime: string;
  requiredResourceAccess: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }>;
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
};
export type GraphServicePrincipal = { id: string; appId: string; displayName: string; servicePrincipalType: string; accountEnabled: boolean; appRoles: FakeResource['appRoles'] };
export type GraphAssignment = { id: string; principalId: string; principalDisplayName: string; principalType: string; resourceId: string; resourceDisplayName: string; appRoleId: string; createdDateTime: string };
/** A fault to answer instead of Graph's own: the next `times` requests that match get it. */
export type GraphFault = { method?: string; path?: RegExp; status: number; code: string; message: string; retryAfter?: number; times?: number };

export type FakeGraphOptions = {
  entra: FakeEntra;
  tenantId: string;
  domains?: Record<string, string>;
  admins?: FakeAdmin[];
  user?: FakeUser;
  /** How long a secret or certificate added through Graph is refused by the token endpoint (replication). */
  secretDelayMs?: number;
  resources?: FakeResource[];
  autoApproveDeviceCodes?: boolean;
  tls?: TlsIdentity;
};

export type FakeGraph = {
  origin: string;
  /** Give these to the plugin: AZURE_AUTHORITY_HOST, AZURE_AUTHPROVIDER_GRAPH_URL, NODE_EXTRA_CA_CERTS. */
  env: { AZURE_AUTHORITY_HOST: string; AZURE_AUTHPROVIDER_GRAPH_URL: string; NODE_EXTRA_CA_CERTS: string };
  tls: TlsIdentity;
  applications: GraphApplication[];
  servicePrincipals: GraphServicePrincipal[];
  assignments: GraphAssignment[];
  /** Graph requests (login requests are not listed), bodies parsed; secret texts never appear in them. */
  requests: Array<{ method: string; path: string; body?: unknown }>;
  deviceCodes: LoginState['deviceCodes'];
  approveDeviceCode: (userCode: string) => void;
  /** A token as the Azure CLI's `az account get-access-token` would hand out for the signed-in user. */
  userToken: () => { token: string; expiresIn: number };
  fail: (fault: GraphFault) => void;
  secretDelayMs: number;
  stop: () => Promise<void>;
};

/** Graph v1.0 permission tables ("Permissions" on each reference page): any one of these grants the call. */
const NEEDS = {
  readApps: ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'],
  // App-only, Application.ReadWrite.OwnedBy suffices too ("application: addPassword"); for apps the caller owns, which
  // the fake does not track: it counts as enough.
  writeApps: ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  // "Grant an appRoleAssignment": AppRoleAssignment.ReadWrite.All *and* Application.Read.All (or higher); see below.
  assignRoles: ['AppRoleAssignment.ReadWrite.All'],
} as const;

function graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  // Graph v1.0 "Microsoft Graph error responses and resource types": error.code, error.message, error.innerError.
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { code, message, innerError: { 'date': new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } }));
}

function send(res: ServerResponse, status: number, body?: object): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** `displayName eq 'A ''quoted'' name'` (OData doubles a quote inside a string literal). */
function equalsFilter(filter: string | null): { field: string; value: string } | undefined {
  const match = filter ? /^(\w+) eq '((?:[^']|'')*)'$/.exec(filter.trim()) : null;
  return match ? { field: match[1], value: match[2].replace(/''/g, "'") } : undefined;
}

/** Fake secrets look like Entra's: a three-character hint, a version marker, then random text (40 characters). */
const newSecretText = (): string => `${randomBytes(3).toString('base64url').slice(0, 3)}8Q~${randomBytes(30).toString('base64url').slice(0, 34)}`;

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const tls = options.tls ?? selfSignedTls();
  const tenantId = options.tenantId;
  const applications: GraphApplication[] = [];
  const resources = options.resources ?? [GRAPH_RESOURCE];
  const servicePrincipals: GraphServicePrincipal[] = resources.map((resource) => ({ id: randomUUID(), appId: resource.appId, displayName: resource.displayName, servicePrincipalType: 'Application', accountEnabled: true, appRoles: resource.appRoles }));
  const assignments: GraphAssignment[] = [];
  const requests: FakeGraph['requests'] = [];
  const faults: GraphFault[] = [];
  const login: LoginState = {
    tenantId,
    domains: options.domains ?? {},
    admins: options.admins ?? [],
    user: options.user ?? { userName: 'admin@contoso.onmicrosoft.com', scopes: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'Directory.AccessAsUser.All'] },
    graphAudience: 'https://graph.microsoft.com',
    tokens: new Map(),
    deviceCodes: [],
    autoApproveDeviceCodes: options.autoApproveDeviceCodes ?? false,
    entraTokenUrl: (tenant) => options.entra.tokenUrl(tenant),
  };
  const resourceNames = (sp: GraphServicePrincipal): string[] => resources.find((resource) => resource.appId === sp.appId)?.servicePrincipalNames ?? [sp.appId];
  const fake = { secretDelayMs: options.secretDelayMs ?? 0 };
  const entraApp = (appId: string): FakeApp | undefined => options.entra.apps.find((app) => app.tenantId === tenantId && app.clientId === appId);

  async function graph(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.slice('/v1.0'.length);
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return graphError(res, 400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    requests.push({ method, path: `${path}${url.search}`, ...(raw ? { body } : {}) });
    const fault = faults.find((candidate) => (!candidate.method || candidate.method === method) && (!candidate.path || candidate.path.test(path)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      return graphError(res, fault.status, fault.code, fault.message, fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) });
    }
    // Every call needs a bearer token for Graph ("Authentication and authorization basics").
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = bearer ? login.tokens.get(bearer) : undefined;
    if (!issued) return graphError(res, 401, 'InvalidAuthenticationToken', bearer ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
    const allowed = (needs: readonly string[]): boolean => issued.grants.some((grant) => needs.includes(grant) || (issued.kind === 'user' && grant === 'Directory.AccessAsUser.All'));
    const denied = (): void => graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const notFound = (id: string): void => graphError(res, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const list = (value: object[], entity: string): void => send(res, 200, { '@odata.context': `${origin}/v1.0/$metadata#${entity}`, value });

    let match: RegExpExecArray | null;
    // application: list with $filter, get, create, update, delete; addPassword, removePassword ("application resource type").
    if (path === '/applications' && method === 'GET') {
      if (!allowed(NEEDS.readApps)) return denied();
      const filter = equalsFilter(url.searchParams.get('$filter'));
      if (url.searchParams.has('$filter') && (!filter || !['displayName', 'appId'].includes(filter.field))) return graphError(res, 400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
      return list(applications.filter((app) => !filter || app[filter.field as 'displayName' | 'appId'] === filter.value).map((app) => view(app, false)), 'applications');
    }
    if (path === '/applications' && method === 'POST') {
      if (!allowed(NEEDS.writeApps)) return denied();
      if (typeof body.displayName !== 'string' || body.displayName === '') return graphError(res, 400, 'Request_BadRequest', "Invalid value specified for property 'displayName' of resource 'Application'.");
      const app: GraphApplication = {
        id: randomUUID(),
        appId: randomUUID(),
        displayName: body.displayName,
        signInAudience: typeof body.signInAudience === 'string' ? body.signInAudience : 'AzureADMyOrg',
        createdDateTime: new Date().toISOString(),
        requiredResourceAccess: Array.isArray(body.requiredResourceAccess) ? (body.requiredResourceAccess as GraphApplication['requiredResourceAccess']) : [],
        passwordCredentials: [],
        keyCredentials: [],
      };
      applications.push(app);
      options.entra.apps.push({ tenantId, clientId: app.appId, secrets: [], certificates: [], roles: [] });
      return send(res, 201, view(app, false));
    }
    if ((match = /^\/applications(?:\/([0-9a-f-]{36})|\(appId='([0-9a-f-]{36})'\))(\/addPassword|\/removePassword)?$/.exec(path))) {
      const app = applications.find((candidate) => (match![1] ? candidate.id === match![1] : candidate.appId === match![2]));
      const action = match[3];
      if (!allowed(method === 'GET' ? NEEDS.readApps : NEEDS.writeApps)) return denied();
      if (!app) return notFound(match[1] ?? match[2]);
      if (method === 'GET' && !action) return send(res, 200, view(app, url.searchParams.get('$select')?.split(',').includes('keyCredentials') ?? false));
      if (method === 'DELETE' && !action) {
        applications.splice(applications.indexOf(app), 1);
        const sp = servicePrincipals.findIndex((candidate) => candidate.appId === app.appId);
        if (sp >= 0) servicePrincipals.splice(sp, 1);
        options.entra.apps.splice(options.entra.apps.findIndex((candidate) => candidate.clientId === app.appId), 1);
        return send(res, 204);
      }
      if (method === 'PATCH' && !action) return patchApplication(res, app, body);
      if (method === 'POST' && action === '/addPassword') return addPassword(res, app, body);
      if (method === 'POST' && action === '/removePassword') {
        const keyId = body.keyId;
        if (!app.passwordCredentials.some((credential) => credential.keyId === keyId)) return graphError(res, 400, 'Request_BadRequest', `No password credential found with keyId ${String(keyId)}.`);
        app.passwordCredentials = app.passwordCredentials.filter((credential) => credential.keyId !== keyId);
        const entra = entraApp(app.appId);
        if (entra?.secrets) entra.secrets = entra.secrets.filter((secret) => secret.keyId !== keyId);
        return send(res, 204);
      }
    }
    // servicePrincipal: list by appId, get, create ("servicePrincipal resource type"; "Create servicePrincipal").
    if (path === '/servicePrincipals' && method === 'GET') {
      if (!allowed(NEEDS.readApps)) return denied();
      const raw = url.searchParams.get('$filter') ?? '';
      // servicePrincipalNames is a collection: "servicePrincipalNames/any(n:n eq 'api://x')" (List servicePrincipals, example 3).
      const byName = /^servicePrincipalNames\/any\((\w+):\1 eq '((?:[^']|'')*)'\)$/.exec(raw.trim());
      if (byName) return list(servicePrincipals.filter((sp) => resourceNames(sp).includes(byName[2].replace(/''/g, "'"))), 'servicePrincipals');
      const filter = equalsFilter(raw);
      if (!filter || !['appId', 'displayName'].includes(filter.field)) return graphError(res, 400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
      return list(servicePrincipals.filter((sp) => sp[filter.field as 'appId' | 'displayName'] === filter.value), 'servicePrincipals');
    }
    if (path === '/servicePrincipals' && method === 'POST') {
      if (!allowed(NEEDS.writeApps)) return denied();
      const app = applications.find((candidate) => candidate.appId === body.appId);
      if (!app) return graphError(res, 400, 'Request_BadRequest', `The appId '${String(body.appId)}' of the service principal does not reference a valid application object.`);
      if (servicePrincipals.some((sp) => sp.appId === app.appId)) return graphError(res, 409, 'Request_MultipleObjectsWithSameKeyValue', 'Another object with the same value for property servicePrincipalNames already exists.');
      const sp: GraphServicePrincipal = { id: randomUUID(), appId: app.appId, displayName: app.displayName, servicePrincipalType: 'Application', accountEnabled: true, appRoles: [] };
      servicePrincipals.push(sp);
      return send(res, 201, sp);
    }
    if ((match = /^\/servicePrincipals\/([0-9a-f-]{36})(\/appRoleAssignments)?$/.exec(path))) {
      const sp = servicePrincipals.find((candidate) => candidate.id === match![1]);
      if (!allowed(NEEDS.readApps) && !allowed(NEEDS.writeApps)) return denied();
      if (method !== 'GET' && !allowed(NEEDS.assignRoles)) return denied();
      if (!sp) return notFound(match[1]);
      if (!match[2] && method === 'GET') return send(res, 200, sp);
      if (match[2] && method === 'GET') return list(assignments.filter((assignment) => assignment.principalId === sp.id), 'appRoleAssignments');
      if (match[2] && method === 'POST') return assignRole(res, sp, body);
    }
    return graphError(res, 400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
  }

  /** Passwords never show their text after creation; a key's bytes only on $select=keyCredentials of one app. */
  function view(app: GraphApplication, withKeys: boolean): object {
    return { ...app, keyCredentials: app.keyCredentials.map((credential) => ({ ...credential, key: withKeys ? credential.key : null })) };
  }

  // "application: addPassword": passwordCredential {displayName, endDateTime}; the answer alone holds secretText.
  function addPassword(res: ServerResponse, app: GraphApplication, body: Record<string, unknown>): void {
    const asked = (body.passwordCredential ?? {}) as { displayName?: string; endDateTime?: string };
    const start = new Date();
    const end = asked.endDateTime ? new Date(asked.endDateTime) : new Date(start.getTime() + 2 * 365 * 86400_000);
    if (Number.isNaN(end.getTime()) || end <= start) return graphError(res, 400, 'Request_BadRequest', 'Invalid value specified for property endDateTime of resource PasswordCredential.');
    const secretText = newSecretText();
    const credential: PasswordCredential = { customKeyIdentifier: null, displayName: asked.displayName ?? null, endDateTime: end.toISOString(), hint: secretText.slice(0, 3), keyId: randomUUID(), secretText: null, startDateTime: start.toISOString() };
    app.passwordCredentials.push(credential);
    entraApp(app.appId)?.secrets?.push({ value: secretText, keyId: credential.keyId, usableAfter: Date.now() + fake.secretDelayMs });
    send(res, 200, { ...credential, secretText });
  }

  // "Update application": keyCredentials is replaced as a whole; every entry carries its key (Not settled: whether
  // Graph keeps an existing entry sent without its key; the fake asks for the key, the stricter reading).
  function patchApplication(res: ServerResponse, app: GraphApplication, body: Record<string, unknown>): void {
    if (typeof body.displayName === 'string') app.displayName = body.displayName;
    if (Array.isArray(body.requiredResourceAccess)) app.requiredResourceAccess = body.requiredResourceAccess as GraphApplication['requiredResourceAccess'];
    if (Array.isArray(body.keyCredentials)) {
      const next: KeyCredential[] = [];
      for (const entry of body.keyCredentials as Array<Partial<KeyCredential>>) {
        let cert: X509Certificate;
        try {
          cert = new X509Certificate(Buffer.from(entry.key ?? '', 'base64'));
        } catch {
          return graphError(res, 400, 'Request_BadRequest', 'Invalid value specified for property key of resource KeyCredential.');
        }
        if (entry.type !== 'AsymmetricX509Cert' || entry.usage !== 'Verify') return graphError(res, 400, 'Request_BadRequest', 'Invalid value specified for property type or usage of resource KeyCredential.');
        const existing = app.keyCredentials.find((credential) => credential.keyId === entry.keyId);
        next.push({
          customKeyIdentifier: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
          displayName: entry.displayName ?? `CN=${cert.subject.replace(/^CN=/, '')}`,
          endDateTime: new Date(cert.validTo).toISOString(),
          key: entry.key!,
          keyId: existing?.keyId ?? randomUUID(),
          startDateTime: new Date(cert.validFrom).toISOString(),
          type: entry.type,
          usage: entry.usage,
        });
      }
      const entra = entraApp(app.appId);
      if (entra) {
        const pemOf = (credential: KeyCredential): string => new X509Certificate(Buffer.from(credential.key, 'base64')).toString();
        const kept = (entra.certificates ?? []).filter((held) => next.some((credential) => credential.keyId === held.keyId));
        const added = next.filter((credential) => !kept.some((held) => held.keyId === credential.keyId)).map((credential) => ({ pem: pemOf(credential), keyId: credential.keyId, usableAfter: Date.now() + fake.secretDelayMs }));
        entra.certificates = [...kept, ...added];
      }
      app.keyCredentials = next;
    }
    send(res, 204);
  }

  // "Grant an appRoleAssignment for a service principal": principalId, resourceId, appRoleId; what admin consent does.
  function assignRole(res: ServerResponse, sp: GraphServicePrincipal, body: Record<string, unknown>): void {
    const resource = servicePrincipals.find((candidate) => candidate.id === body.resourceId);
    if (body.principalId !== sp.id || !resource) return graphError(res, 400, 'Request_BadRequest', 'Invalid value specified for property principalId or resourceId of resource AppRoleAssignment.');
    const role = resource.appRoles.find((candidate) => candidate.id === body.appRoleId);
    if (!role) return graphError(res, 400, 'Request_BadRequest', 'Permission being assigned was not found on application');
    if (assignments.some((assignment) => assignment.principalId === sp.id && assignment.appRoleId === role.id)) return graphError(res, 400, 'Request_BadRequest', 'Permission being assigned already exists on the object');
    const assignment: GraphAssignment = { id: randomBytes(32).toString('base64url').slice(0, 43), principalId: sp.id, principalDisplayName: sp.displayName, principalType: 'ServicePrincipal', resourceId: resource.id, resourceDisplayName: resource.displayName, appRoleId: role.id, createdDateTime: new Date().toISOString() };
    assignments.push(assignment);
    entraApp(sp.appId)?.roles?.push(role.value);
    send(res, 201, assignment);
  }

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname.startsWith('/v1.0/')) return graph(req, res, url, raw);
      if (!handleLogin(login, origin, req, res, url, raw)) graphError(res, 404, 'NotFound', 'Not found.');
    })().catch((error: Error) => graphError(res, 500, 'InternalServerError', error.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    env: { AZURE_AUTHORITY_HOST: origin, AZURE_AUTHPROVIDER_GRAPH_URL: origin, NODE_EXTRA_CA_CERTS: tls.certFile },
    tls,
    applications,
    servicePrincipals,
    assignments,
    requests,
    deviceCodes: login.deviceCodes,
    approveDeviceCode: (userCode) => {
      const code = login.deviceCodes.find((candidate) => candidate.userCode === userCode);
      if (!code) throw new Error(`no device code ${userCode}`);
      code.approved = true;
    },
    userToken: () => mintToken(login, 'user', login.user.scopes, login.user.userName),
    fail: (fault) => faults.push({ times: 1, ...fault }),
    get secretDelayMs() {
      return fake.secretDelayMs;
    },
    set secretDelayMs(ms: number) {
      fake.secretDelayMs = ms;
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

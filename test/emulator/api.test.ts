/**
 * Sessions, REST/Tooling/Connect endpoints, fault injection and latency of the emulated org, through jsforce and fetch.
 */
import { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import { asArray, connect, deployAndWait, start } from './helpers.js';
import { loadFixture, zipBundle } from './fixtures.js';

const ALL = loadFixture('valid');

describe('emulator sessions', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => ({ emu, conn } = await start()));
  afterEach(async () => emu.stop());

  it('answers a wrong token with the INVALID_SESSION_ID SOAP fault and a REST 401', async () => {
    const bad = connect(emu, '00Dxx!wrong');
    await expect(bad.metadata.list({ type: 'ApexClass' })).rejects.toMatchObject({
      errorCode: 'sf:INVALID_SESSION_ID',
      message: 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
    });
    await expect(bad.query('SELECT Id FROM User')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
    const raw = await fetch(`${emu.instanceUrl}/services/data/v62.0/query?q=SELECT+Id+FROM+User`, { headers: { Authorization: 'Bearer nope' } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('expires a session after N calls; a refresh_token grant issues a new one that jsforce uses', async () => {
    emu.org.expireSessionAfter(2);
    await conn.query('SELECT Id FROM User');
    await conn.metadata.list({ type: 'ApexClass' });
    await expect(conn.query('SELECT Id FROM User')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });

    const refreshing = new Connection({
      oauth2: { clientId: 'emu', loginUrl: emu.instanceUrl, redirectUri: 'http://localhost:1717/OauthRedirect' },
      instanceUrl: emu.instanceUrl,
      accessToken: emu.accessToken,
      refreshToken: emu.refreshToken,
      version: '62.0',
    });
    const r = await refreshing.query<{ Username: string }>('SELECT Username FROM User');
    expect(r.records[0].Username).toBe(emu.username);
    expect(refreshing.accessToken).not.toBe(emu.accessToken);
    expect(emu.org.requests.filter((q) => q.operation === 'token')).toHaveLength(1);
  });
});

describe('emulator REST, Tooling and Connect', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => ({ emu, conn } = await start({ orgType: 'sandbox', apiVersion: '63.0' })));
  afterEach(async () => emu.stop());

  it('lists API versions up to the configured newest, and 404s newer ones', async () => {
    const versions = (await (await fetch(`${emu.instanceUrl}/services/data/`)).json()) as Array<{ version: string; label: string; url: string }>;
    expect(versions[versions.length - 1]).toEqual({ label: "Spring '25", url: '/services/data/v63.0', version: '63.0' });
    const newer = await fetch(`${emu.instanceUrl}/services/data/v64.0/query?q=SELECT+Id+FROM+User`, { headers: { Authorization: `Bearer ${emu.accessToken}` } });
    expect(newer.status).toBe(404);
  });

  it('answers the queries a deploy tool needs', async () => {
    emu.org.addUser({ username: 'inactive@example.com', isActive: false });
    const u = await conn.query<{ Username: string; IsActive: boolean; Name: string }>(`SELECT Id, Username, Name, IsActive FROM User WHERE Username = '${emu.username}'`);
    expect(u.totalSize).toBe(1);
    expect(u.records[0]).toMatchObject({ Username: emu.username, IsActive: true });
    const org = await conn.query<Record<string, unknown>>('SELECT Id, Name, OrganizationType, IsSandbox, TrialExpirationDate, InstanceName FROM Organization');
    expect(org.records[0]).toMatchObject({ Id: emu.orgId, IsSandbox: true, TrialExpirationDate: null });
    await expect(conn.query('SELECT Id FROM ScratchOrgInfo')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
    await expect(conn.query('SELECT Nope FROM User')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });

  it('creates PermissionSetAssignments, refusing duplicates like Salesforce', async () => {
    await deployAndWait(conn, await zipBundle(ALL));
    const ps = await conn.query<{ Id: string }>("SELECT Id, Name FROM PermissionSet WHERE Name = 'EmuGraphAccess'");
    const user = await conn.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${emu.username}'`);
    const created = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: user.records[0].Id, PermissionSetId: ps.records[0].Id });
    expect(created.success).toBe(true);
    await expect(conn.sobject('PermissionSetAssignment').create({ AssigneeId: user.records[0].Id, PermissionSetId: ps.records[0].Id })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    });
    const psa = await conn.query<{ PermissionSet: { Name: string }; Assignee: { Username: string } }>(
      `SELECT Id, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment WHERE AssigneeId = '${user.records[0].Id}' AND PermissionSet.Name = 'EmuGraphAccess'`
    );
    expect(psa.records).toHaveLength(1);
    expect(psa.records[0]).toMatchObject({ PermissionSet: { Name: 'EmuGraphAccess' }, Assignee: { Username: emu.username } });
  });

  it('runs anonymous Apex: compile errors, configured success with a debug log, configured exceptions', async () => {
    const compileError = await conn.tooling.executeAnonymous("System.debug('x'");
    expect(compileError).toMatchObject({ compiled: false, success: false });
    expect(compileError.line).toBe(1);
    expect(compileError.compileProblem).toBeTruthy();

    emu.org.setApexOutcome({ success: true, log: '62.0 APEX_CODE,DEBUG\nUSER_DEBUG|[1]|DEBUG|hello' });
    const ok = await conn.tooling.executeAnonymous("System.debug('hello');");
    expect(ok).toMatchObject({ compiled: true, success: true, line: -1, column: -1, exceptionMessage: null });
    const logs = await conn.tooling.query<{ Id: string; LogLength: number }>('SELECT Id, LogLength, StartTime FROM ApexLog ORDER BY StartTime DESC LIMIT 1');
    expect(logs.records).toHaveLength(1);
    const body = await conn.request<string>(`/services/data/v62.0/tooling/sobjects/ApexLog/${logs.records[0].Id}/Body`);
    expect(String(body)).toContain('USER_DEBUG|[1]|DEBUG|hello');

    emu.org.setApexOutcome({ success: false, exceptionMessage: 'System.CalloutException: Unauthorized endpoint', exceptionStackTrace: 'AnonymousBlock: line 3, column 1' });
    const failed = await conn.tooling.executeAnonymous('Integer i = 1;');
    expect(failed).toMatchObject({ compiled: true, success: false, exceptionMessage: 'System.CalloutException: Unauthorized endpoint', line: 3, column: 1 });
  });

  it('authenticates an External Credential principal through auth-url, frontdoor and the Auth. Provider callback', async () => {
    await deployAndWait(conn, await zipBundle(ALL));
    const before = await conn.request<{ principals: Array<{ principalName: string; authenticationStatus: string }> }>('/services/data/v62.0/named-credentials/external-credentials/EmuAzureCred');
    expect(before.principals).toEqual([expect.objectContaining({ principalName: 'GraphPrincipal', principalType: 'NamedPrincipal', authenticationStatus: 'NotConfigured' })]);

    await expect(
      conn.request({ method: 'POST', url: '/services/data/v62.0/named-credentials/credential/auth-url/o-auth', body: JSON.stringify({ externalCredential: 'Nope', principalName: 'GraphPrincipal', principalType: 'NamedPrincipal', returnUrl: '/done' }), headers: { 'Content-Type': 'application/json' } })
    ).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    const { authenticationUrl } = await conn.request<{ authenticationUrl: string }>({
      method: 'POST', url: '/services/data/v62.0/named-credentials/credential/auth-url/o-auth',
      body: JSON.stringify({ externalCredential: 'EmuAzureCred', principalName: 'GraphPrincipal', principalType: 'NamedPrincipal', returnUrl: '/done' }),
      headers: { 'Content-Type': 'application/json' },
    });
    const path = authenticationUrl.slice(emu.instanceUrl.length);
    // a browser: frontdoor sets the session cookie, then follows redirects through the plugin's initiate and the callback
    let res = await fetch(`${emu.instanceUrl}/secur/frontdoor.jsp?sid=${encodeURIComponent(emu.accessToken)}&retURL=${encodeURIComponent(path)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const visited: string[] = [];
    let location = res.headers.get('location')!;
    while (location !== '/done') {
      visited.push(location.split('?')[0]);
      res = await fetch(`${emu.instanceUrl}${location}`, { redirect: 'manual', headers: { cookie } });
      expect(res.status).toBe(302);
      location = res.headers.get('location')!;
    }
    expect(visited).toEqual(['/services/auth/xds/EmuAzureCred', '/services/authcallback/EmuAzure']);
    const after = await conn.request<{ principals: Array<{ authenticationStatus: string }> }>('/services/data/v62.0/named-credentials/external-credentials/EmuAzureCred');
    expect(after.principals[0].authenticationStatus).toBe('Configured');
  });
});

describe('emulator single-use frontdoor URL', () => {
  it('issues a one-time frontdoor URL that logs a browser in once, to the requested page', async () => {
    const { emu, conn } = await start();
    try {
      const { frontdoor_uri: uri } = await conn.request<{ frontdoor_uri: string }>(`${emu.instanceUrl}/services/oauth2/singleaccess?redirect_uri=${encodeURIComponent('/lightning/setup/NamedCredential/home')}`);
      expect(uri).toMatch(/\/secur\/frontdoor\.jsp\?otp=/);
      expect(uri).not.toContain(emu.accessToken);
      const first = await fetch(uri, { redirect: 'manual' });
      expect(first.headers.get('location')).toBe('/lightning/setup/NamedCredential/home');
      expect(first.headers.get('set-cookie')).toMatch(/^sid=/);
      const again = await fetch(uri, { redirect: 'manual' });
      expect(again.headers.get('location')).toMatch(/^\/\?ec=302/);
      const bad = await fetch(`${emu.instanceUrl}/services/oauth2/singleaccess`, { headers: { authorization: 'Bearer nope' } });
      expect(bad.status).toBe(403);
    } finally {
      await emu.stop();
    }
  });
});

describe('emulator fault injection and latency', () => {
  let emu: Emulator;
  let conn: Connection;
  afterEach(async () => emu.stop());

  it('answers the next N calls of an operation with the injected status, then recovers', async () => {
    ({ emu, conn } = await start());
    emu.org.injectFault('readMetadata', 500, 2);
    emu.org.injectFault('query', 503, 1);
    await expect(conn.metadata.read('AuthProvider', 'X')).rejects.toMatchObject({ errorCode: 'sf:UNKNOWN_EXCEPTION' });
    await expect(conn.metadata.read('AuthProvider', 'X')).rejects.toMatchObject({ errorCode: 'sf:UNKNOWN_EXCEPTION' });
    await expect(conn.metadata.read('AuthProvider', 'X')).resolves.toBeDefined();
    // jsforce retries GETs answered 503, so the query succeeds on its second attempt
    await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ totalSize: 1 });
    expect(emu.org.requests.filter((r) => r.operation === 'query').map((r) => r.status)).toEqual([503, 200]);
    expect(emu.org.requests.filter((r) => r.operation === 'readMetadata').map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('drops the connection for reset faults and counts checkDeployStatus polls', async () => {
    ({ emu, conn } = await start({ queuedPolls: 2, inProgressPolls: 2 }));
    emu.org.injectFault('deploy', 'reset', 1);
    await expect(conn.metadata.deploy(await zipBundle(ALL), { rollbackOnError: true })).rejects.toThrow();
    const r = await deployAndWait(conn, await zipBundle(ALL));
    expect(r.success).toBe(true);
    expect(emu.org.callCount('deploy')).toBe(2);
    expect(emu.org.callCount('checkDeployStatus')).toBe(5);
    expect(asArray(await conn.metadata.list({ type: 'AuthProvider' }))).toHaveLength(1);
  });

  it('delays every response by the configured latency, and keeps a deploy running for deployMs', async () => {
    ({ emu, conn } = await start({ latencyMs: 150 }));
    let t = Date.now();
    await conn.query('SELECT Id FROM User');
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    await emu.stop();
    ({ emu, conn } = await start({ deployMs: 600 }));
    t = Date.now();
    await deployAndWait(conn, await zipBundle(ALL));
    expect(Date.now() - t).toBeGreaterThanOrEqual(600);
  });
});

describe('emulator CRUD metadata calls', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => ({ emu, conn } = await start()));
  afterEach(async () => emu.stop());

  it('upserts, reads, describes and deletes metadata', async () => {
    const site = { fullName: 'EmuSite', url: 'https://login.microsoftonline.com', isActive: true, disableProtocolSecurity: false };
    const created = await conn.metadata.upsert('RemoteSiteSetting', site);
    expect(created).toMatchObject({ created: true, fullName: 'EmuSite', success: true });
    const again = await conn.metadata.upsert('RemoteSiteSetting', { ...site, description: 'x' });
    expect(again).toMatchObject({ created: false, success: true });
    expect(await conn.metadata.read('RemoteSiteSetting', 'EmuSite')).toMatchObject({ fullName: 'EmuSite', description: 'x', isActive: true });

    const bad = await conn.metadata.upsert('NamedCredential', { fullName: 'Legacy', label: 'L', endpoint: 'https://x', protocol: 'Oauth', principalType: 'NamedUser', authProvider: 'Missing' });
    expect(bad).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'In field: authProvider - no AuthProvider named Missing found' }] });
    const badEnum = await conn.metadata.upsert('RemoteSiteSetting', { ...site, fullName: 'Other', isActive: 'maybe' } as unknown as typeof site);
    expect(badEnum.success).toBe(false);

    const describe = await conn.metadata.describe('62.0');
    expect(describe.metadataObjects.map((o) => o.xmlName)).toEqual(expect.arrayContaining(['AuthProvider', 'ExternalCredential', 'CustomObject']));
    expect(describe.testRequired).toBe(true);

    expect(await conn.metadata.delete('RemoteSiteSetting', 'EmuSite')).toMatchObject({ success: true });
    expect(await conn.metadata.delete('RemoteSiteSetting', 'EmuSite')).toMatchObject({ success: false });
    expect(asArray(await conn.metadata.list({ type: 'RemoteSiteSetting' }))).toHaveLength(0);
  });
});

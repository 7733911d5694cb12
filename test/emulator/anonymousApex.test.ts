/**
 * The emulator's model of anonymous Apex: compile errors for unknown types, and callouts through Named Credentials
 * with Salesforce's own checks, the outside world's answer, the refresh-and-retry on 401, and the debug log that
 * the Apex SOAP API returns when asked with a DebuggingHeader.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import type { CalloutRequest } from './anonymousApex.js';
import { deployAndWait, start } from './helpers.js';
import { edit, loadFixture, zipBundle } from './fixtures.js';

const PERMSET = 'permissionsets/EmuGraphAccess.permissionset';
/** The fixture, with the User External Credential access that named-principal callouts also need. */
const BUNDLE = edit(loadFixture('valid'), PERMSET, (xml) =>
  xml.replace(
    '</PermissionSet>',
    '    <objectPermissions><allowCreate>true</allowCreate><allowDelete>true</allowDelete><allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>true</modifyAllRecords><object>UserExternalCredential</object><viewAllRecords>true</viewAllRecords></objectPermissions>\n</PermissionSet>'
  )
);
const CALLOUT = "HttpRequest r = new HttpRequest();\nr.setEndpoint('callout:EmuGraph/v1.0/organization');\nr.setMethod('GET');\nHttpResponse s = new Http().send(r);";

let emu: Emulator;
let conn: Connection;
let seen: CalloutRequest[];

beforeEach(async () => {
  ({ emu, conn } = await start());
  expect(await deployAndWait(conn, await zipBundle(BUNDLE))).toMatchObject({ success: true });
  seen = [];
  emu.org.setCalloutResponder((request) => {
    seen.push(request);
    return request.authorized ? { status: 200, body: '{"value":[]}' } : { status: 401 };
  });
});
afterEach(async () => emu.stop());

async function assign(): Promise<void> {
  const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'EmuGraphAccess'");
  await conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.org.adminUser.id, PermissionSetId: ps.records[0].Id });
}
const authenticate = (): void => void emu.org.configuredPrincipals.add('emuazurecred|graphprincipal');

/** executeAnonymous over the Apex SOAP API with a DebuggingHeader, as sf apex run does; returns result and log. */
async function soapRun(apex: string): Promise<{ xml: string; log: string }> {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const res = await fetch(`${emu.instanceUrl}/services/Soap/s/64.0`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
    body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:apex="http://soap.sforce.com/2006/08/apex"><soapenv:Header><apex:SessionHeader><apex:sessionId>${emu.accessToken}</apex:sessionId></apex:SessionHeader><apex:DebuggingHeader><apex:categories><apex:category>Callout</apex:category><apex:level>Info</apex:level></apex:categories><apex:debugLevel>None</apex:debugLevel></apex:DebuggingHeader></soapenv:Header><soapenv:Body><apex:executeAnonymous><apex:String>${esc(apex)}</apex:String></apex:executeAnonymous></soapenv:Body></soapenv:Envelope>`,
  });
  const xml = await res.text();
  const log = /<debugLog>([\s\S]*?)<\/debugLog>/.exec(xml)?.[1] ?? '';
  return { xml, log: log.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') };
}

describe('anonymous Apex: compile', () => {
  it('refuses types the org does not have, and accepts its classes, types and system types', async () => {
    const missing = await conn.tooling.executeAnonymous('Object x = new NoSuchPlugin().refresh(null, null);');
    expect(missing).toMatchObject({ compiled: false, compileProblem: 'Invalid type: NoSuchPlugin', line: 1, column: 16 });
    const missingType = await conn.tooling.executeAnonymous("No_Such__mdt r = No_Such__mdt.getInstance('x');");
    expect(missingType).toMatchObject({ compiled: false, compileProblem: 'Invalid type: No_Such__mdt' });
    const known = await conn.tooling.executeAnonymous("EmuConfig__mdt r = EmuConfig__mdt.getInstance('Default');\nMap<String, String> m = new Map<String, String>();\nObject p = new EmuAuthPlugin();");
    expect(known).toMatchObject({ compiled: true, success: true });
  });
});

describe('anonymous Apex: callouts through a Named Credential', () => {
  it("fails with Salesforce's credential error when no assigned permission set grants the principal", async () => {
    authenticate();
    const result = await conn.tooling.executeAnonymous(CALLOUT);
    expect(result).toMatchObject({ success: false, line: 2 });
    expect(result.exceptionMessage).toBe(
      'System.CalloutException: We couldn\'t access the credential(s). You might not have the required permissions, or the external credential "EmuAzureCred" might not exist.'
    );
    expect(seen).toHaveLength(0);
  });

  it('needs the User External Credential object as well as the principal', async () => {
    await emu.stop();
    ({ emu, conn } = await start());
    expect(await deployAndWait(conn, await zipBundle(loadFixture('valid')))).toMatchObject({ success: true });
    await assign();
    authenticate();
    const result = await conn.tooling.executeAnonymous(CALLOUT);
    expect(result.exceptionMessage).toMatch(/We couldn't access the credential/);
  });

  it('sends no Authorization when the principal was never authenticated, so the API answers 401 and no refresh happens', async () => {
    await assign();
    const { log } = await soapRun(CALLOUT);
    expect(seen).toEqual([{ url: 'https://graph.microsoft.com/v1.0/organization', method: 'GET', namedCredential: 'EmuGraph', authorized: false, attempt: 1 }]);
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=Unauthorized, StatusCode=401]');
  });

  it('calls the API with the token once authenticated, and logs request and response lines', async () => {
    await assign();
    authenticate();
    const { xml, log } = await soapRun(CALLOUT);
    expect(xml).toContain('<success>true</success>');
    expect(seen.map((request) => request.authorized)).toEqual([true]);
    expect(log).toContain('|CALLOUT_REQUEST|[2]|System.HttpRequest[Endpoint=callout:EmuGraph/v1.0/organization, Method=GET]');
    expect(log).toContain('|CALLOUT_RESPONSE|[2]|System.HttpResponse[Status=OK, StatusCode=200]');
    expect(log).toMatch(/^64\.0 APEX_CODE/);
    expect(log).toContain("Execute Anonymous: r.setEndpoint('callout:EmuGraph/v1.0/organization');");
  });

  it('refreshes and retries once on 401, and not on 403', async () => {
    await assign();
    authenticate();
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 401 }));
    await soapRun(CALLOUT);
    expect(seen.map((request) => request.attempt)).toEqual([1, 2]);
    seen = [];
    emu.org.setCalloutResponder((request) => (seen.push(request), { status: 403 }));
    const { log } = await soapRun(CALLOUT);
    expect(seen).toHaveLength(1);
    expect(log).toContain('StatusCode=403');
  });

  it('fails for a Named Credential that does not exist', async () => {
    const result = await conn.tooling.executeAnonymous("HttpRequest r = new HttpRequest();\nr.setEndpoint('callout:Nope/x');");
    expect(result).toMatchObject({ success: false, exceptionMessage: 'System.UnexpectedException: Script-thrown exception' });
  });

  it('lets a scripted outcome take precedence, and writes it into the debug log', async () => {
    emu.org.setApexOutcome((body) => (body.includes('callout:') ? { success: false, exceptionMessage: 'System.CalloutException: Read timed out', exceptionStackTrace: 'AnonymousBlock: line 4, column 1' } : undefined));
    expect(await conn.tooling.executeAnonymous(CALLOUT)).toMatchObject({ success: false, exceptionMessage: 'System.CalloutException: Read timed out', line: 4 });
    expect(await conn.tooling.executeAnonymous('Integer i = 1;')).toMatchObject({ success: true });
    const { log } = await soapRun(CALLOUT);
    expect(log).toContain('|FATAL_ERROR|System.CalloutException: Read timed out');
  });
});

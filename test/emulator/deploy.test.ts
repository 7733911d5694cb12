/**
 * Deploy semantics of the emulated org, driven through jsforce over real HTTP.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { edit, loadFixture, packageXml, subset, zipBundle } from './fixtures.js';

const ALL = loadFixture('valid');

type Msg = { componentType?: string; fullName: string; problem?: string; created: string | boolean; changed: string | boolean; lineNumber?: string | number; columnNumber?: string | number; fileName: string; success: string | boolean };
const failures = (r: { details?: unknown }): Msg[] => asArray((r.details as { componentFailures?: Msg | Msg[] })?.componentFailures);
const successes = (r: { details?: unknown }): Msg[] => asArray((r.details as { componentSuccesses?: Msg | Msg[] })?.componentSuccesses);

describe('emulator deploy', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => {
    ({ emu, conn } = await start({ orgType: 'sandbox' }));
  });
  afterEach(async () => emu.stop());

  it('deploys the valid bundle asynchronously, then readMetadata/listMetadata/query return it', async () => {
    const zip = await zipBundle(ALL);
    const states: string[] = [];
    const locator = conn.metadata.deploy(zip, { rollbackOnError: true });
    const { id } = await locator;
    for (;;) {
      const s = await conn.metadata.checkDeployStatus(id, false);
      states.push(String(s.status));
      if (String(s.done) === 'true') break;
    }
    expect(states).toEqual(['Pending', 'InProgress', 'Succeeded']);
    const result = await conn.metadata.checkDeployStatus(id, true);
    expect(result.success).toBe(true);
    expect(result.numberComponentsTotal).toBe(9); // package.xml is reported but not counted
    expect(failures(result)).toHaveLength(0);
    const ok = successes(result);
    const pkg = ok.find((m) => m.fullName === 'package.xml')!;
    expect(pkg.fileName).toBe('unpackaged/package.xml');
    const ap = ok.find((m) => m.componentType === 'AuthProvider')!;
    expect(ap).toMatchObject({ fullName: 'EmuAzure', fileName: 'unpackaged/authproviders/EmuAzure.authprovider', created: true, changed: false });

    const read = (await conn.metadata.read('AuthProvider', 'EmuAzure')) as unknown as Record<string, unknown>;
    expect(read).toMatchObject({ fullName: 'EmuAzure', plugin: 'EmuAuthPlugin', providerType: 'Custom', friendlyName: 'Emu Azure', executionUser: emu.username });
    const ec = (await (conn.metadata.read as (t: string, n: string) => Promise<unknown>).call(conn.metadata, 'ExternalCredential', 'EmuAzureCred')) as unknown as { externalCredentialParameters: unknown[] };
    expect(ec.externalCredentialParameters).toHaveLength(2);
    const obj = (await conn.metadata.read('CustomObject', 'EmuConfig__mdt')) as unknown as { fields: Array<{ fullName: string }> };
    expect(obj.fields.map((f) => f.fullName)).toEqual(['Client_ID__c', 'Tenant_ID__c']);
    const both = (await conn.metadata.read('AuthProvider', ['EmuAzure', 'Nope'])) as Array<{ fullName?: string }>;
    expect(both.map((r) => r.fullName)).toEqual(['EmuAzure', undefined]);

    const classes = asArray(await conn.metadata.list({ type: 'ApexClass' }));
    expect(classes.map((c) => c.fullName).sort()).toEqual(['EmuAuthPlugin', 'EmuAuthPluginTest']);
    const fields = asArray(await conn.metadata.list({ type: 'CustomField' }));
    expect(fields.map((c) => c.fullName).sort()).toEqual(['EmuConfig__mdt.Client_ID__c', 'EmuConfig__mdt.Tenant_ID__c']);
    const q = await conn.query<{ DeveloperName: string; ProviderType: string }>("SELECT Id, DeveloperName, ProviderType FROM AuthProvider WHERE DeveloperName = 'EmuAzure'");
    expect(q.records[0]).toMatchObject({ DeveloperName: 'EmuAzure', ProviderType: 'Custom' });
  });

  it('reports created/changed correctly on redeploys', async () => {
    await deployAndWait(conn, await zipBundle(ALL));
    const again = await deployAndWait(conn, await zipBundle(ALL));
    const ap = successes(again).find((m) => m.componentType === 'AuthProvider')!;
    expect(ap).toMatchObject({ created: false, changed: false });
    const changed = edit(ALL, 'authproviders/EmuAzure.authprovider', (s) => s.replace('Emu Azure<', 'Emu Azure v2<'));
    const third = await deployAndWait(conn, await zipBundle(changed));
    expect(successes(third).find((m) => m.componentType === 'AuthProvider')).toMatchObject({ created: false, changed: true });
    expect(successes(third).find((m) => m.componentType === 'ApexClass')).toMatchObject({ created: false, changed: false });
    const read = (await conn.metadata.read('AuthProvider', 'EmuAzure')) as unknown as { friendlyName: string };
    expect(read.friendlyName).toBe('Emu Azure v2');
  });

  it('accepts a zip without a root folder when singlePackage is true, and refuses a prefixed one', async () => {
    const ok = await deployAndWait(conn, await zipBundle(ALL, ''), { singlePackage: true });
    expect(ok.success).toBe(true);
    expect(successes(ok).find((m) => m.fullName === 'package.xml')!.fileName).toBe('package.xml');
    const bad = await deployAndWait(conn, await zipBundle(ALL, 'unpackaged/'), { singlePackage: true });
    expect(bad.success).toBe(false);
    expect(failures(bad)[0].problem).toBe('No package.xml found');
  });

  it('fails an Auth. Provider whose plugin class is missing, naming the component, and stores nothing', async () => {
    const files = [...ALL.keys()].filter((f) => !f.startsWith('classes/') && f !== 'package.xml');
    const types = { AuthProvider: ['EmuAzure'], CustomMetadata: ['EmuConfig.Default'], CustomObject: ['EmuConfig__mdt'], ExternalCredential: ['EmuAzureCred'], NamedCredential: ['EmuGraph'], PermissionSet: ['EmuGraphAccess'], RemoteSiteSetting: ['EmuLogin'] };
    const r = await deployAndWait(conn, await zipBundle(subset(ALL, types, files)));
    expect(r.success).toBe(false);
    expect(r.status).toBe('Failed');
    const f = failures(r);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ componentType: 'AuthProvider', fullName: 'EmuAzure', problem: 'In field: plugin - no ApexClass named EmuAuthPlugin found' });
    expect(r.numberComponentErrors).toBe(1);
    for (const type of ['AuthProvider', 'RemoteSiteSetting', 'CustomObject', 'ExternalCredential']) {
      expect(asArray(await conn.metadata.list({ type }))).toHaveLength(0);
    }
  });

  it('checks the plugin extends Auth.AuthProviderPluginClass and resolves against classes already in the org', async () => {
    const notPlugin = edit(ALL, 'classes/EmuAuthPlugin.cls', (s) => s.replace(' extends Auth.AuthProviderPluginClass', ''));
    const r = await deployAndWait(conn, await zipBundle(notPlugin));
    expect(failures(r).map((m) => m.problem)).toEqual(['In field: plugin - EmuAuthPlugin must extend Auth.AuthProviderPluginClass']);

    emu.org.addMetadata('ApexClass', 'EmuAuthPlugin', ALL.get('classes/EmuAuthPlugin.cls-meta.xml')!, ALL.get('classes/EmuAuthPlugin.cls'));
    const files = [...ALL.keys()].filter((f) => !f.startsWith('classes/') && f !== 'package.xml');
    const types = { AuthProvider: ['EmuAzure'], CustomMetadata: ['EmuConfig.Default'], CustomObject: ['EmuConfig__mdt'], ExternalCredential: ['EmuAzureCred'], NamedCredential: ['EmuGraph'], PermissionSet: ['EmuGraphAccess'], RemoteSiteSetting: ['EmuLogin'] };
    const ok = await deployAndWait(conn, await zipBundle(subset(ALL, types, files)));
    expect(failures(ok)).toEqual([]);
    expect(ok.success).toBe(true);
  });

  it('checkOnly validates but stores nothing', async () => {
    const r = await deployAndWait(conn, await zipBundle(ALL), { checkOnly: true });
    expect(r.success).toBe(true);
    expect(r.checkOnly).toBe(true);
    expect(successes(r).find((m) => m.componentType === 'AuthProvider')).toMatchObject({ created: true });
    expect(asArray(await conn.metadata.list({ type: 'AuthProvider' }))).toHaveLength(0);
    // a missing record comes back as <records xsi:nil="true"/>, which jsforce casts to an object without fullName
    expect(((await conn.metadata.read('AuthProvider', 'EmuAzure')) as { fullName?: string }).fullName).toBeUndefined();
  });

  it('rejects malformed XML, bad enums and missing required elements (element order is free: platformRules.test.ts)', async () => {
    const cases: Array<[string, (s: string) => string, RegExp]> = [
      ['authproviders/EmuAzure.authprovider', (s) => s.replace('</friendlyName>', '</friendlyNam>'), /^Error parsing file: /],
      ['authproviders/EmuAzure.authprovider', (s) => s.replace('<providerType>Custom', '<providerType>Custm'), /^Error parsing file: 'Custm' is not a valid value for the enum 'AuthProviderType'$/],
      ['authproviders/EmuAzure.authprovider', (s) => s.replace('    <friendlyName>Emu Azure</friendlyName>\n', ''), /^Required field is missing: friendlyName$/],
      ['remoteSiteSettings/EmuLogin.remoteSite', (s) => s.replace('<isActive>true', '<isActive>yes'), /xsd:boolean/],
      ['externalCredentials/EmuAzureCred.externalCredential', (s) => s.replace('<authenticationProtocol>Oauth', '<authenticationProtocol>OAuth'), /'OAuth' is not a valid value for the enum 'AuthenticationProtocol'/],
      ['objects/EmuConfig__mdt.object', (s) => s.replace('<type>Text</type>', '<type>Txt</type>'), /'Txt' is not a valid value for the enum 'FieldType'/],
      ['namedCredentials/EmuGraph.namedCredential', (s) => s.replace('<label>', '<bogus>x</bogus><label>'), /Element \{http:\/\/soap.sforce.com\/2006\/04\/metadata\}bogus invalid at this location in type NamedCredential/],
    ];
    for (const [path, fn, problem] of cases) {
      const r = await deployAndWait(conn, await zipBundle(edit(ALL, path, fn)));
      expect(r.success).toBe(false);
      const f = failures(r);
      expect(f.length).toBeGreaterThanOrEqual(1);
      expect(f[0].problem).toMatch(problem);
      expect(f[0].lineNumber).toBeDefined();
    }
    expect(asArray(await conn.metadata.list({ type: 'AuthProvider' }))).toHaveLength(0);
  });

  it('reports Apex syntax errors with line and column', async () => {
    const broken = edit(ALL, 'classes/EmuAuthPlugin.cls', (s) => s.replace("return 'EmuConfig__mdt';", "return 'EmuConfig__mdt'"));
    const r = await deployAndWait(conn, await zipBundle(broken));
    const f = failures(r).find((m) => m.componentType === 'ApexClass')!;
    expect(f).toMatchObject({ fullName: 'EmuAuthPlugin', fileName: 'unpackaged/classes/EmuAuthPlugin.cls', lineNumber: 4 });
    expect(Number(f.columnNumber)).toBeGreaterThan(0);
    expect(f.problem).toMatch(/Missing ';'|Unexpected token/);
  });

  it('resolves executionUser, customMetadataTypeRecord, credentials, principals and record fields', async () => {
    const cases: Array<[string, (s: string) => string, string]> = [
      ['authproviders/EmuAzure.authprovider', (s) => s.replace(emu.username, 'ghost@example.com'), 'In field: executionUser - no User named ghost@example.com found'],
      ['authproviders/EmuAzure.authprovider', (s) => s.replace('EmuConfig__mdt.Default', 'EmuConfig__mdt.Other'), 'In field: customMetadataTypeRecord - no CustomMetadata named EmuConfig__mdt.Other found'],
      ['externalCredentials/EmuAzureCred.externalCredential', (s) => s.replace('<authProvider>EmuAzure', '<authProvider>Nope'), 'In field: authProvider - no AuthProvider named Nope found'],
      ['namedCredentials/EmuGraph.namedCredential', (s) => s.replace('<externalCredential>EmuAzureCred', '<externalCredential>NoCred'), 'In field: externalCredential - no ExternalCredential named NoCred found'],
      ['permissionsets/EmuGraphAccess.permissionset', (s) => s.replace('EmuAzureCred-GraphPrincipal', 'EmuAzureCred-Other'), 'In field: externalCredentialPrincipal - no ExternalCredentialParameter named EmuAzureCred-Other found'],
      ['customMetadata/EmuConfig.Default.md', (s) => s.replace('<field>Tenant_ID__c', '<field>Tenant__c'), 'In field: field - no CustomField named EmuConfig__mdt.Tenant__c found'],
      ['customMetadata/EmuConfig.Default.md', (s) => s.replace(/<value xsi:type="xsd:string">3f1c[^<]*<\/value>/, '<value xsi:nil="true"/>'), 'Required fields are missing: [Client_ID__c]'],
      ['objects/EmuConfig__mdt.object', (s) => s.replace('    <fields>', '    <deploymentStatus>Deployed</deploymentStatus>\n    <fields>'), 'Cannot specify: deploymentStatus for Custom Metadata Type'],
    ];
    for (const [path, fn, problem] of cases) {
      const r = await deployAndWait(conn, await zipBundle(edit(ALL, path, fn)));
      expect(r.success).toBe(false);
      expect(failures(r).map((m) => m.problem)).toContain(problem);
    }
    // a legacy Named Credential naming an unknown Auth. Provider
    const legacy = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
    <authProvider>Missing</authProvider>
    <endpoint>https://graph.microsoft.com</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>Legacy</label>
    <principalType>NamedUser</principalType>
    <protocol>Oauth</protocol>
</NamedCredential>
`;
    const bundle = new Map([['namedCredentials/Legacy.namedCredential', legacy], ['package.xml', packageXml({ NamedCredential: ['Legacy'] })]]);
    const r = await deployAndWait(conn, await zipBundle(bundle));
    expect(failures(r)[0]).toMatchObject({ componentType: 'NamedCredential', fullName: 'Legacy', problem: 'In field: authProvider - no AuthProvider named Missing found' });
  });

  it('reports package.xml members missing from the zip', async () => {
    const b = new Map(ALL);
    b.delete('remoteSiteSettings/EmuLogin.remoteSite');
    const r = await deployAndWait(conn, await zipBundle(b));
    expect(failures(r)[0].problem).toBe("An object 'EmuLogin' of type RemoteSiteSetting was named in package.xml, but was not found in zipped directory");
  });

  it('answers an unknown async id with INVALID_CROSS_REFERENCE_KEY', async () => {
    await expect(conn.metadata.checkDeployStatus('0Af000000000000AAA', true)).rejects.toMatchObject({
      errorCode: 'sf:INVALID_CROSS_REFERENCE_KEY',
      message: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
    });
  });

  it('cancels a queued deploy, which then changes nothing', async () => {
    const { id } = await conn.metadata.deploy(await zipBundle(ALL), { rollbackOnError: true });
    const c = await conn.metadata.cancelDeploy(id);
    expect(c).toMatchObject({ id, done: 'true' });
    const s = await conn.metadata.checkDeployStatus(id, true);
    expect(s.status).toBe('Canceled');
    expect(asArray(await conn.metadata.list({ type: 'AuthProvider' }))).toHaveLength(0);
  });
});

describe('emulator deploy: native OAuth client-credentials External Credentials', () => {
  const NATIVE = loadFixture('native');
  const EC = 'externalCredentials/EmuNativeCred.externalCredential';
  const TOKEN_URL = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token';
  const variant = (v: string) => (s: string) => s.replace('<parameterValue>ClientCredentialsClientSecret<', `<parameterValue>${v}<`);
  const url = (u: string) => (s: string) => s.replace(TOKEN_URL, u);
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => ({ emu, conn } = await start({ orgType: 'sandbox' })));
  afterEach(async () => emu.stop());

  it.each([
    ['ClientCredentialsClientSecret', TOKEN_URL],
    ['ClientCredentialsClientSecretBasic', TOKEN_URL],
    ['ClientCredentialsJwtAssertion', TOKEN_URL],
    ['JwtBearer', TOKEN_URL],
    ['ClientCredentialsClientSecret', 'http://127.0.0.1:4555/tenant/oauth2/v2.0/token'],
    ['ClientCredentialsClientSecret', 'http://localhost/token'],
  ])('deploys the variant %s with the token endpoint %s', async (v, u) => {
    const r = await deployAndWait(conn, await zipBundle(edit(NATIVE, EC, (s) => url(u)(variant(v)(s)))));
    expect(failures(r)).toEqual([]);
    expect(r.success).toBe(true);
    expect(emu.org.get('ExternalCredential', 'EmuNativeCred')).toBeDefined();
  });

  it.each([
    ['no AuthProviderUrl', (s: string) => s.replace(/<externalCredentialParameters>\s*<parameterName>AuthProviderUrl<[\s\S]*?<\/externalCredentialParameters>\s*/, ''),
      'Required field is missing: AuthProviderUrl (the token endpoint of the AuthProtocolVariant ClientCredentialsClientSecret)'],
    ['an http token endpoint off loopback', url('http://login.microsoftonline.com/t/oauth2/v2.0/token'), 'In field: parameterValue - The AuthProviderUrl must be a valid https URL: http://login.microsoftonline.com/t/oauth2/v2.0/token'],
    ['a token endpoint that is no URL', url('login.microsoftonline.com/token'), 'In field: parameterValue - The AuthProviderUrl must be a valid https URL: login.microsoftonline.com/token'],
    ['an AuthProvider beside the variant', (s: string) => s.replace('    <externalCredentialParameters>', '    <externalCredentialParameters>\n        <authProvider>EmuAzure</authProvider>\n        <parameterGroup>DefaultGroup</parameterGroup>\n        <parameterName>AuthProvider</parameterName>\n        <parameterType>AuthProvider</parameterType>\n    </externalCredentialParameters>\n    <externalCredentialParameters>'),
      'In field: authProvider - An AuthProvider parameter can\'t be used with the AuthProtocolVariant ClientCredentialsClientSecret'],
    ['an unknown variant', variant('ClientCredentialsSecret'), "In field: parameterValue - 'ClientCredentialsSecret' is not a valid AuthProtocolVariant"],
    ['an OAuth variant on another protocol', (s: string) => s.replace('<authenticationProtocol>Oauth<', '<authenticationProtocol>Custom<'),
      "In field: parameterValue - The AuthProtocolVariant ClientCredentialsClientSecret can't be used with the Custom authentication protocol"],
  ])('refuses %s, naming the External Credential, and stores nothing', async (_case, fn, problem) => {
    const r = await deployAndWait(conn, await zipBundle(edit(NATIVE, EC, fn)));
    expect(r.success).toBe(false);
    expect(failures(r)).toContainEqual(expect.objectContaining({ componentType: 'ExternalCredential', fullName: 'EmuNativeCred', problem }));
    expect(emu.org.get('ExternalCredential', 'EmuNativeCred')).toBeUndefined();
  });

  it('refuses the same through a CRUD upsert, and still takes a browser-flow External Credential', async () => {
    const ec = {
      fullName: 'Crud', label: 'Crud', authenticationProtocol: 'Oauth',
      externalCredentialParameters: [
        { parameterName: 'AuthProtocolVariant', parameterType: 'AuthProtocolVariant', parameterValue: 'ClientCredentialsClientSecretBasic' },
        { parameterName: 'AuthProviderUrl', parameterType: 'AuthProviderUrl', parameterValue: 'ftp://example.com/token' },
      ],
    };
    expect(await conn.metadata.upsert('ExternalCredential', ec)).toMatchObject({
      success: false, errors: [expect.objectContaining({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'In field: parameterValue - The AuthProviderUrl must be a valid https URL: ftp://example.com/token' })],
    });
    ec.externalCredentialParameters[1].parameterValue = 'https://example.com/token';
    expect(await conn.metadata.upsert('ExternalCredential', ec)).toMatchObject({ success: true, created: true });
    const r = await deployAndWait(conn, await zipBundle(ALL));
    expect(r.success).toBe(true);
  });
});

describe('emulator test levels', () => {
  let emu: Emulator;
  let conn: Connection;
  afterEach(async () => emu.stop());

  it('refuses NoTestRun with Apex on production, accepts it without Apex', async () => {
    ({ emu, conn } = await start({ orgType: 'production' }));
    await expect(deployAndWait(conn, await zipBundle(ALL), { testLevel: 'NoTestRun' })).rejects.toMatchObject({
      errorCode: 'sf:INVALID_OPERATION',
      message: 'INVALID_OPERATION: testLevel of NoTestRun cannot be used in production organizations',
    });
    const rs = subset(ALL, { RemoteSiteSetting: ['EmuLogin'] }, ['remoteSiteSettings/EmuLogin.remoteSite']);
    const r = await deployAndWait(conn, await zipBundle(rs), { testLevel: 'NoTestRun' });
    expect(r.success).toBe(true);
  });

  it('runs the specified tests and reports them', async () => {
    ({ emu, conn } = await start({ orgType: 'production' }));
    const r = await deployAndWait(conn, await zipBundle(ALL), { testLevel: 'RunSpecifiedTests', runTests: ['EmuAuthPluginTest'] });
    expect(r.success).toBe(true);
    expect(r.numberTestsTotal).toBe(2);
    expect(r.numberTestsCompleted).toBe(2);
    expect(r.runTestsEnabled).toBe(true);
    const rtr = (r.details as unknown as { runTestResult: { numTestsRun: string; successes: unknown; codeCoverage: { name: string } } }).runTestResult;
    expect(Number(rtr.numTestsRun)).toBe(2);
    expect(asArray(rtr.successes)).toHaveLength(2);
    expect(asArray(rtr.codeCoverage).map((c) => c.name)).toEqual(['EmuAuthPlugin']);
  });

  it('fails when a specified test class does not exist, or a test fails, or coverage is too low', async () => {
    ({ emu, conn } = await start({ orgType: 'production' }));
    const missing = await deployAndWait(conn, await zipBundle(ALL), { testLevel: 'RunSpecifiedTests', runTests: ['NoSuchTest'] });
    expect(missing.success).toBe(false);
    expect(missing.errorMessage).toMatch(/NoSuchTest/);

    emu.org.setTestOutcome('EmuAuthPluginTest.initiateRedirectsToCallback', { pass: false, message: 'System.AssertException: Assertion Failed', stackTrace: 'Class.EmuAuthPluginTest.initiateRedirectsToCallback: line 11, column 1' });
    const failing = await deployAndWait(conn, await zipBundle(ALL), { testLevel: 'RunLocalTests' });
    expect(failing.success).toBe(false);
    expect(failing.numberTestErrors).toBe(1);
    const rtr = (failing.details as unknown as { runTestResult: { failures: { methodName: string; message: string } } }).runTestResult;
    expect(asArray(rtr.failures)[0]).toMatchObject({ methodName: 'initiateRedirectsToCallback', message: 'System.AssertException: Assertion Failed' });
    expect(asArray(await conn.metadata.list({ type: 'ApexClass' }))).toHaveLength(0);

    emu.org.setTestOutcome('EmuAuthPluginTest', { pass: true });
    emu.org.setTestOutcome('EmuAuthPluginTest.initiateRedirectsToCallback', { pass: true });
    emu.org.setCoverage('EmuAuthPlugin', 60);
    const low = await deployAndWait(conn, await zipBundle(ALL), { testLevel: 'RunSpecifiedTests', runTests: ['EmuAuthPluginTest'] });
    expect(low.success).toBe(false);
    const w = (low.details as unknown as { runTestResult: { codeCoverageWarnings: { message: string } } }).runTestResult;
    expect(asArray(w.codeCoverageWarnings)[0].message).toBe('Test coverage of selected Apex Class is 60%, at least 75% test coverage is required');
  });

  it('defaults to RunLocalTests for Apex on production and NoTestRun on a sandbox', async () => {
    ({ emu, conn } = await start({ orgType: 'production' }));
    const prod = await deployAndWait(conn, await zipBundle(ALL));
    expect(prod.numberTestsTotal).toBe(2);
    await emu.stop();
    ({ emu, conn } = await start({ orgType: 'scratch' }));
    const scratch = await deployAndWait(conn, await zipBundle(ALL));
    expect(scratch.success).toBe(true);
    expect(scratch.numberTestsTotal).toBe(0);
  });
});

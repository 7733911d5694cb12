/**
 * Deploy rules held against real orgs (issue 19, items 3 to 5): element order is free, each file is judged by its
 * package.xml version, and references the org can know are checked. Every case is a real jsforce deploy.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { type Bundle, edit, loadFixture, packageXml, zipBundle } from './fixtures.js';

const ALL = loadFixture('valid');
const MD = 'http://soap.sforce.com/2006/04/metadata';

type Msg = { componentType?: string; fullName: string; problem?: string; fileName: string };
const failures = (r: { details?: unknown }): Msg[] => asArray((r.details as { componentFailures?: Msg | Msg[] })?.componentFailures);
const problems = (r: { details?: unknown }): string[] => failures(r).map((f) => f.problem ?? '');

/** A bundle of the given files (path -> content) with a package.xml of this version. */
function bundle(files: Record<string, string>, types: Record<string, string[]>, version: string): Bundle {
  return new Map([...Object.entries(files), ['package.xml', packageXml(types, version)]]);
}

const ec = (params: string, protocol = 'Custom'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalCredential xmlns="${MD}">\n    <authenticationProtocol>${protocol}</authenticationProtocol>\n${params}    <label>Rules Cred</label>\n</ExternalCredential>\n`;
const namedPrincipal = (extra = ''): string =>
  `    <externalCredentialParameters>\n        <parameterGroup>Main</parameterGroup>\n        <parameterName>Main</parameterName>\n        <parameterType>NamedPrincipal</parameterType>\n${extra}        <sequenceNumber>1</sequenceNumber>\n    </externalCredentialParameters>\n`;
const permissionSet = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="${MD}">\n    <hasActivationRequired>false</hasActivationRequired>\n    <label>Rules Access</label>\n${body}</PermissionSet>\n`;
const objectPermission = (object: string): string =>
  `    <objectPermissions>\n        <allowCreate>false</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>false</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>${object}</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n`;
const fieldPermission = (field: string): string =>
  `    <fieldPermissions>\n        <editable>false</editable>\n        <field>${field}</field>\n        <readable>true</readable>\n    </fieldPermissions>\n`;

const RULES_OBJECT = `<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="${MD}">\n    <deploymentStatus>Deployed</deploymentStatus>\n    <fields>\n        <fullName>Level__c</fullName>\n        <label>Level</label>\n        <length>40</length>\n        <type>Text</type>\n    </fields>\n    <label>Rule</label>\n    <pluralLabel>Rules</pluralLabel>\n    <sharingModel>ReadWrite</sharingModel>\n</CustomObject>\n`;

const EC_FILE = 'externalCredentials/RulesCred.externalCredential';
const PS_FILE = 'permissionsets/RulesAccess.permissionset';

describe('emulator deploy: element order, API versions, references', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => {
    ({ emu, conn } = await start({ orgType: 'sandbox' }));
  });
  afterEach(async () => emu.stop());

  describe('element order (orgs deploy hand-written files in any order)', () => {
    it('deploys a permission set, an Auth. Provider and an External Credential whose elements are out of schema order', async () => {
      let files = edit(ALL, 'permissionsets/EmuGraphAccess.permissionset', (s) =>
        s.replace('    <label>Emu Graph Access</label>\n', '').replace('<description>', '<label>Emu Graph Access</label>\n    <description>')
      );
      files = edit(files, 'authproviders/EmuAzure.authprovider', (s) =>
        s.replace('    <friendlyName>Emu Azure</friendlyName>\n', '').replace('<providerType>', '<friendlyName>Emu Azure</friendlyName>\n    <providerType>')
      );
      // as the guide's ExternalCredential sample: label first, parameterType after parameterName's siblings
      files = edit(files, 'externalCredentials/EmuAzureCred.externalCredential', (s) =>
        s
          .replace('    <label>Emu Azure Credential</label>\n', '')
          .replace('<authenticationProtocol>', '<label>Emu Azure Credential</label>\n    <authenticationProtocol>')
          .replace('<parameterType>NamedPrincipal</parameterType>\n        <sequenceNumber>1</sequenceNumber>', '<sequenceNumber>1</sequenceNumber>\n        <parameterType>NamedPrincipal</parameterType>')
      );
      const r = await deployAndWait(conn, await zipBundle(files));
      expect(problems(r)).toEqual([]);
      expect(r.success).toBe(true);
      expect(await conn.metadata.read('PermissionSet', 'EmuGraphAccess')).toMatchObject({ label: 'Emu Graph Access' });
      expect(await conn.metadata.read('AuthProvider', 'EmuAzure')).toMatchObject({ friendlyName: 'Emu Azure' });
    });

    it('still checks element names, counts, required elements, enums and types in any order', async () => {
      const cases: Array<[(s: string) => string, RegExp]> = [
        [(s) => s.replace('<label>', '<labl>x</labl><label>'), /Element \{http:\/\/soap.sforce.com\/2006\/04\/metadata\}labl invalid at this location in type PermissionSet/],
        [(s) => s.replace('<description>', '<label>Twice</label>\n    <description>'), /Element \{http:\/\/soap.sforce.com\/2006\/04\/metadata\}label invalid at this location in type PermissionSet/],
        [(s) => s.replace('    <label>Emu Graph Access</label>\n', ''), /^Required field is missing: label$/],
        [(s) => s.replace('<enabled>true', '<enabled>yes'), /xsd:boolean/],
      ];
      for (const [fn, problem] of cases) {
        const r = await deployAndWait(conn, await zipBundle(edit(ALL, 'permissionsets/EmuGraphAccess.permissionset', fn)));
        expect(r.success).toBe(false);
        expect(problems(r)[0]).toMatch(problem);
      }
      const enumCase = edit(ALL, 'authproviders/EmuAzure.authprovider', (s) => s.replace('<providerType>Custom', '<providerType>Custm'));
      expect(problems(await deployAndWait(conn, await zipBundle(enumCase)))[0]).toMatch(/'Custm' is not a valid value for the enum 'AuthProviderType'/);
    });
  });

  describe('API versions (a file is judged by its package.xml <version>)', () => {
    const custom = { [EC_FILE]: ec(namedPrincipal()) };
    const types = { ExternalCredential: ['RulesCred'] };

    it('refuses a package whose <version> is not a real API version, or is above the org newest, and stores nothing', async () => {
      for (const version of ['${version}', 'abc', '64', '65.0']) {
        const r = await deployAndWait(conn, await zipBundle(bundle(custom, types, version)));
        expect(r.success).toBe(false);
        expect(failures(r)).toEqual([expect.objectContaining({ fullName: 'package.xml', fileName: 'unpackaged/package.xml', problem: `Invalid version specified:${version}` })]);
      }
      expect(asArray(await conn.metadata.list({ type: 'ExternalCredential' }))).toHaveLength(0);
      const ok = await deployAndWait(conn, await zipBundle(bundle(custom, types, '64.0')));
      expect(problems(ok)).toEqual([]);
      expect(ok.success).toBe(true);
    });

    it('takes a version up to the org newest, which the emulator option sets', async () => {
      const newer = await start({ orgType: 'sandbox', apiVersion: '66.0' });
      try {
        const r = await deployAndWait(newer.conn, await zipBundle(bundle(custom, types, '65.0')));
        expect(problems(r)).toEqual([]);
        expect(r.success).toBe(true);
      } finally {
        await newer.emu.stop();
      }
    });

    it('refuses a type in a package older than the type (External Credentials arrived in 56.0)', async () => {
      const r = await deployAndWait(conn, await zipBundle(bundle(custom, types, '55.0')));
      expect(r.success).toBe(false);
      expect(problems(r)).toEqual(["Unknown type name 'ExternalCredential' specified in package.xml"]);
      const ok = await deployAndWait(conn, await zipBundle(bundle(custom, types, '56.0')));
      expect(ok.success).toBe(true);
    });

    it("accepts a NamedPrincipal parameter's <principal> below 58.0 and refuses it from 58.0 on", async () => {
      const withPrincipal = { [EC_FILE]: ec(namedPrincipal('        <principal>Rules_Access</principal>\n')) };
      for (const version of ['56.0', '57.0']) {
        const r = await deployAndWait(conn, await zipBundle(bundle(withPrincipal, types, version)));
        expect(problems(r)).toEqual([]);
        expect(r.success).toBe(true);
      }
      for (const version of ['58.0', '64.0']) {
        const r = await deployAndWait(conn, await zipBundle(bundle(withPrincipal, types, version)));
        expect(r.success).toBe(false);
        expect(failures(r)[0]).toMatchObject({ componentType: 'ExternalCredential', fullName: 'RulesCred', problem: `Property 'principal' not valid in version ${version}` });
      }
    });

    it("refuses elements newer than the package: a permission set's principal access below 59.0, the 56.0 Named Credential model below 56.0", async () => {
      const access = `    <externalCredentialPrincipalAccesses>\n        <enabled>true</enabled>\n        <externalCredentialPrincipal>RulesCred-Main</externalCredentialPrincipal>\n    </externalCredentialPrincipalAccesses>\n`;
      const files = { [EC_FILE]: ec(namedPrincipal()), [PS_FILE]: permissionSet(access) };
      const both = { ExternalCredential: ['RulesCred'], PermissionSet: ['RulesAccess'] };
      const old = await deployAndWait(conn, await zipBundle(bundle(files, both, '58.0')));
      expect(failures(old)).toEqual([expect.objectContaining({ componentType: 'PermissionSet', problem: "Property 'externalCredentialPrincipalAccesses' not valid in version 58.0" })]);
      const ok = await deployAndWait(conn, await zipBundle(bundle(files, both, '59.0')));
      expect(problems(ok)).toEqual([]);
      expect(ok.success).toBe(true);

      const nc = `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="${MD}">\n    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>\n    <endpoint>https://graph.microsoft.com</endpoint>\n    <label>Rules</label>\n    <namedCredentialType>Legacy</namedCredentialType>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`;
      const ncFiles = { 'namedCredentials/Rules.namedCredential': nc };
      const ncTypes = { NamedCredential: ['Rules'] };
      expect(problems(await deployAndWait(conn, await zipBundle(bundle(ncFiles, ncTypes, '55.0'))))).toEqual(["Property 'namedCredentialType' not valid in version 55.0"]);
      expect(problems(await deployAndWait(conn, await zipBundle(bundle(ncFiles, ncTypes, '40.0'))))).toEqual(["Property 'allowMergeFieldsInBody' not valid in version 40.0"]);
      const legacy = await deployAndWait(conn, await zipBundle(bundle(ncFiles, ncTypes, '56.0')));
      expect(problems(legacy)).toEqual([]);
    });
  });

  describe('references the org can know', () => {
    it("refuses an Auth. Provider whose registrationHandler class exists neither in the org nor in the deploy", async () => {
      const withHandler = edit(ALL, 'authproviders/EmuAzure.authprovider', (s) => s.replace('<requireMfa>', '<registrationHandler>EmuRegHandler</registrationHandler>\n    <requireMfa>'));
      const r = await deployAndWait(conn, await zipBundle(withHandler));
      expect(r.success).toBe(false);
      expect(failures(r)).toEqual([expect.objectContaining({ componentType: 'AuthProvider', fullName: 'EmuAzure', problem: 'In field: registrationHandler - no ApexClass named EmuRegHandler found' })]);

      const handler = 'global class EmuRegHandler implements Auth.RegistrationHandler {\n}\n';
      const meta = `<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="${MD}">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n`;
      const inDeploy = new Map(withHandler);
      inDeploy.set('classes/EmuRegHandler.cls', handler);
      inDeploy.set('classes/EmuRegHandler.cls-meta.xml', meta);
      inDeploy.set('package.xml', withHandler.get('package.xml')!.replace('<members>EmuAuthPluginTest</members>', '<members>EmuAuthPluginTest</members>\n        <members>EmuRegHandler</members>'));
      const ok = await deployAndWait(conn, await zipBundle(inDeploy));
      expect(problems(ok)).toEqual([]);
      expect(ok.success).toBe(true);
      // now in the org: a later deploy of the provider alone resolves it there
      const again = await deployAndWait(conn, await zipBundle(withHandler));
      expect(problems(again)).toEqual([]);
    });

    it('refuses a SigningCertificate parameter naming a certificate the org lacks, and accepts it once the org has it', async () => {
      const signing = `    <externalCredentialParameters>\n        <certificate>Rules_Signing</certificate>\n        <parameterGroup>DefaultGroup</parameterGroup>\n        <parameterName>SigningCertificate</parameterName>\n        <parameterType>SigningCertificate</parameterType>\n    </externalCredentialParameters>\n`;
      const files = bundle({ [EC_FILE]: ec(namedPrincipal() + signing) }, { ExternalCredential: ['RulesCred'] }, '62.0');
      const r = await deployAndWait(conn, await zipBundle(files));
      expect(r.success).toBe(false);
      expect(problems(r)).toEqual(['In field: certificate - no Certificate named Rules_Signing found']);
      emu.org.addCertificate('Rules_Signing');
      const ok = await deployAndWait(conn, await zipBundle(files));
      expect(problems(ok)).toEqual([]);
      expect(ok.success).toBe(true);
    });

    it('refuses object and field permissions for objects and fields that exist neither in the org nor in the deploy', async () => {
      const deployPs = async (body: string, extra: Record<string, string> = {}, extraTypes: Record<string, string[]> = {}) =>
        deployAndWait(conn, await zipBundle(bundle({ [PS_FILE]: permissionSet(body), ...extra }, { PermissionSet: ['RulesAccess'], ...extraTypes }, '62.0')));

      expect(problems(await deployPs(objectPermission('Nope__c')))).toEqual(['In field: object - no CustomObject named Nope__c found']);
      expect(problems(await deployPs(fieldPermission('Nope__c.Field__c')))).toEqual(['In field: field - no CustomField named Nope__c.Field__c found']);
      expect(problems(await deployPs(fieldPermission('Account.Missing__c')))).toEqual(['In field: field - no CustomField named Account.Missing__c found']);
      expect(problems(await deployPs(fieldPermission('Rule__c.Level__c')))).toEqual(['In field: field - no CustomField named Rule__c.Level__c found']);

      // standard objects (and their standard fields) need nothing deployed
      const standard = await deployPs(objectPermission('Account') + fieldPermission('Account.Industry') + objectPermission('UserExternalCredential'));
      expect(problems(standard)).toEqual([]);
      // a custom object and its field in the same deploy, then in the org
      const object = { 'objects/Rule__c.object': RULES_OBJECT };
      const sameDeploy = await deployPs(objectPermission('Rule__c') + fieldPermission('Rule__c.Level__c'), object, { CustomObject: ['Rule__c'] });
      expect(problems(sameDeploy)).toEqual([]);
      expect(sameDeploy.success).toBe(true);
      expect(problems(await deployPs(objectPermission('Rule__c') + fieldPermission('Rule__c.Level__c')))).toEqual([]);
      expect(problems(await deployPs(fieldPermission('Rule__c.Other__c')))).toEqual(['In field: field - no CustomField named Rule__c.Other__c found']);
    });
  });
});

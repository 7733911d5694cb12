/**
 * Metadata API retrieve and checkRetrieveStatus of the emulated org, through real jsforce over HTTP, and through
 * source-deploy-retrieve's ComponentSet retrieve after ./bin/run.js deploy put a generated bundle in the org.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Connection } from '@jsforce/jsforce-node';
import JSZip from 'jszip';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { AuthInfo, Connection as CoreConnection } from '@salesforce/core';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { loadFixture, zipBundle } from './fixtures.js';
import { metadataSchema } from './schema.js';
import { validateElement } from './validate.js';
import { canonical, parseXml, XNode } from './xml.js';
import { loginAs } from '../helpers/orgLogin.js';
import { filesBelow, runCliAsync } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';

type Props = { fileName: string; fullName: string; type: string; id: string; manageableState?: string };
type Result = { done: string | boolean; status: string; success: string | boolean; id: string; zipFile?: string; fileProperties?: Props | Props[]; messages?: { fileName: string; problem: string } | Array<{ fileName: string; problem: string }>; errorMessage?: string };

const ALL = loadFixture('valid');
let emu: Emulator;
let conn: Connection;
afterEach(async () => emu?.stop());

/** retrieve(), then checkRetrieveStatus until done; the statuses seen and the last result. */
async function retrieve(request: Record<string, unknown>): Promise<{ states: string[]; result: Result; files: Map<string, string> }> {
  const { id } = await conn.metadata.retrieve({ apiVersion: '64.0', ...request } as never);
  const states: string[] = [];
  let result: Result;
  for (;;) {
    result = (await conn.metadata.checkRetrieveStatus(id)) as unknown as Result;
    states.push(String(result.status));
    if (String(result.done) === 'true') break;
  }
  const files = new Map<string, string>();
  if (result.zipFile) {
    const zip = await JSZip.loadAsync(Buffer.from(result.zipFile, 'base64'));
    for (const entry of Object.values(zip.files)) if (!entry.dir) files.set(entry.name, await entry.async('string'));
  }
  return { states, result, files };
}

const types = (t: Record<string, string[]>): Record<string, unknown> => ({ unpackaged: { types: Object.entries(t).map(([name, members]) => ({ name, members })), version: '64.0' } });
const strip = (n: XNode): XNode => ({ ...n, ns: null, attrs: {}, children: n.children.map(strip), line: undefined, col: undefined, nsScope: undefined });

describe('emulator retrieve (jsforce)', () => {
  beforeEach(async () => {
    ({ emu, conn } = await start({ orgType: 'sandbox' }));
    const deployed = await deployAndWait(conn, await zipBundle(ALL));
    expect(deployed.success).toBe(true);
  });

  it('answers a queued job, polls Pending then InProgress, then the zip with package.xml and every asked-for file as deployed', async () => {
    const asked = { ApexClass: ['EmuAuthPlugin'], AuthProvider: ['EmuAzure'], CustomMetadata: ['EmuConfig.Default'], CustomObject: ['EmuConfig__mdt'], ExternalCredential: ['EmuAzureCred'], NamedCredential: ['EmuGraph'], PermissionSet: ['EmuGraphAccess'], RemoteSiteSetting: ['EmuLogin'] };
    const { states, result, files } = await retrieve(types(asked));
    expect(states).toEqual(['Pending', 'InProgress', 'Succeeded']);
    expect(String(result.success)).toBe('true');
    expect(asArray(result.messages)).toEqual([]);
    expect([...files.keys()].sort()).toEqual([
      'unpackaged/authproviders/EmuAzure.authprovider', 'unpackaged/classes/EmuAuthPlugin.cls', 'unpackaged/classes/EmuAuthPlugin.cls-meta.xml',
      'unpackaged/customMetadata/EmuConfig.Default.md', 'unpackaged/externalCredentials/EmuAzureCred.externalCredential', 'unpackaged/namedCredentials/EmuGraph.namedCredential',
      'unpackaged/objects/EmuConfig__mdt.object', 'unpackaged/package.xml', 'unpackaged/permissionsets/EmuGraphAccess.permissionset', 'unpackaged/remoteSiteSettings/EmuLogin.remoteSite',
    ]);
    // each file holds what was deployed (the fixture is in schema order already), and the Apex source byte for byte
    for (const [path, content] of files) {
      const local = path.replace(/^unpackaged\//, '');
      if (local === 'package.xml') continue;
      if (local.endsWith('.cls')) {
        expect(content).toBe(ALL.get(local));
        continue;
      }
      expect(canonical(strip(parseXml(content)))).toBe(canonical(strip(parseXml(ALL.get(local)!))));
      expect(content.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    }
    const props = asArray(result.fileProperties);
    expect(props.map((p) => `${p.type}:${p.fullName}:${p.fileName}`).sort()).toEqual([
      'ApexClass:EmuAuthPlugin:unpackaged/classes/EmuAuthPlugin.cls', 'AuthProvider:EmuAzure:unpackaged/authproviders/EmuAzure.authprovider',
      'CustomMetadata:EmuConfig.Default:unpackaged/customMetadata/EmuConfig.Default.md', 'CustomObject:EmuConfig__mdt:unpackaged/objects/EmuConfig__mdt.object',
      'ExternalCredential:EmuAzureCred:unpackaged/externalCredentials/EmuAzureCred.externalCredential', 'NamedCredential:EmuGraph:unpackaged/namedCredentials/EmuGraph.namedCredential',
      'Package:unpackaged/package.xml:unpackaged/package.xml', 'PermissionSet:EmuGraphAccess:unpackaged/permissionsets/EmuGraphAccess.permissionset',
      'RemoteSiteSetting:EmuLogin:unpackaged/remoteSiteSettings/EmuLogin.remoteSite',
    ]);
    expect(props.find((p) => p.type === 'ApexClass')!.id).toBe(emu.org.get('ApexClass', 'EmuAuthPlugin')!.id);
    expect(props.every((p) => p.manageableState === 'unmanaged')).toBe(true);
    const pkg = parseXml(files.get('unpackaged/package.xml')!);
    expect(pkg.name).toBe('Package');
    expect(pkg.children.filter((c) => c.name === 'types')).toHaveLength(8);
  });

  it('writes elements in schema order, whatever order the stored file had', async () => {
    emu.org.addMetadata('RemoteSiteSetting', 'Backwards', '<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata"><url>https://example.com</url><isActive>true</isActive><disableProtocolSecurity>false</disableProtocolSecurity></RemoteSiteSetting>');
    const { files } = await retrieve(types({ RemoteSiteSetting: ['Backwards'], PermissionSet: ['*'] }));
    const file = files.get('unpackaged/remoteSiteSettings/Backwards.remoteSite')!;
    expect(file).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">\n    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>https://example.com</url>\n</RemoteSiteSetting>\n');
    for (const [path, content] of files) {
      if (path.endsWith('package.xml')) continue;
      const tree = parseXml(content);
      expect(validateElement(tree, tree.name, metadataSchema(), { checkOrder: true })).toEqual([]);
    }
  });

  it('retrieves every component of a type for *, and warns for members the org lacks', async () => {
    const { result, files } = await retrieve(types({ ApexClass: ['*'], AuthProvider: ['Missing'], Layout: ['Account-Account Layout'] }));
    expect(String(result.success)).toBe('true');
    expect([...files.keys()].filter((f) => f.includes('classes/')).sort()).toEqual([
      'unpackaged/classes/EmuAuthPlugin.cls', 'unpackaged/classes/EmuAuthPlugin.cls-meta.xml', 'unpackaged/classes/EmuAuthPluginTest.cls', 'unpackaged/classes/EmuAuthPluginTest.cls-meta.xml',
    ]);
    expect(asArray(result.messages)).toEqual([
      { fileName: 'unpackaged/package.xml', problem: "Entity of type 'AuthProvider' named 'Missing' cannot be found" },
      { fileName: 'unpackaged/package.xml', problem: "Entity of type 'Layout' named 'Account-Account Layout' cannot be found" },
    ]);
    // the package.xml it returns is the manifest asked for, wildcard and all
    expect(files.get('unpackaged/package.xml')).toContain('<members>*</members>');
  });

  it('retrieves a custom field inside its object file, holding only the fields asked for', async () => {
    const fields = emu.org.list('CustomField').map((f) => f.fullName);
    expect(fields.length).toBeGreaterThan(1);
    const { result, files } = await retrieve(types({ CustomField: [fields[0]] }));
    const object = parseXml(files.get('unpackaged/objects/EmuConfig__mdt.object')!);
    expect(object.children.map((c) => c.name)).toEqual(['fields']);
    expect(asArray(result.fileProperties).filter((p) => p.type === 'CustomField').map((p) => p.fullName)).toEqual([fields[0]]);
  });

  it('puts package.xml at the root with singlePackage, and answers a package the org has none of with a message', async () => {
    const single = await retrieve({ ...types({ ApexClass: ['EmuAuthPlugin'] }), singlePackage: true });
    expect([...single.files.keys()].sort()).toEqual(['classes/EmuAuthPlugin.cls', 'classes/EmuAuthPlugin.cls-meta.xml', 'package.xml']);
    const pkg = await retrieve({ packageNames: ['NoSuchPackage'] });
    expect(String(pkg.result.success)).toBe('true');
    expect(asArray(pkg.result.messages)).toEqual([{ fileName: 'NoSuchPackage', problem: "No package named 'NoSuchPackage' found" }]);
    expect([...pkg.files.keys()]).toEqual([]);
  });

  it('never returns a credential: no principal secret, and an Auth. Provider consumerSecret only in an encrypted form, the same each time', async () => {
    emu.org.addMetadata('AuthProvider', 'WithSecret', `<AuthProvider xmlns="http://soap.sforce.com/2006/04/metadata"><consumerKey>key</consumerKey><consumerSecret>${HOSTILE_SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</consumerSecret><friendlyName>WithSecret</friendlyName><providerType>OpenIdConnect</providerType></AuthProvider>`);
    emu.org.addMetadata('NamedCredential', 'Legacy', `<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata"><endpoint>https://example.com</endpoint><label>Legacy</label><password>${HOSTILE_SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</password><principalType>NamedUser</principalType><protocol>Password</protocol><username>u</username></NamedCredential>`);
    emu.org.principalCredentials.set(emu.org.principalKey('EmuAzureCred', 'EmuPrincipal'), { ClientSecret: { value: HOSTILE_SECRET, encrypted: true } } as never);
    const asked = types({ AuthProvider: ['WithSecret'], NamedCredential: ['Legacy'], ExternalCredential: ['*'] });
    const first = await retrieve(asked);
    const second = await retrieve(asked);
    const everything = [...first.files.values(), first.result.zipFile ?? ''].join('\n');
    expect(everything).not.toContain(HOSTILE_SECRET);
    const secretOf = (files: Map<string, string>): string | undefined => parseXml(files.get('unpackaged/authproviders/WithSecret.authprovider')!).children.find((c) => c.name === 'consumerSecret')?.text;
    expect(secretOf(first.files)).toBeTruthy();
    expect(secretOf(first.files)).toBe(secretOf(second.files));
    expect(first.files.get('unpackaged/namedCredentials/Legacy.namedCredential')).not.toContain('<password>');
  });

  it('refuses an unknown retrieve id as it refuses an unknown deploy id, and knows its operations for fault injection', async () => {
    await expect(conn.metadata.checkRetrieveStatus('09S000000000000AAA')).rejects.toThrow(/INVALID_CROSS_REFERENCE_KEY/);
    emu.org.injectFault('retrieve', 500);
    await expect(conn.metadata.retrieve({ apiVersion: '64.0', ...types({ ApexClass: ['*'] }) } as never)).rejects.toThrow(/UNKNOWN_EXCEPTION/);
    const { id } = await conn.metadata.retrieve({ apiVersion: '64.0', ...types({ ApexClass: ['*'] }) } as never);
    emu.org.injectFault('checkRetrieveStatus', 500);
    await expect(conn.metadata.checkRetrieveStatus(id)).rejects.toThrow(/UNKNOWN_EXCEPTION/);
    expect(String(((await conn.metadata.checkRetrieveStatus(id)) as unknown as Result).status)).toBe('Pending');
    expect(emu.org.callCount('retrieve')).toBe(2);
    expect(emu.org.callCount('checkRetrieveStatus')).toBe(3);
  });
});

describe('a generated bundle, deployed with ./bin/run.js deploy, retrieved with source-deploy-retrieve', () => {
  it('comes back byte for byte as generated, except what deploy itself writes differently', async () => {
    ({ emu, conn } = await start({ username: 'admin@retrieve1.example.com', orgType: 'sandbox' }));
    await loginAs(emu, 'retrieve1');
    const generated = mkdtempSync(join(tmpdir(), 'aap-generated-'));
    const gen = await runCliAsync('generate', ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--output-dir', generated, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(gen.status).toBe(0);
    const dep = await runCliAsync('deploy', ['--target-org', 'retrieve1', '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--json'], { HOME: process.env.HOME, AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(dep.status).toBe(0);

    const source = join(generated, 'main', 'default');
    const retrievedRoot = mkdtempSync(join(tmpdir(), 'aap-retrieved-'));
    const connection = await CoreConnection.create({ authInfo: await AuthInfo.create({ accessTokenOptions: { accessToken: emu.accessToken, instanceUrl: emu.instanceUrl, loginUrl: emu.instanceUrl } }) });
    const set = ComponentSet.fromSource(source);
    const local = new Map(set.getSourceComponents().toArray().flatMap((c) => [c.xml, ...c.walkContent()]).filter((p): p is string => Boolean(p)).map((p) => [relative(source, p), readFileSync(p, 'utf8')]));
    const operation = await set.retrieve({ usernameOrConnection: connection, output: retrievedRoot, merge: false });
    const result = await operation.pollStatus(50, 60);
    expect(result.response.status).toBe('Succeeded');
    // SDR writes a retrieve outside a package directory under <output>/metadataPackage_<time>/main/default
    const retrieved = new Map(filesBelow(retrievedRoot).map((p) => [p.replace(/^.*?\/main\/default\//, ''), readFileSync(p, 'utf8')]));
    expect([...retrieved.keys()].sort()).toEqual([...local.keys()].sort());
    const differing = [...local.keys()].filter((p) => retrieved.get(p) !== local.get(p)).sort();
    // What deploy itself writes differently from generate: the execution user it fills in, and the org's API version on
    // the classes. The org leaves nothing out of these files (they hold no credential) and adds nothing.
    expect(differing).toEqual(['authproviders/AzureGraph.authprovider-meta.xml', 'classes/AzureClientCredentialsProvider.cls-meta.xml', 'classes/AzureClientCredentialsProviderTest.cls-meta.xml']);
    const lines = (p: string, from: Map<string, string>): string[] => from.get(p)!.split('\n');
    const added = (p: string): string[] => lines(p, retrieved).filter((l) => !lines(p, local).includes(l));
    expect(added('authproviders/AzureGraph.authprovider-meta.xml')).toEqual([`    <executionUser>${emu.username}</executionUser>`]);
    expect(lines('authproviders/AzureGraph.authprovider-meta.xml', local).filter((l) => !lines('authproviders/AzureGraph.authprovider-meta.xml', retrieved).includes(l))).toEqual([]);
    for (const cls of ['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']) {
      expect(added(`classes/${cls}.cls-meta.xml`)).toEqual(['    <apiVersion>64.0</apiVersion>']);
    }
    expect([...retrieved.values()].join('\n')).not.toContain(HOSTILE_SECRET);
  });
});

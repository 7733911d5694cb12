/**
 * Deleting components, as Salesforce allows it: CRUD deleteMetadata refuses what something else still refers to and
 * does not take Apex classes; a destructive deploy deletes a set of components that refer only to each other.
 */
import type { Connection } from '@jsforce/jsforce-node';
import JSZip from 'jszip';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { loadFixture, packageXml, zipBundle } from './fixtures.js';

let emu: Emulator;
let conn: Connection;
beforeEach(async () => {
  ({ emu, conn } = await start({ orgType: 'sandbox' }));
  expect(await deployAndWait(conn, await zipBundle(loadFixture('valid')))).toMatchObject({ success: true });
});
afterEach(async () => emu.stop());

const del = async (type: string, name: string) => asArray(await conn.metadata.delete(type as 'CustomObject', [name]))[0] as { success: boolean; errors?: unknown };
/** A refused delete whose message matches. */
const refusedWith = (message: string | RegExp) =>
  expect.objectContaining({ success: false, errors: [expect.objectContaining({ statusCode: 'DELETE_FAILED', message: expect.stringMatching(message) })] });

async function destructive(members: Record<string, string[]>) {
  const zip = new JSZip();
  zip.file('package.xml', packageXml({}));
  zip.file('destructiveChanges.xml', packageXml(members));
  return deployAndWait(conn, await zip.generateAsync({ type: 'nodebuffer' }));
}

describe('deleting components', () => {
  it('refuses to delete what is still referenced, naming the referrer; deletes in dependency order', async () => {
    expect(await del('AuthProvider', 'EmuAzure')).toEqual(refusedWith('ExternalCredential - EmuAzureCred'));
    expect(await del('ExternalCredential', 'EmuAzureCred')).toEqual(refusedWith(/NamedCredential - EmuGraph.*PermissionSet - EmuGraphAccess/));
    expect(await del('CustomMetadata', 'EmuConfig.Default')).toEqual(refusedWith('AuthProvider - EmuAzure'));
    for (const [type, name] of [['PermissionSet', 'EmuGraphAccess'], ['NamedCredential', 'EmuGraph'], ['ExternalCredential', 'EmuAzureCred'], ['AuthProvider', 'EmuAzure'], ['CustomMetadata', 'EmuConfig.Default']]) {
      expect(await del(type, name)).toMatchObject({ success: true });
    }
    expect(emu.org.get('AuthProvider', 'EmuAzure')).toBeUndefined();
  });

  it('refuses to delete an assigned permission set, and Apex classes through CRUD', async () => {
    const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'EmuGraphAccess'");
    await conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.org.adminUser.id, PermissionSetId: ps.records[0].Id });
    expect(await del('PermissionSet', 'EmuGraphAccess')).toEqual(refusedWith('PermissionSetAssignment'));
    await expect(conn.metadata.delete('ApexClass', ['EmuAuthPlugin'])).rejects.toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
  });

  it('refuses the deletion of a component a test rejected, by CRUD and destructive deploy alike, until it is lifted', async () => {
    emu.org.rejectComponent('RemoteSiteSetting', 'EmuLogin', 'Simulated outage');
    expect(await del('RemoteSiteSetting', 'EmuLogin')).toEqual(refusedWith('Simulated outage'));
    const refused = await destructive({ RemoteSiteSetting: ['EmuLogin'] });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.details)).toContain('Simulated outage');
    emu.org.rejectComponent('RemoteSiteSetting', 'EmuLogin', undefined);
    expect(await del('RemoteSiteSetting', 'EmuLogin')).toMatchObject({ success: true });
  });

  it('answers PermissionSet.Description in SOQL, filterable with LIKE (Object Reference: Description, Filter, Nillable)', async () => {
    const query = async (like: string) =>
      (await conn.query<{ Name: string; Description: string | null }>(`SELECT Name, Description FROM PermissionSet WHERE IsOwnedByProfile = false AND Description LIKE '${like}'`)).records.map(
        (r) => `${r.Name}: ${String(r.Description)}`
      );
    expect(await query('%through EmuGraph%')).toEqual(['EmuGraphAccess: Callouts through EmuGraph']);
    expect(await query('%sf azure-authprovider%')).toEqual([]);
  });

  it('deletes with destructiveChanges.xml only when nothing outside the deletion refers to what goes', async () => {
    const refused = await destructive({ ApexClass: ['EmuAuthPlugin'] });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.details)).toContain('AuthProvider - EmuAzure');
    expect(emu.org.get('ApexClass', 'EmuAuthPlugin')).toBeDefined();

    const everything = await destructive({
      PermissionSet: ['EmuGraphAccess'], NamedCredential: ['EmuGraph'], ExternalCredential: ['EmuAzureCred'], AuthProvider: ['EmuAzure'],
      CustomMetadata: ['EmuConfig.Default'], ApexClass: ['EmuAuthPlugin', 'EmuAuthPluginTest'], CustomObject: ['EmuConfig__mdt'], RemoteSiteSetting: ['EmuLogin'],
    });
    expect(everything.success).toBe(true);
    for (const type of ['ApexClass', 'AuthProvider', 'CustomObject', 'CustomMetadata', 'NamedCredential', 'ExternalCredential', 'PermissionSet', 'RemoteSiteSetting']) {
      expect(emu.org.list(type)).toEqual([]);
    }
    const missing = await destructive({ ApexClass: ['Gone'] });
    expect(JSON.stringify(missing.details)).toContain('No ApexClass named: Gone found');
  });
});

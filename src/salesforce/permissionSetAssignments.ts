/*
 * Grants the deployed permission set (and with it the External Credential principal) to users, so a callout works
 * as soon as deploy ends. Assigning twice is a no-op: existing assignments are reported, never duplicated.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { soqlString, type OrgUser } from './orgProfile.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type Assignment = { username: string; permissionSet: string; state: 'assigned' | 'already assigned' };

/** Key prefix of PermissionSet record IDs. */
const PERMISSION_SET_PREFIX = '0PS';

async function lookUp(conn: Connection, permissionSet: string): Promise<string> {
  const { records } = await conn.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = ${soqlString(permissionSet)}`);
  if (records.length === 0) throw messages.createError('error.PermissionSetMissing', [permissionSet]);
  return records[0].Id;
}

/** `permissionSetId` is the ID the deploy reported, when it did: then the permission set is not looked up. */
export async function assignPermissionSet(conn: Connection, permissionSet: string, users: readonly OrgUser[], permissionSetId?: string): Promise<Assignment[]> {
  if (users.length === 0) return [];
  const id = permissionSetId?.startsWith(PERMISSION_SET_PREFIX) ? permissionSetId : await lookUp(conn, permissionSet);
  // The insert is the check: an existing assignment answers DUPLICATE_VALUE, so no query has to come first.
  return Promise.all(
    users.map(async (user): Promise<Assignment> => {
      try {
        await conn.sobject('PermissionSetAssignment').create({ AssigneeId: user.id, PermissionSetId: id });
        return { username: user.username, permissionSet, state: 'assigned' };
      } catch (error) {
        if ((error as { errorCode?: string }).errorCode !== 'DUPLICATE_VALUE') throw error;
        return { username: user.username, permissionSet, state: 'already assigned' };
      }
    })
  );
}

/*
 * Grants the deployed permission set (and with it the External Credential principal) to users, so a callout works
 * as soon as deploy ends. Assigning twice is a no-op: existing assignments are reported, never duplicated.
 */
import type { Connection } from '@salesforce/core';
import { Messages, SfError } from '@salesforce/core';
import { soqlString, type OrgUser } from '../org/orgProfile.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type Assignment = { username: string; permissionSet: string; state: 'assigned' | 'already assigned' };

export async function assignPermissionSet(conn: Connection, permissionSet: string, users: readonly OrgUser[]): Promise<Assignment[]> {
  if (users.length === 0) return [];
  const { records } = await conn.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = ${soqlString(permissionSet)}`);
  if (records.length === 0) throw new SfError(messages.getMessage('error.PermissionSetMissing', [permissionSet]), 'PermissionSetMissing');
  const permissionSetId = records[0].Id;
  const existing = await conn.query<{ AssigneeId: string }>(
    `SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = ${soqlString(permissionSetId)} AND AssigneeId IN (${users
      .map((user) => soqlString(user.id))
      .join(', ')})`
  );
  const assigned = new Set(existing.records.map((row) => row.AssigneeId.slice(0, 15)));
  const results: Assignment[] = [];
  for (const user of users) {
    let state: Assignment['state'] = 'already assigned';
    if (!assigned.has(user.id.slice(0, 15))) {
      try {
        // eslint-disable-next-line no-await-in-loop
        await conn.sobject('PermissionSetAssignment').create({ AssigneeId: user.id, PermissionSetId: permissionSetId });
        state = 'assigned';
      } catch (error) {
        // Another run assigned it between the query and the insert: the outcome is the same.
        if ((error as { errorCode?: string }).errorCode !== 'DUPLICATE_VALUE') throw error;
      }
    }
    results.push({ username: user.username, permissionSet, state });
  }
  return results;
}

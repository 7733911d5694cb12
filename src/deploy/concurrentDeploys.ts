/*
 * Other deploys that change the org while this one runs. Two deploys of the same provider both succeed, and the org
 * keeps what the one that finished last deployed, and the secret stored after it: the later writer wins. The org's
 * deploy queue, the Tooling API's DeployRequest object, shows the deploys still Pending or InProgress, though not
 * which components a queued one holds; so each other deploy that changes the org (not a validation) is named.
 */
import type { Connection } from '@salesforce/core';

export type RunningDeploy = { id: string; status: string; createdDate: string };

type DeployRequestRow = { Id: string; Status: string; CreatedDate: string };

/** The same record's 15- and 18-character IDs. */
const sameId = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);

export async function otherRunningDeploys(conn: Connection, ownId: string): Promise<RunningDeploy[]> {
  const { records } = await conn.tooling.query<DeployRequestRow>(
    "SELECT Id, Status, CreatedDate FROM DeployRequest WHERE Status IN ('Pending', 'InProgress') AND CheckOnly = false ORDER BY CreatedDate"
  );
  return records.filter((row) => !sameId(row.Id, ownId)).map((row) => ({ id: row.Id, status: row.Status, createdDate: row.CreatedDate }));
}

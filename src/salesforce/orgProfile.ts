/*
 * What deploy needs to know about the target org before it renders anything: the newest API version it speaks,
 * whether it is production (Apex tests required), and who the deploying user is.
 */
import type { Connection } from '@salesforce/core';

export type OrgType = 'production' | 'sandbox' | 'scratch';

export type OrgProfile = {
  orgId: string;
  instanceUrl: string;
  username: string;
  maxApiVersion: string;
  orgType: OrgType;
};

export type OrgUser = { id: string; username: string; isActive: boolean };

type OrganizationRow = { Id: string; IsSandbox: boolean; TrialExpirationDate: string | null };

/** The org's newest API version, with the connection moved down to it when it was set newer. */
export async function useOrgApiVersion(conn: Connection): Promise<string> {
  // @salesforce/core keeps the version list from login, so this usually makes no request.
  const maxApiVersion = await conn.retrieveMaxApiVersion();
  // A connection at a version newer than the org's gets 404 for everything; older orgs need their own version.
  if (Number(conn.getApiVersion()) > Number(maxApiVersion)) conn.setApiVersion(maxApiVersion);
  return maxApiVersion;
}

/**
 * The org's type as sf's login recorded it (@salesforce/core reads the Organization row when it stores a login, and
 * an org never changes type), or read from the org when the login predates that.
 */
async function orgTypeOf(conn: Connection): Promise<{ orgId: string; orgType: OrgType }> {
  const { orgId, isSandbox, isScratch } = conn.getAuthInfoFields();
  if (orgId && typeof isSandbox === 'boolean' && typeof isScratch === 'boolean') {
    return { orgId, orgType: isScratch ? 'scratch' : isSandbox ? 'sandbox' : 'production' };
  }
  const organization = await conn.singleRecordQuery<OrganizationRow>('SELECT Id, IsSandbox, TrialExpirationDate FROM Organization');
  // Scratch orgs report IsSandbox true and carry an expiration date; sandboxes have none.
  return { orgId: organization.Id, orgType: !organization.IsSandbox ? 'production' : organization.TrialExpirationDate ? 'scratch' : 'sandbox' };
}

export async function describeOrg(conn: Connection): Promise<OrgProfile> {
  // The version first: a query at a version newer than the org's gets a 404.
  const maxApiVersion = await useOrgApiVersion(conn);
  const { orgId, orgType } = await orgTypeOf(conn);
  return { orgId, instanceUrl: conn.instanceUrl, username: conn.getUsername() ?? '', maxApiVersion, orgType };
}

/** SOQL string literal: backslash and single quote escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The users of the org with these usernames (case-insensitive, as Salesforce matches usernames). */
export async function findUsers(conn: Connection, usernames: readonly string[]): Promise<OrgUser[]> {
  if (usernames.length === 0) return [];
  const { records } = await conn.query<{ Id: string; Username: string; IsActive: boolean }>(
    `SELECT Id, Username, IsActive FROM User WHERE Username IN (${usernames.map(soqlString).join(', ')})`
  );
  return records.map((row) => ({ id: row.Id, username: row.Username, isActive: row.IsActive }));
}

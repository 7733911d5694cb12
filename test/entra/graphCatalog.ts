/**
 * The resources the fake tenant holds service principals for, with their application permissions (app roles).
 * Microsoft Graph's service principal has the well-known appId 00000003-0000-0000-c000-000000000000 in every tenant;
 * role ids and values are those of the Microsoft Graph permissions reference (learn.microsoft.com/graph/permissions-reference).
 * Only a sample of Graph's several hundred roles is modelled: enough for name resolution and nearest matches.
 */
export type FakeAppRole = { id: string; value: string; displayName: string; allowedMemberTypes: string[]; isEnabled: boolean; description: string; origin: string };
export type FakeResource = { appId: string; displayName: string; servicePrincipalNames: string[]; appRoles: FakeAppRole[] };

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const role = (id: string, value: string, displayName: string): FakeAppRole => ({
  id,
  value,
  displayName,
  allowedMemberTypes: ['Application'],
  isEnabled: true,
  description: `Allows the app to ${displayName.toLowerCase()} without a signed-in user.`,
  origin: 'Application',
});

export const GRAPH_ROLES: FakeAppRole[] = [
  role('df021288-bdef-4463-88db-98f22de89214', 'User.Read.All', 'Read all users full profiles'),
  role('741f803b-c850-494e-b5df-cde7c675a1ca', 'User.ReadWrite.All', 'Read and write all users full profiles'),
  role('498476ce-e0fe-48b0-b801-37ba7e2685c6', 'Organization.Read.All', 'Read organization information'),
  role('7ab1d382-f21e-4acd-a863-ba3e13f7da61', 'Directory.Read.All', 'Read directory data'),
  role('5b567255-7703-4780-807c-7be8301ae99b', 'Group.Read.All', 'Read all groups'),
  role('883ea226-0bf2-4a8f-9f9d-92c9162a727d', 'Sites.Selected', 'Access selected site collections'),
  role('332a536c-c7ef-4017-ab91-336970924f0d', 'Sites.Read.All', 'Read items in all site collections'),
  role('01d4889c-1287-42c6-ac1f-5d1e02578ef6', 'Files.Read.All', 'Read files in all site collections'),
  role('810c84a8-4a9e-49e6-bf7d-12d183f40d01', 'Mail.Read', 'Read mail in all mailboxes'),
  role('b633e1c5-b582-4048-a93e-9f11b44c7e96', 'Mail.Send', 'Send mail as any user'),
  role('798ee544-9d2d-430c-a058-570e29e34338', 'Calendars.Read', 'Read calendars in all mailboxes'),
  role('9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', 'Application.Read.All', 'Read all applications'),
  role('1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', 'Application.ReadWrite.All', 'Read and write all applications'),
  role('06b708a9-e830-4db3-a914-8e69da51d44f', 'AppRoleAssignment.ReadWrite.All', 'Manage app permission grants and app role assignments'),
];

export const GRAPH_RESOURCE: FakeResource = {
  appId: GRAPH_APP_ID,
  displayName: 'Microsoft Graph',
  servicePrincipalNames: ['https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID],
  appRoles: GRAPH_ROLES,
};

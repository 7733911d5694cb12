/**
 * The records the emulated org exposes to SOQL and sObject reads, each derived from the org's state when read:
 * User, Organization, PermissionSet(Assignment), AuthProvider, NamedCredential, ExternalCredential, ApexClass, and
 * on the Tooling API ApexClass, DeployRequest and ApexLog.
 */
import type { EmulatorContext } from './context.js';
import type { SObjectDef, SRecord } from './soql.js';
import { childText } from './xml.js';

/** The sObjects SOQL and record reads see: from the data API, or from the Tooling API when `tooling`. */
export function sobjects(emu: EmulatorContext, tooling: boolean): Record<string, SObjectDef> {
  const org = emu.org;
  const users = (): SRecord[] => org.users.map((u) => ({ __type: 'User', Id: u.id, Username: u.username, Name: u.name, IsActive: u.isActive, Email: u.username }));
  const permsets = (): SRecord[] =>
    org.list('PermissionSet').map((p) => ({
      __type: 'PermissionSet', Id: p.id, Name: p.fullName, Label: childText(p.tree, 'label') ?? p.fullName, Description: childText(p.tree, 'description') ?? null, IsOwnedByProfile: false, NamespacePrefix: null,
    }));
  const apexClasses = (): SRecord[] => org.list('ApexClass').map((c) => ({ __type: 'ApexClass', Id: c.id, Name: c.fullName, Status: childText(c.tree, 'status') ?? 'Active', ApiVersion: Number(childText(c.tree, 'apiVersion') ?? 0), NamespacePrefix: null }));
  const common: Record<string, SObjectDef> = {
    ApexClass: { fields: ['Id', 'Name', 'Status', 'ApiVersion', 'NamespacePrefix'], rows: apexClasses },
  };
  if (tooling) {
    return {
      ...common,
      // The org's deploy queue. Fields as the Tooling API WSDL has them (forcedotcom/wsdl, @salesforce/types
      // tooling.d.ts: DeployRequest); Status takes the Metadata API's DeployStatus values (Pending, InProgress,
      // Succeeded, SucceededPartial, Failed, Canceling, Canceled). A job here moves on when it is polled (advance).
      DeployRequest: {
        fields: ['Id', 'Status', 'CheckOnly', 'CreatedDate', 'CreatedById', 'StartDate', 'CompletedDate', 'NumberComponentsTotal', 'ErrorMessage'],
        rows: () => [...emu.deploys.jobs.values()].map((job) => ({
          __type: 'DeployRequest', Id: job.id, Status: job.status, CheckOnly: job.options.checkOnly, CreatedDate: job.createdDate, CreatedById: org.adminUser.id,
          StartDate: job.startDate ?? null, CompletedDate: job.completedDate ?? null, NumberComponentsTotal: job.componentsTotal, ErrorMessage: job.errorMessage ?? null,
        })),
      },
      ApexLog: {
        fields: ['Id', 'Application', 'DurationMilliseconds', 'Location', 'LogLength', 'LogUserId', 'Operation', 'Request', 'StartTime', 'Status'],
        rows: () => org.logs.map((l) => ({ __type: 'ApexLog', Id: l.id, Application: 'Unknown', DurationMilliseconds: 5, Location: 'Monitoring', LogLength: Buffer.byteLength(l.body), LogUserId: l.userId, Operation: l.operation, Request: 'API', StartTime: l.startTime, Status: l.status })),
      },
    };
  }
  const orgType = org.orgType;
  return {
    ...common,
    User: { fields: ['Id', 'Username', 'Name', 'IsActive', 'Email'], rows: users },
    Organization: {
      fields: ['Id', 'Name', 'OrganizationType', 'IsSandbox', 'TrialExpirationDate', 'InstanceName', 'NamespacePrefix'],
      rows: () => [{
        __type: 'Organization', Id: org.orgId, Name: org.orgName,
        OrganizationType: orgType === 'scratch' ? 'Developer Edition' : 'Enterprise Edition',
        IsSandbox: orgType !== 'production',
        TrialExpirationDate: orgType === 'scratch' ? new Date(Date.now() + 30 * 86400000).toISOString().replace('Z', '+0000') : null,
        InstanceName: org.instanceName, NamespacePrefix: null,
      }],
    },
    // Description: string(255), Filter, Nillable (Object Reference, PermissionSet).
    PermissionSet: { fields: ['Id', 'Name', 'Label', 'Description', 'IsOwnedByProfile', 'NamespacePrefix'], rows: permsets },
    PermissionSetAssignment: {
      fields: ['Id', 'AssigneeId', 'PermissionSetId'],
      relationships: {
        Assignee: (r) => users().find((u) => u.Id === r.AssigneeId),
        PermissionSet: (r) => permsets().find((p) => p.Id === r.PermissionSetId),
      },
      rows: () => org.permissionSetAssignments.map((a) => ({ __type: 'PermissionSetAssignment', Id: a.id, AssigneeId: a.assigneeId, PermissionSetId: a.permissionSetId })),
    },
    AuthProvider: {
      fields: ['Id', 'DeveloperName', 'FriendlyName', 'ProviderType', 'ExecutionUserId', 'PluginId'],
      rows: () => org.list('AuthProvider').map((a) => ({
        __type: 'AuthProvider', Id: a.id, DeveloperName: a.fullName, FriendlyName: childText(a.tree, 'friendlyName') ?? null, ProviderType: childText(a.tree, 'providerType') ?? null,
        ExecutionUserId: org.userByUsername(childText(a.tree, 'executionUser') ?? '')?.id ?? null, PluginId: org.get('ApexClass', childText(a.tree, 'plugin') ?? '')?.id ?? null,
      })),
    },
    NamedCredential: {
      fields: ['Id', 'DeveloperName', 'MasterLabel', 'Endpoint'],
      rows: () => org.list('NamedCredential').map((n) => ({ __type: 'NamedCredential', Id: n.id, DeveloperName: n.fullName, MasterLabel: childText(n.tree, 'label') ?? null, Endpoint: childText(n.tree, 'endpoint') ?? null })),
    },
    ExternalCredential: {
      fields: ['Id', 'DeveloperName', 'MasterLabel', 'AuthenticationProtocol'],
      rows: () => org.list('ExternalCredential').map((n) => ({ __type: 'ExternalCredential', Id: n.id, DeveloperName: n.fullName, MasterLabel: childText(n.tree, 'label') ?? null, AuthenticationProtocol: childText(n.tree, 'authenticationProtocol') ?? null })),
    },
  };
}

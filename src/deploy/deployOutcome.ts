/*
 * What a deploy returns: the command presents it and --json returns it as is (schemas/azure__authprovider-deploy.json
 * is generated from these types, so their names are part of that schema).
 */
import type { ProviderSpec } from '../input/providerSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import type { OrgProfile } from '../salesforce/orgProfile.js';
import type { ComponentFailure, DeployedComponent, TestSummary } from '../salesforce/deployReport.js';
import type { Assignment } from '../salesforce/permissionSetAssignments.js';

export type Authentication = {
  /** Configured: callouts work. NotConfigured: the flow is still to be completed. Manual: the org offers no API to check. */
  status: 'Configured' | 'NotConfigured' | 'Manual';
  /** How this run dealt with it. */
  action: 'none' | 'already configured' | 'headless' | 'browser opened' | 'url printed' | 'setup page' | 'credentials stored';
  url?: string;
  detail?: string;
};

export type DeployedProvider = {
  name: string;
  mode: ProviderSpec['mode'];
  /** Why this mode: what deploy tells the user. */
  modeReason: string;
  model: ProviderSpec['model'];
  /** Plugin mode only, like callbackUrl and executionUser. */
  authProvider?: string;
  callbackUrl?: string;
  tokenUrl: string;
  namedCredential: string;
  endpoint: string;
  externalCredential?: string;
  principal?: string;
  permissionSet?: string;
  executionUser?: string;
  /** The Salesforce certificate that signs the client assertion; absent for a provider with a client secret. */
  certificate?: string;
  /** Where a plugin provider's client secret lives; tokenCredential names the External Credential that holds it. */
  secretStorage?: ProviderSpec['secretStorage'];
  tokenCredential?: string;
  assignments: Assignment[];
  authentication: Authentication;
};

export type DeployOutcome = {
  status: 'Succeeded' | 'Validated' | 'Failed';
  dryRun: boolean;
  deployId: string;
  targetOrg: { username: string; orgId: string; instanceUrl: string; orgType: OrgProfile['orgType'] };
  apiVersion: string;
  components: DeployedComponent[];
  componentFailures: ComponentFailure[];
  tests: TestSummary;
  errorMessage?: string;
  providers: DeployedProvider[];
  /** Absent when every provider uses a certificate. */
  secretSource?: ClientSecret['source'];
  nextSteps: string[];
};

/**
 * What the emulator's protocol modules share: the org, the options it was started with, and the state that outlives
 * one request (deploy and retrieve jobs, OAuth flows under way, one-time frontdoor passwords). Each protocol module
 * takes this and one Exchange; none holds state of its own.
 */
import type { Org, OrgType } from './org.js';
import type { DeployQueue } from './deployQueue.js';
import type { RetrieveJob } from './retrieve.js';

export type EmulatorOptions = {
  port?: number;
  host?: string;
  apiVersion?: string;
  latencyMs?: number;
  orgType?: OrgType;
  username?: string;
  /** minimum server-side duration of a deploy */
  deployMs?: number;
  /** checkDeployStatus polls that answer Queued (Pending), then InProgress */
  queuedPolls?: number;
  inProgressPolls?: number;
  /** the initial session expires after this many authenticated calls */
  sessionCalls?: number;
};

/** A principal's OAuth flow, from Connect's auth-url to the Auth. Provider callback. */
export type PendingAuth = { externalCredential: string; principalName: string; returnUrl: string };

export type EmulatorContext = {
  readonly org: Org;
  readonly opts: EmulatorOptions;
  /** the org's newest API version, e.g. 64.0 */
  readonly apiVersion: string;
  /** http://host:port, known once the server listens */
  readonly instanceUrl: string;
  readonly deploys: DeployQueue;
  readonly retrieves: Map<string, RetrieveJob>;
  /** OAuth flows started by named-credentials auth-url: state -> principal */
  readonly pendingAuth: Map<string, PendingAuth>;
  /** one-time frontdoor passwords issued by /services/oauth2/singleaccess: otp -> session token */
  readonly oneTimePasswords: Map<string, string>;
};

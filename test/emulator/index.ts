/**
 * In-process entry point of the Salesforce org emulator (test tooling; models Salesforce, not the product).
 *
 *   const emu = await startEmulator({ orgType: 'production' });
 *   const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.accessToken, version: '62.0' });
 *   emu.org.addUser({ username: 'integration@example.com' });
 *   ...
 *   await emu.stop();
 */
import { EmulatorOptions, EmulatorServer } from './server.js';
import { Org } from './org.js';
import type { DeployJob } from './deploy.js';

export type { EmulatorOptions } from './server.js';
export type { DeployJob } from './deploy.js';
export type { ApexOutcome, OrgType, TestOutcome, User, RequestLogEntry } from './org.js';

export type Emulator = {
  instanceUrl: string;
  accessToken: string;
  refreshToken: string;
  username: string;
  orgId: string;
  org: Org;
  /** Deploy jobs by ID, as the org tracks them (status, createdDate, completedDate...). */
  deploys: ReadonlyMap<string, DeployJob>;
  /**
   * Holds the next `count` deploys submitted InProgress, however often they are polled, until releaseDeploys: a test
   * control (a long deploy, without waiting for one), not a Salesforce rule.
   */
  holdDeploys: (count: number) => void;
  releaseDeploys: () => void;
  stop: () => Promise<void>;
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = new EmulatorServer(options);
  await server.listen();
  const { accessToken, refreshToken } = server.org.newSession();
  if (options.sessionCalls !== undefined) server.org.expireSessionAfter(options.sessionCalls, accessToken);
  return {
    instanceUrl: server.instanceUrl,
    accessToken,
    refreshToken,
    username: server.org.adminUser.username,
    orgId: server.org.orgId,
    org: server.org,
    deploys: server.deploys,
    holdDeploys: (count) => server.holdDeploys(count),
    releaseDeploys: () => server.releaseDeploys(),
    stop: () => server.close(),
  };
}

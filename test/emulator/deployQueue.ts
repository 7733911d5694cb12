/**
 * The org's deploy jobs and how they move: Queued (Pending) for some polls, InProgress for more and for at least the
 * deploy's duration, then run to their outcome (runDeploy). A job moves only when checkDeployStatus polls it.
 */
import type { Org } from './org.js';
import { type DeployJob, runDeploy } from './deploy.js';

export type DeployTiming = { queuedPolls: number; inProgressPolls: number; deployMs: number };

export class DeployQueue {
  /** Every deploy the org received, by ID (the Tooling DeployRequest rows). */
  public readonly jobs = new Map<string, DeployJob>();
  private toHold = 0;
  private readonly held = new Set<string>();

  public constructor(private readonly org: Org, private readonly timing: DeployTiming, private readonly maxApiVersion: number) {}

  public submit(job: DeployJob): void {
    this.jobs.set(job.id, job);
    if (this.toHold > 0) {
      this.toHold -= 1;
      this.held.add(job.id);
    }
  }

  /** A test control, not a Salesforce rule: the next `count` deploys stay InProgress until release. */
  public hold(count: number): void {
    this.toHold = count;
  }

  public release(): void {
    this.toHold = 0;
    this.held.clear();
  }

  /** One poll: Queued for `queuedPolls` polls, InProgress for `inProgressPolls` more and at least `deployMs`, then done. */
  public advance(job: DeployJob): void {
    if (!['Pending', 'InProgress'].includes(job.status)) return;
    const previousPoll = job.lastPolledAt ?? Date.parse(job.createdDate);
    job.polls += 1;
    job.lastPolledAt = Date.now();
    const { queuedPolls: queued, inProgressPolls: inProgress } = this.timing;
    const readyAt = Date.parse(job.createdDate) + this.timing.deployMs;
    if (job.polls <= queued) return;
    // It left the queue once the last poll that saw it queued was answered.
    job.startDate ??= new Date(previousPoll).toISOString();
    if (job.polls <= queued + inProgress || Date.now() < readyAt || this.held.has(job.id)) {
      job.status = 'InProgress';
      return;
    }
    runDeploy(this.org, job, this.maxApiVersion);
    // A real deploy finishes on its own, polled or not: it was done once its duration had passed and the polls it
    // had to stay in progress for had been answered, which may be well before this poll asked.
    job.completedDate = new Date(Math.max(readyAt, previousPoll)).toISOString();
  }
}

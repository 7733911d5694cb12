/*
 * What an interrupted deploy leaves in the org, followed from deployBundle's events: nothing (before the deploy was
 * sent), perhaps a deploy (while it was being sent, before its ID came back), a deploy that goes on without this
 * command (while it was polled), or a deploy that succeeded with the steps after it unfinished. deploy writes no
 * local files, so nothing local is half-written in any case; the same command run again finishes the job.
 */
import { Messages } from '@salesforce/core';
import type { InterruptReport } from '../cli/interruption.js';
import type { DeployEvents } from './deployOptions.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'interrupt');

export type DeployPhase = 'before-deploy' | 'sending' | 'deploying' | 'after-deploy' | 'deploy-ended';

const DONE = new Set(['Succeeded', 'SucceededPartial', 'Failed', 'Canceled']);

export class DeployWatch {
  private stage?: string;
  private sending = false;
  private deployId?: string;
  private status?: string;

  public constructor(private readonly dryRun: boolean) {}

  public get phase(): DeployPhase {
    if (this.deployId === undefined) return this.sending ? 'sending' : 'before-deploy';
    if (!DONE.has(this.status ?? '')) return 'deploying';
    return this.status === 'Succeeded' && !this.dryRun ? 'after-deploy' : 'deploy-ended';
  }

  /** The events to follow, each passed on to the command's own handler. */
  public follow(events: DeployEvents): DeployEvents {
    return {
      ...events,
      onStage: (stage): void => {
        this.stage = stage;
        events.onStage?.(stage);
      },
      onSending: (): void => {
        this.sending = true;
        events.onSending?.();
      },
      onSubmitted: (deployId): void => {
        this.deployId = deployId;
        events.onSubmitted?.(deployId);
      },
      onProgress: (progress): void => {
        this.status = progress.status;
        // The deploy's stage is over once it is done; the next step names its own.
        if (DONE.has(progress.status)) this.stage = undefined;
        events.onProgress?.(progress);
      },
    };
  }

  public report(): InterruptReport {
    const { phase, deployId = '' } = this;
    const data = { phase, ...(this.deployId ? { deployId } : {}) };
    switch (phase) {
      case 'before-deploy':
        return { message: messages.getMessage('deploy.Before'), actions: [messages.getMessage('action.RunAgain')], data };
      case 'sending':
        return { message: messages.getMessage('deploy.Sending'), actions: messages.getMessages('deploy.Sending.actions'), data };
      case 'deploying':
        return {
          message: messages.getMessage(this.dryRun ? 'deploy.Validating' : 'deploy.Deploying', [deployId]),
          actions: [messages.getMessage(this.dryRun ? 'deploy.Validating.action' : 'deploy.Deploying.action'), messages.getMessage('deploy.Follow', [deployId])],
          data,
        };
      case 'after-deploy':
        return { message: messages.getMessage('deploy.After', [deployId, this.stage ?? messages.getMessage('deploy.AfterSteps')]), actions: [messages.getMessage('deploy.After.action')], data: { ...data, stage: this.stage } };
      default:
        return { message: messages.getMessage('deploy.Ended', [deployId, this.status ?? '-']), actions: [messages.getMessage('action.RunAgain')], data };
    }
  }
}

/*
 * What an interrupted rotate-secret or remove leaves in the org. rotate-secret writes one value: the org holds the
 * old secret or the new one. remove deletes piece after piece, so some may be gone and the rest still there; its last
 * step is a destructive deploy that goes on in the org. Both are finished by running the same command again.
 */
import { Messages } from '@salesforce/core';
import type { InterruptReport } from './interruption.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'interrupt');

export class RotateWatch {
  private writingTo?: string;

  public writing(where: string): void {
    this.writingTo = where;
  }

  public report(): InterruptReport {
    if (this.writingTo === undefined) return { message: messages.getMessage('rotate.Before'), actions: [messages.getMessage('action.RunAgain')], data: { phase: 'before-write' } };
    return { message: messages.getMessage('rotate.Writing', [this.writingTo]), actions: [messages.getMessage('rotate.Writing.action')], data: { phase: 'writing' } };
  }
}

export class RemoveWatch {
  private deleting = false;
  private stage?: string;
  private deployId?: string;

  /** After the user said yes (or --no-prompt did): from here on pieces go. */
  public confirmed(yes: boolean): boolean {
    this.deleting = yes;
    return yes;
  }

  public onStage(stage: string): void {
    this.stage = stage;
  }

  public onSubmitted(deployId: string): void {
    this.deployId = deployId;
  }

  public report(): InterruptReport {
    if (!this.deleting) return { message: messages.getMessage('remove.Before'), actions: [messages.getMessage('action.RunAgain')], data: { phase: 'before-delete' } };
    const deploy = this.deployId ? ` ${messages.getMessage('remove.SharedDeploy', [this.deployId])}` : '';
    return {
      message: `${messages.getMessage('remove.Deleting', [this.stage ?? '-'])}${deploy}`,
      actions: [messages.getMessage('remove.Deleting.action')],
      data: { phase: 'deleting', ...(this.deployId ? { deployId: this.deployId } : {}) },
    };
  }
}

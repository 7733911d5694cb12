/*
 * What SIGINT (Ctrl-C), SIGTERM and SIGHUP do to a running command. sf-plugins-core's SfCommand answers each one
 * with `this.exit(130)` thrown inside the signal listener, where nothing catches it: Node prints the ExitError's
 * stack and exits 1, with no --json output and no word of what goes on in the org. Here the first signal ends the
 * command's run with an InterruptedError instead, printed like any other error (as sf's error JSON under --json) and
 * exiting 128 + the signal's number. What it says comes from the command, which knows what it had sent to the org
 * by then. A second signal exits at once.
 */
import { Messages, type SfError } from '@salesforce/core';
import { EXIT_CODES, type ExitCodeName } from '../errors/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'interrupt');

/** The signals SfCommand listens to; SIGBREAK is Ctrl-Break on Windows, which sf treats as Ctrl-C. */
const SIGNAL_CODES: Record<string, ExitCodeName> = { SIGINT: 'interrupted', SIGTERM: 'terminated', SIGHUP: 'hangup', SIGBREAK: 'interrupted' };
export const INTERRUPT_SIGNALS = Object.keys(SIGNAL_CODES) as NodeJS.Signals[];

/** What a command tells the user when a signal stops it: what happened in the org, and how to finish. */
export type InterruptReport = { message: string; actions: string[]; data?: Record<string, unknown> };

const nothingSent = (): InterruptReport => ({ message: messages.getMessage('interrupt.Command'), actions: [messages.getMessage('interrupt.Command.action')] });

export function interruptedError(signal: string, report: InterruptReport): SfError {
  const error = messages.createError('error.Interrupted', [signal, report.message], [], EXIT_CODES[SIGNAL_CODES[signal] ?? 'interrupted']);
  // One error name for every case; the actions depend on what was under way.
  error.actions = report.actions;
  return error.setData({ status: 'Interrupted', signal, ...report.data });
}

export class Interruption {
  private describe: () => InterruptReport = nothingSent;
  private stop?: (error: Error) => void;
  private signal?: string;
  private readonly aborter = new AbortController();

  /** Aborted at the first signal: a wait between attempts (credentialPropagation.ts) ends there instead of running on. */
  public get aborted(): AbortSignal {
    return this.aborter.signal;
  }

  public listen(): void {
    for (const signal of INTERRUPT_SIGNALS) process.on(signal, this.listener);
  }

  public close(): void {
    for (const signal of INTERRUPT_SIGNALS) process.removeListener(signal, this.listener);
  }

  /** How to describe an interruption from now on: the command keeps this up to date with what it has sent. */
  public report(describe: () => InterruptReport): void {
    this.describe = describe;
  }

  /**
   * The work's result, or the InterruptedError of the first signal while it runs. The work is left as it is: the
   * process exits once the error is printed, so its requests still on their way are not waited for.
   */
  public async race<T>(work: () => Promise<T>): Promise<T> {
    const stopped = new Promise<never>((_resolve, reject) => {
      this.stop = reject;
    });
    try {
      return await Promise.race([work(), stopped]);
    } finally {
      this.stop = undefined;
    }
  }

  private readonly listener = (signal: NodeJS.Signals): void => this.received(signal);

  private received(signal: string): void {
    const code = EXIT_CODES[SIGNAL_CODES[signal] ?? 'interrupted'];
    // A second signal, or one while no work runs (the result is being printed): the user wants out now.
    if (this.signal !== undefined || !this.stop) process.exit(code);
    this.signal = signal;
    this.aborter.abort();
    this.stop(interruptedError(signal, this.describe()));
  }
}

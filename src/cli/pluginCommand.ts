/*
 * The base of every command: what fails while the command line is parsed is bad input and exits 2, as docs/exit-codes.md
 * promises. oclif already gives its own parse errors (unknown flag, value not among the options) exit 2, but an
 * error thrown by a flag's parser (a file that is not there, --wait abc, an --api-version sf refuses, an org
 * @salesforce/core has no login for, no default org) keeps its own exit code, 1. sf would show that code and no
 * next step; this class gives such errors the table's code and an action.
 * It also replaces SfCommand's signal listeners (src/cli/interruption.ts): a signal ends the command with a clear error.
 */
import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import type { Interfaces } from '@oclif/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { refuseSecretFlagUnderDebug } from '../input/clientSecret.js';
import { INTERRUPT_SIGNALS, Interruption } from './interruption.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'command');

// @salesforce/core's names for an org that has no stored login, and sf-plugins-core's for a missing default org.
const UNKNOWN_ORG = new Set(['NamedOrgNotFoundError', 'NoAuthInfoFoundError', 'NoAuthInfoFound']);
const NO_DEFAULT_ORG = 'NoDefaultEnvError';

// The other parse errors already end in oclif's "See more help with --help".
function actionFor(error: Error): string | undefined {
  if (UNKNOWN_ORG.has(error.name)) return messages.getMessage('action.UnknownOrg');
  if (error.name === NO_DEFAULT_ORG) return messages.getMessage('action.NoDefaultOrg');
}

/** The same error, marked as bad input, with what to do when it brings no action of its own. */
function asBadInput(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const marked = error as Error & { exitCode?: number; oclif?: { exit?: number }; actions?: string[] };
  marked.exitCode = EXIT_CODES['invalid-input'];
  // sf reads oclif's exit code before the error's own.
  if (marked.oclif) marked.oclif = { ...marked.oclif, exit: EXIT_CODES['invalid-input'] };
  const action = actionFor(error);
  if (action && !marked.actions?.length) marked.actions = [action];
  return marked;
}

// What oclif's parser returns for flags and args: values by name.
type Output = Record<string, unknown>;

/** Whether the command may ask the user something: not under --json, and only with a terminal on stdin. */
export const canPrompt = (command: Pick<SfCommand<unknown>, 'jsonEnabled'>): boolean => !command.jsonEnabled() && process.stdin.isTTY === true;

export abstract class PluginCommand<T> extends SfCommand<T> {
  /** Commands that send work to the org tell it what a signal leaves running there. */
  protected readonly interruption = new Interruption();

  // oclif's name for the method that runs init, run, catch and finally; SfCommand's override adds the listeners.
  public async _run<R>(): Promise<R> {
    const before = new Map(INTERRUPT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    // The command's run, as oclif calls it after init, ends at the first signal.
    const run = this.run.bind(this);
    this.run = (): Promise<T> => this.interruption.race(run);
    // SfCommand adds its signal listeners first thing, before its first await: they are gone before any signal.
    // eslint-disable-next-line no-underscore-dangle
    const running = super._run<R>();
    for (const signal of INTERRUPT_SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
    this.interruption.listen();
    try {
      return await running;
    } finally {
      this.interruption.close();
    }
  }

  protected async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[]
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    // Before oclif's parser prints the command line again under DEBUG.
    refuseSecretFlagUnderDebug(argv ?? this.argv);
    try {
      return await super.parse(options, argv);
    } catch (error) {
      throw asBadInput(error);
    }
  }
}

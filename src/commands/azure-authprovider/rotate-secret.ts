import { EnvironmentVariable, Messages, type Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import type { SignInChoice } from '../../entra/graphSignIn.js';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { credentialWaitFlag } from '../../cli/flags/credentialWait.js';
import { providerFlags } from '../../cli/flags/providerFlags.js';
import { clientSecretStdinFlag, knownSecret, promptForSecret } from '../../cli/flags/secretCommand.js';
import { rotateSecret, type RotateSecretOutcome } from '../../rotate-secret/rotateSecret.js';
import { presentRotateSecret } from '../../rotate-secret/rotateSecretPresenter.js';
import { SECRET_ENV } from '../../input/clientSecret.js';
import { stageProgress } from '../../ux/progress.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';
import { RotateWatch } from '../../cli/manageInterruption.js';
import { secretLifetimeFlag } from '../../cli/flags/lifecycleFlags.js';
import { entraFlags } from '../../cli/flags/entraFlags.js';
import { rotateToNewSecret, type NewSecretOutcome } from '../../rotate-secret/newSecret.js';
import { presentNewSecret } from '../../rotate-secret/newSecretPresenter.js';
import { DEFAULT_SECRET_LIFETIME_DAYS } from '../../entra/appCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'rotate-secret');
const lifecycle = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

/** How long the check keeps trying a secret Entra has not replicated yet, by default. */
const ROTATE_WAIT_MINUTES = 3;

export type { RotateSecretOutcome, NewSecretOutcome };
/** Without --new: the typed secret's rotation; with it: the secret made at Entra. */
export type RotateOrNewSecretOutcome = RotateSecretOutcome | NewSecretOutcome;

export default class RotateSecret extends PluginCommand<RotateOrNewSecretOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'credentials', 'unreachable', 'org-setup', 'no-answer');
  public static readonly envVariablesSection = environmentHelp(['secret', 'requestTimeout'], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    name: providerFlags.name,
    'client-secret': providerFlags['client-secret'],
    'client-secret-stdin': clientSecretStdinFlag,
    'token-url': Flags.string({ summary: messages.getMessage('flags.token-url.summary') }),
    verify: Flags.boolean({ summary: messages.getMessage('flags.verify.summary'), default: true, allowNo: true }),
    // The secret was most likely created moments ago: the check waits for Entra to replicate it unless told not to.
    wait: credentialWaitFlag(messages.getMessage('flags.wait.summary', [ROTATE_WAIT_MINUTES]), messages.getMessage('flags.wait.description'), ROTATE_WAIT_MINUTES),
    new: Flags.boolean({
      summary: lifecycle.getMessage('flags.new.summary'),
      description: lifecycle.getMessage('flags.new.description'),
      default: false,
      exclusive: ['client-secret', 'client-secret-stdin'],
    }),
    'secret-lifetime': secretLifetimeFlag,
    'sign-in': entraFlags['sign-in'],
  };

  public async run(): Promise<RotateOrNewSecretOutcome> {
    const { flags } = await this.parse(RotateSecret);
    if (flags['secret-lifetime'] !== undefined && !flags.new) throw lifecycle.createError('error.LifetimeWithoutNew', [], [], EXIT_CODES['invalid-input']);
    if (flags.new) return this.rotateToNew(flags);
    const known = await knownSecret(this, flags, () => messages.createError('error.SecretRequired', [], [SECRET_ENV], EXIT_CODES['invalid-input']));
    const stages = stageProgress(this.spinner);
    const watch = new RotateWatch();
    this.interruption.report(() => watch.report());
    const outcome = await rotateSecret({
      org: flags['target-org'],
      name: flags.name,
      tokenUrl: flags['token-url'],
      verify: flags.verify,
      secret: async () => known ?? promptForSecret(this),
      onStage: (stage) => stages.start(stage),
      onWrite: (where) => watch.writing(where),
      wait: {
        budgetMs: flags.wait.milliseconds,
        onWait: (notice): void => {
          stages.status = notice.message;
        },
        signal: this.interruption.aborted,
      },
    });
    stages.stop();
    presentRotateSecret(this, outcome);
    process.exitCode = outcome.exitCode;
    return outcome;
  }

  private async rotateToNew(flags: { 'target-org': Org; name?: string; 'token-url'?: string; 'secret-lifetime'?: number; 'sign-in': SignInChoice }): Promise<NewSecretOutcome> {
    const stages = stageProgress(this.spinner);
    const watch = new RotateWatch();
    this.interruption.report(() => watch.report());
    const outcome = await rotateToNewSecret({
      org: flags['target-org'],
      name: flags.name,
      tokenUrl: flags['token-url'],
      lifetimeDays: flags['secret-lifetime'] ?? DEFAULT_SECRET_LIFETIME_DAYS,
      signIn: flags['sign-in'],
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
      // Sign-in instructions and the one waiting line reach stderr with --json too: a person or a log needs them.
      prompt: (text) => {
        stages.stop();
        process.stderr.write(`${text}\n`);
      },
      onStage: (stage) => stages.start(stage),
      onWrite: (where) => watch.writing(where),
    });
    stages.stop();
    presentNewSecret(this, outcome);
    process.exitCode = outcome.exitCode;
    return outcome;
  }
}

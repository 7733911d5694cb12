import { EnvironmentVariable, Messages, type Org } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { bundleInputOf, configFileFlag, forceFlag, providerFlags, WAIT_MINUTES } from '../../cli/flags/providerFlags.js';
import { secretsFromEnv } from '../../input/configFile.js';
import { clientSecretStdinFlag, knownSecret, promptForSecret } from '../../cli/flags/secretCommand.js';
import { deployBundle } from '../../deploy/deployBundle.js';
import type { DeployOutcome } from '../../deploy/deployOutcome.js';
import { deployProgress, presentDeploy } from '../../deploy/deployPresenter.js';
import { TEST_LEVELS, type TestLevel } from '../../salesforce/deployPackage.js';
import { needsClientSecret, SECRET_ENV, type ClientSecret } from '../../input/clientSecret.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { stageProgress } from '../../ux/progress.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';
import { DeployWatch } from '../../deploy/deployInterruption.js';
import { entraFlags } from '../../cli/flags/entraFlags.js';
import { checkSecretLifetime } from '../../entra/appCredentials.js';
import type { SignInChoice } from '../../entra/graphSignIn.js';
import { prepareCreatedApp, recordCreatedSecretKeyId, type CreateAppPrepared, type CreateAppReport } from '../../deploy/createApp.js';
import { presentCreatedApp, type DeployWithAppOutcome } from '../../deploy/createAppPresenter.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type { DeployOutcome, DeployWithAppOutcome, CreateAppReport };

export default class Deploy extends PluginCommand<DeployWithAppOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'org-too-old', 'after-deploy', 'credentials', 'api-access', 'timeout', 'no-answer');
  public static readonly envVariablesSection = environmentHelp(['secret', 'configSecrets', 'browser', 'apiVersion', 'requestTimeout'], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    ...providerFlags,
    ...configFileFlag,
    ...forceFlag,
    'client-secret-stdin': clientSecretStdinFlag,
    // sf's org API version flag: format checked while parsing, default from the org-api-version config variable.
    'api-version': Flags.orgApiVersion({
      char: 'a',
      summary: messages.getMessage('flags.api-version.summary'),
      description: messages.getMessage('flags.api-version.description'),
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'test-level': Flags.option({ summary: messages.getMessage('flags.test-level.summary'), options: TEST_LEVELS })(),
    'assign-to': Flags.string({ summary: messages.getMessage('flags.assign-to.summary'), multiple: true }),
    open: Flags.boolean({ summary: messages.getMessage('flags.open.summary'), default: false }),
    'headless-auth': Flags.boolean({
      summary: messages.getMessage('flags.headless-auth.summary'),
      description: messages.getMessage('flags.headless-auth.description'),
      default: false,
    }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      summary: messages.getMessage('flags.wait.summary', [WAIT_MINUTES]),
      default: Duration.minutes(WAIT_MINUTES),
      min: 1,
    }),
    'create-app': Flags.boolean({
      summary: messages.getMessage('flags.create-app.summary'),
      description: messages.getMessage('flags.create-app.description'),
      default: false,
    }),
    permission: entraFlags.permission,
    'secret-lifetime': entraFlags['secret-lifetime'],
    'sign-in': entraFlags['sign-in'],
  };

  public async run(): Promise<DeployWithAppOutcome> {
    const { flags, metadata } = await this.parse(Deploy);
    const { input, naming, config, warnings } = await bundleInputOf(flags, metadata);
    for (const warning of warnings) this.warn(warning);
    // --create-app: the app registration first; its client id and new secret then flow in as if typed.
    const created = flags['create-app'] ? await this.createApp(flags, input.providers[0], config !== undefined) : undefined;
    if (created?.report.secret?.change === 'kept') return presentCreatedApp(this, created.report, input.providers[0].name ?? '');
    if (created) input.providers[0] = created.input;
    // Without a secret and without a person to ask, fail before touching the org; a certificate provider needs none.
    const known =
      created !== undefined
        ? created.secret
        : config !== undefined || !input.providers.some(needsClientSecret)
          ? undefined
          : await knownSecret(this, flags, () => messages.createError('error.SecretRequired', [], [SECRET_ENV], EXIT_CODES['invalid-input']));

    const progress = deployProgress(this, this.spinner);
    // A signal says what this deploy had done in the org by then.
    const watch = new DeployWatch(flags['dry-run']);
    this.interruption.report(() => watch.report());
    const outcome = await deployBundle({
      input,
      naming,
      secrets: config
        ? (): Record<string, ClientSecret> => secretsFromEnv(config)
        : known
          ? (providers): Record<string, ClientSecret> => Object.fromEntries(providers.map((provider) => [provider.name, known]))
          : undefined,
      askSecret: async () => promptForSecret(this),
      org: flags['target-org'],
      dryRun: flags['dry-run'],
      testLevel: flags['test-level'] as TestLevel | undefined,
      assignTo: flags['assign-to'] ?? [],
      waitMs: flags.wait.milliseconds,
      open: flags.open,
      headless: flags['headless-auth'],
      force: flags.force,
      // A wait for a new credential (deploy --create-app) ends at the first signal.
      signal: this.interruption.aborted,
      newCredential: created?.secret !== undefined,
      events: watch.follow(progress.events),
    });
    progress.stop();
    if (created && outcome.status === 'Succeeded') await this.recordKeyId(flags['target-org'], created, input.providers[0].name ?? '');
    if (created) presentCreatedApp(this, created.report, input.providers[0].name ?? '');
    presentDeploy(this, outcome);
    if (outcome.status === 'Failed') process.exitCode = EXIT_CODES.failed;
    return created ? { ...outcome, app: created.report } : outcome;
  }

  /** The key id of the secret --create-app added, into the provider's record, for a later rotate-secret --new. */
  private async recordKeyId(org: Org, created: CreateAppPrepared, name: string): Promise<void> {
    const added = created.report.secret?.change === 'added' ? created.report.secret : undefined;
    if (!added) return;
    const refused = await recordCreatedSecretKeyId(org.getConnection(), name, added.keyId);
    if (refused !== undefined) this.warn(messages.getMessage('warning.KeyIdNotRecorded', [added.keyId, refused]));
  }

  /** deploy --create-app's Entra step; what it conflicts with is refused first, naming the flag. */
  private async createApp(flags: Record<string, unknown>, provider: CreateAppPrepared['input'], fromConfig: boolean): Promise<CreateAppPrepared> {
    const conflict = fromConfig ? '--config-file' : ['client-id', 'client-secret', 'client-secret-stdin'].find((name) => flags[name] !== undefined && flags[name] !== false);
    if (conflict) throw messages.createError('error.CreateAppConflict', [conflict.startsWith('--') ? conflict : `--${conflict}`], [], EXIT_CODES['invalid-input']);
    const lifetime = checkSecretLifetime(flags['secret-lifetime'] as number);
    const progress = stageProgress(this.spinner);
    const app = Messages.loadMessages('plugin-azure-authprovider', 'app');
    try {
      return await prepareCreatedApp({
        conn: (flags['target-org'] as Org).getConnection(),
        input: provider,
        permissions: (flags.permission as string[] | undefined) ?? [],
        secretLifetimeDays: lifetime,
        signIn: flags['sign-in'] as SignInChoice,
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        prompt: (text) => {
          progress.stop();
          process.stderr.write(`${text}\n`);
        },
        onStep: (step) => progress.start(messages.getMessage('stage.CreateApp', [step === 'secret' ? 'client secret' : app.getMessage(`step.${step}`)])),
        onWait: (text) => {
          progress.stop();
          process.stderr.write(`${text}\n`);
        },
        signal: this.interruption.aborted,
      });
    } finally {
      progress.stop();
    }
  }
}

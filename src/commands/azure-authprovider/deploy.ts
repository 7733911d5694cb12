import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { bundleInputOf, configFileFlag, forceFlag, providerFlags, WAIT_MINUTES } from '../../cli/flags/providerFlags.js';
import { secretsFromEnv } from '../../input/configFile.js';
import { clientSecretStdinFlag, knownSecret, promptForSecret } from '../../cli/flags/secretCommand.js';
import { deployBundle, type DeployOutcome } from '../../deploy/deployBundle.js';
import { TEST_LEVELS, type TestLevel } from '../../salesforce/deployPackage.js';
import { needsClientSecret, SECRET_ENV, type ClientSecret } from '../../input/clientSecret.js';
import { formatTable } from '../../ux/table.js';
import { stageProgress } from '../../ux/progress.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { SHARED } from '../../input/platform.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';
import { DeployWatch } from '../../deploy/deployInterruption.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type { DeployOutcome };

/** Where a plugin provider's client secret lives, for people: the weaker place is called weaker. */
function secretLine(provider: DeployOutcome['providers'][number]): string | undefined {
  if (provider.secretStorage === 'credential') return messages.getMessage('output.SecretInCredential', [provider.tokenCredential]);
  if (provider.secretStorage === 'record') return messages.getMessage('output.SecretInRecord', [`${SHARED.metadataType}.${provider.name}`]);
  return undefined;
}

export default class Deploy extends PluginCommand<DeployOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'org-too-old', 'after-deploy', 'timeout', 'no-answer');
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
  };

  public async run(): Promise<DeployOutcome> {
    const { flags, metadata } = await this.parse(Deploy);
    const { input, naming, config, warnings } = await bundleInputOf(flags, metadata);
    for (const warning of warnings) this.warn(warning);
    // Without a secret and without a person to ask, fail before touching the org; a certificate provider needs none.
    const known =
      config !== undefined || !input.providers.some(needsClientSecret)
        ? undefined
        : await knownSecret(this, flags, () => messages.createError('error.SecretRequired', [], [SECRET_ENV], EXIT_CODES['invalid-input']));

    const stages = stageProgress(this.spinner);
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
      events: watch.follow({
        onStage: (stage) => stages.start(stage),
        onSubmitted: (deployId) => {
          stages.status = messages.getMessage('progress.Submitted', [deployId]);
        },
        onProgress: (progress) => {
          stages.status = messages.getMessage('progress.Status', [
            progress.status,
            progress.componentsDone,
            progress.componentsTotal,
            progress.testsDone,
            progress.testsTotal,
          ]);
        },
        onWarning: (warning) => this.warn(warning),
        onRetry: (error, attempt, delayMs) => this.warn(messages.getMessage('warning.Retry', [error.message.split('\n')[0], delayMs, attempt])),
      }),
    });
    stages.stop();
    this.present(outcome);
    if (outcome.status === 'Failed') process.exitCode = EXIT_CODES.failed;
    return outcome;
  }

  private present(outcome: DeployOutcome): void {
    const result = outcome.status === 'Failed' ? 'Failed' : outcome.dryRun ? 'Validated' : 'Deployed';
    const org = outcome.targetOrg;
    this.log(messages.getMessage(`output.Result.${result}`, [outcome.providers.map((p) => p.name).join(', '), org.username, org.orgType, outcome.apiVersion, outcome.deployId]));
    if (outcome.components.length > 0) {
      this.log(formatTable({
        title: messages.getMessage('output.Components'),
        data: outcome.components,
        columns: [
          { key: 'state', name: 'State' },
          { key: 'type', name: 'Type' },
          { key: 'name', name: 'Name' },
        ],
      }));
    }
    if (outcome.componentFailures.length > 0) {
      this.log(formatTable({
        title: messages.getMessage('output.Failures'),
        data: outcome.componentFailures.map((failure) => ({
          ...failure,
          where: failure.line === undefined ? '' : `${failure.line}:${failure.column ?? ''}`,
          hint: failure.hint ?? '',
        })),
        columns: [
          { key: 'type', name: 'Type' },
          { key: 'name', name: 'Name' },
          { key: 'problem', name: 'Problem' },
          { key: 'where', name: 'Line' },
          { key: 'hint', name: 'What to do' },
        ],
      }));
    }
    const { tests } = outcome;
    if (tests.run > 0 || tests.failures.length > 0) {
      this.log(messages.getMessage('output.Tests', [tests.level, tests.run, tests.failures.length]));
    } else {
      this.log(messages.getMessage('output.NoTests', [tests.level]));
    }
    if (tests.failures.length > 0) {
      this.log(formatTable({
        title: messages.getMessage('output.TestFailures'),
        data: tests.failures.map((failure) => ({ test: `${failure.name}.${failure.method}`, message: failure.message, stack: failure.stackTrace ?? '' })),
        columns: [
          { key: 'test', name: 'Test' },
          { key: 'message', name: 'Message' },
          { key: 'stack', name: 'Where' },
        ],
      }));
      this.log(messages.getMessage('hint.TestFailures'));
    }
    for (const warning of tests.coverageWarnings) this.warn(`${warning} ${messages.getMessage('hint.Coverage')}`);

    if (outcome.status === 'Failed') {
      this.logToStderr(
        tests.failures.length > 0
          ? messages.getMessage('error.TestsFailed', [tests.failures.length])
          : outcome.errorMessage
            ? messages.getMessage('error.DeployFailedMessage', [outcome.errorMessage])
            : messages.getMessage('error.DeployFailed')
      );
    } else {
      for (const provider of outcome.providers) {
        this.log(
          provider.mode === 'native'
            ? messages.getMessage('output.NativeProvider', [provider.externalCredential, provider.tokenUrl, provider.namedCredential, provider.endpoint])
            : messages.getMessage('output.Provider', [
                provider.name,
                provider.model,
                provider.callbackUrl,
                provider.tokenUrl,
                provider.namedCredential,
                provider.endpoint,
                provider.executionUser,
              ])
        );
        this.log(`  ${messages.getMessage('output.Mode', [provider.modeReason])}`);
        if (provider.certificate) this.log(`  ${messages.getMessage('output.Certificate', [provider.certificate])}`);
        const secret = secretLine(provider);
        if (secret) this.log(`  ${secret}`);
        if (provider.permissionSet && provider.assignments.length > 0) {
          const who = provider.assignments.map((assignment) => `${assignment.username} (${assignment.state})`).join(', ');
          this.log(`  ${messages.getMessage('output.Assignments', [provider.permissionSet, who])}`);
        }
        if (!outcome.dryRun) {
          const { authentication } = provider;
          const detail = [authentication.status, authentication.action === 'none' ? undefined : authentication.action, authentication.detail];
          this.log(`  ${messages.getMessage('output.Authentication', [detail.filter(Boolean).join(', ')])}`);
        }
      }
    }
    this.log(messages.getMessage('output.NextSteps', [outcome.nextSteps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')]));
  }
}

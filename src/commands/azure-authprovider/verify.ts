import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../cli/pluginCommand.js';
import { credentialWaitFlag } from '../../cli/flags/credentialWait.js';
import { providerFlags, providerInputFromFlags } from '../../cli/flags/providerFlags.js';
import { readSignInFlag } from '../../cli/flags/lifecycleFlags.js';
import { expiryReader } from '../../entra/expiryReading.js';
import { clientSecretStdinFlag, knownSecret, promptForSecret } from '../../cli/flags/secretCommand.js';
import { verifyProvider, DEFAULT_GRAPH_PATH, type VerifyOutcome } from '../../verify/verifyProvider.js';
import { presentVerify } from '../../verify/verifyPresenter.js';
import { SECRET_ENV } from '../../input/clientSecret.js';
import { stageProgress } from '../../ux/progress.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export type { VerifyOutcome };

export default class Verify extends PluginCommand<VerifyOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'credentials', 'unreachable', 'org-setup', 'api-access');
  public static readonly envVariablesSection = environmentHelp(['secret'], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.optionalOrg({ summary: messages.getMessage('flags.target-org.summary') }),
    name: providerFlags.name,
    'tenant-id': providerFlags['tenant-id'],
    'client-id': providerFlags['client-id'],
    'client-secret': providerFlags['client-secret'],
    'client-secret-stdin': clientSecretStdinFlag,
    cloud: providerFlags.cloud,
    'token-url': Flags.string({
      summary: messages.getMessage('flags.token-url.summary'),
      description: messages.getMessage('flags.token-url.description'),
    }),
    scope: providerFlags.scope,
    resource: providerFlags.resource,
    endpoint: providerFlags.endpoint,
    'named-credential': providerFlags['named-credential'],
    'external-credential': providerFlags['external-credential'],
    principal: providerFlags.principal,
    'permission-set': providerFlags['permission-set'],
    path: Flags.string({
      summary: messages.getMessage('flags.path.summary'),
      description: messages.getMessage('flags.path.description', [DEFAULT_GRAPH_PATH]),
    }),
    'certificate-file': Flags.file({
      summary: messages.getMessage('flags.certificate-file.summary'),
      description: messages.getMessage('flags.certificate-file.description'),
      dependsOn: ['private-key-file'],
      exclusive: ['client-secret', 'client-secret-stdin'],
    }),
    'private-key-file': Flags.file({ summary: messages.getMessage('flags.private-key-file.summary'), dependsOn: ['certificate-file'] }),
    'show-token': Flags.boolean({ summary: messages.getMessage('flags.show-token.summary'), default: false }),
    wait: credentialWaitFlag(messages.getMessage('flags.wait.summary'), messages.getMessage('flags.wait.description'), 0),
    'sign-in': readSignInFlag,
  };

  public async run(): Promise<VerifyOutcome> {
    const { flags, metadata } = await this.parse(Verify);
    // Any of the app's coordinates asks for the local check; its validation then names what else it needs.
    const local = [flags['client-id'], flags['tenant-id'], flags['token-url']].some((value) => value !== undefined);
    const orgGiven = metadata.flags['target-org']?.setFromDefault !== true && flags['target-org'] !== undefined;
    // A default org is used only when a provider name says what to check in it.
    const org = flags.name !== undefined || orgGiven ? flags['target-org'] : undefined;
    if (flags.name !== undefined && !org) throw messages.createError('error.NoOrg', [], [], EXIT_CODES['invalid-input']);
    const certificate = flags['certificate-file'] ? { certificateFile: flags['certificate-file'], privateKeyFile: flags['private-key-file']! } : undefined;
    const needsSecret = local && !certificate;
    const known = needsSecret ? await knownSecret(this, flags, () => messages.createError('error.SecretRequired', [], [SECRET_ENV], EXIT_CODES['invalid-input'])) : undefined;

    const stages = stageProgress(this.spinner);
    const outcome = await verifyProvider({
      input: providerInputFromFlags(flags),
      local,
      secret: async () => known ?? promptForSecret(this),
      // The org may echo the secret it holds: the one in the environment or flag is likely that one.
      knownSecrets: [flags['client-secret'], process.env[SECRET_ENV]].filter((value): value is string => Boolean(value)),
      certificate,
      org,
      path: flags.path,
      showToken: flags['show-token'],
      onStage: (stage) => stages.start(stage),
      wait:
        flags.wait.milliseconds > 0
          ? {
              budgetMs: flags.wait.milliseconds,
              onWait: (notice): void => {
                stages.status = notice.message;
              },
              signal: this.interruption.aborted,
            }
          : undefined,
      // Device code's instructions reach stderr with --json too.
      readExpiry: expiryReader(flags['sign-in'], (text) => {
        stages.stop();
        process.stderr.write(`${text}\n`);
      }),
    });
    stages.stop();
    presentVerify(this, outcome);
    process.exitCode = outcome.exitCode;
    return outcome;
  }
}

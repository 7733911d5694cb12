import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { providerFlags } from '../../flags/providerFlags.js';
import { clientSecretStdinFlag, knownSecret, promptForSecret } from '../../flags/secretCommand.js';
import { rotateSecret, type RotateOutcome } from '../../manage/rotateSecret.js';
import { SECRET_ENV, refuseSecretFlagUnderDebug } from '../../spec/clientSecret.js';
import { stageProgress } from '../../ux/progress.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'rotate-secret');

export type { RotateOutcome };

export default class RotateSecret extends SfCommand<RotateOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    name: providerFlags.name,
    'client-secret': providerFlags['client-secret'],
    'client-secret-stdin': clientSecretStdinFlag,
    'token-url': Flags.string({ summary: messages.getMessage('flags.token-url.summary') }),
    verify: Flags.boolean({ summary: messages.getMessage('flags.verify.summary'), default: true, allowNo: true }),
  };

  public async run(): Promise<RotateOutcome> {
    refuseSecretFlagUnderDebug(this.argv);
    const { flags } = await this.parse(RotateSecret);
    const known = await knownSecret(this, flags, messages.getMessage('error.SecretRequired', [SECRET_ENV]));
    const stages = stageProgress(this.spinner);
    const outcome = await rotateSecret({
      org: flags['target-org'],
      name: flags.name,
      tokenUrl: flags['token-url'],
      verify: flags.verify,
      secret: async () => known ?? promptForSecret(this),
      onStage: (stage) => stages.start(stage),
    });
    stages.stop();
    if (outcome.status === 'Rotated') {
      const verified = outcome.verified ? messages.getMessage('output.Verified', [(outcome.token?.roles ?? []).join(', ') || '-']) : '';
      this.log(messages.getMessage('output.Rotated', [outcome.provider, outcome.record, verified]));
    } else {
      const failed = outcome.checks.find((check) => check.status === 'fail');
      this.logToStderr(messages.getMessage('output.Refused', [[failed?.summary, failed?.fix].filter(Boolean).join(' ')]));
    }
    process.exitCode = outcome.exitCode;
    return outcome;
  }
}

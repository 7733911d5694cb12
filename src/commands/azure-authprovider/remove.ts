import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../pluginCommand.js';
import { providerFlags, providerInputFromFlags } from '../../flags/providerFlags.js';
import { removeProvider, type Removal, type RemoveOutcome } from '../../manage/removeProvider.js';
import { EXIT_CODES } from '../../exitCodes.js';
import { environmentHelp, errorCodesHelp } from '../../helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

export type { RemoveOutcome };

export default class Remove extends PluginCommand<RemoveOutcome> {
  public static readonly summary = messages.getMessage('remove.summary');
  public static readonly description = messages.getMessage('remove.description');
  public static readonly examples = messages.getMessages('remove.examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'timeout');
  public static readonly envVariablesSection = environmentHelp([], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('remove.flags.name.summary'),
      exclusive: ['all'],
    }),
    all: Flags.boolean({ summary: messages.getMessage('remove.flags.all.summary'), default: false }),
    'permission-set': providerFlags['permission-set'],
    'dry-run': Flags.boolean({ summary: messages.getMessage('remove.flags.dry-run.summary'), default: false }),
    'no-prompt': Flags.boolean({ summary: messages.getMessage('remove.flags.no-prompt.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('remove.flags.wait.summary'), default: Duration.minutes(33), min: 1 }),
  };

  public async run(): Promise<RemoveOutcome> {
    const { flags } = await this.parse(Remove);
    const org = flags['target-org'];
    const canAsk = !this.jsonEnabled() && process.stdin.isTTY === true;
    if (!flags['dry-run'] && !flags['no-prompt'] && !canAsk) throw messages.createError('error.NoPrompt', [], [], EXIT_CODES['invalid-input']);
    const username = org.getUsername() ?? '';
    const outcome = await removeProvider({
      org,
      input: providerInputFromFlags(flags),
      all: flags.all,
      dryRun: flags['dry-run'],
      waitMs: flags.wait.milliseconds,
      confirm: async (plan) => {
        if (flags['no-prompt']) return true;
        this.spinner.stop();
        return this.confirm({ message: messages.getMessage('remove.prompt.Confirm', [plan.length, username, this.listing(plan)]) });
      },
      onStage: (stage) => this.spinner.start(stage),
    });
    this.spinner.stop();
    if (outcome.status === 'Planned') {
      this.log(messages.getMessage('remove.output.Plan', [outcome.providers.join(', ') || '-', outcome.removals.length]));
      this.log(this.listing(outcome.removals));
    } else if (outcome.status === 'Cancelled') {
      this.log(messages.getMessage('remove.output.Cancelled'));
    } else {
      const left = outcome.remaining.join(', ') || messages.getMessage('remove.output.None');
      this.log(messages.getMessage('remove.output.Done', [outcome.providers.join(', '), username, outcome.removals.length, left]));
    }
    return outcome;
  }

  private listing(plan: Removal[]): string {
    return plan.map((removal) => `  ${removal.type} ${removal.name}`).join('\n');
  }
}

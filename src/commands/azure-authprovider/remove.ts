import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import { PluginCommand } from '../../pluginCommand.js';
import { providerFlags, providerInputFromFlags } from '../../flags/providerFlags.js';
import { removeProvider, type Removal, type RemoveOutcome } from '../../manage/removeProvider.js';
import { stageProgress } from '../../ux/progress.js';
import { EXIT_CODES } from '../../exitCodes.js';
import { environmentHelp, errorCodesHelp } from '../../helpSections.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'remove');

export type { RemoveOutcome };

const listing = (plan: Removal[]): string =>
  plan.map((removal) => `  ${removal.type} ${removal.name}${removal.orphan ? ` (${messages.getMessage('output.Orphan')})` : ''}`).join('\n');

export default class Remove extends PluginCommand<RemoveOutcome> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp('success', 'failed', 'invalid-input', 'timeout', 'no-answer');
  public static readonly envVariablesSection = environmentHelp([], [EnvironmentVariable.SF_TARGET_ORG]);

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      exclusive: ['all'],
    }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), default: false }),
    'permission-set': providerFlags['permission-set'],
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'no-prompt': Flags.boolean({ summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), default: Duration.minutes(33), min: 1 }),
  };

  public async run(): Promise<RemoveOutcome> {
    const { flags } = await this.parse(Remove);
    const org = flags['target-org'];
    const canAsk = !this.jsonEnabled() && process.stdin.isTTY === true;
    if (!flags['dry-run'] && !flags['no-prompt'] && !canAsk) throw messages.createError('error.NoPrompt', [], [], EXIT_CODES['invalid-input']);
    const username = org.getUsername() ?? '';
    const stages = stageProgress(this.spinner);
    const outcome = await removeProvider({
      org,
      input: providerInputFromFlags(flags),
      all: flags.all,
      dryRun: flags['dry-run'],
      waitMs: flags.wait.milliseconds,
      confirm: async (plan) => {
        if (flags['no-prompt']) return true;
        stages.stop();
        return this.confirm({ message: messages.getMessage('prompt.Confirm', [plan.length, username, listing(plan)]) });
      },
      onStage: (stage) => stages.start(stage),
    });
    stages.stop();
    if (outcome.status === 'Planned') {
      this.log(messages.getMessage('output.Plan', [outcome.providers.join(', ') || '-', outcome.removals.length]));
      this.log(listing(outcome.removals));
    } else if (outcome.status === 'Cancelled') {
      this.log(messages.getMessage('output.Cancelled'));
    } else {
      const left = outcome.remaining.join(', ') || messages.getMessage('output.None');
      this.log(messages.getMessage('output.Done', [outcome.providers.join(', ') || '-', username, outcome.removals.length, left]));
    }
    if (outcome.untouched.length > 0) {
      this.log(messages.getMessage('output.Untouched'));
      this.log(outcome.untouched.map((piece) => `  ${piece.type} ${piece.name}: ${piece.reason}`).join('\n'));
    }
    return outcome;
  }
}

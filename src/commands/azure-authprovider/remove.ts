import { EnvironmentVariable, Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import { canPrompt, PluginCommand } from '../../cli/pluginCommand.js';
import { providerFlags, providerInputFromFlags, WAIT_MINUTES } from '../../cli/flags/providerFlags.js';
import { removeProvider, type RemoveOutcome } from '../../remove/removeProvider.js';
import { confirmation, presentRemove } from '../../remove/removePresenter.js';
import { stageProgress } from '../../ux/progress.js';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { environmentHelp, errorCodesHelp } from '../../cli/helpSections.js';
import { RemoveWatch } from '../../cli/manageInterruption.js';
import { entraFlags } from '../../cli/flags/entraFlags.js';
import { openGraphSession, type GraphSession } from '../../entra/graphSession.js';
import type { FoundProvider } from '../../inventory/providersInOrg.js';
import { presentApps } from '../../remove/removePresenter.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'remove');
const lifecycle = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

export type { RemoveOutcome };

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
    'delete-app': Flags.boolean({ summary: lifecycle.getMessage('flags.delete-app.summary'), default: false }),
    'sign-in': entraFlags['sign-in'],
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary', [WAIT_MINUTES]), default: Duration.minutes(WAIT_MINUTES), min: 1 }),
  };

  public async run(): Promise<RemoveOutcome> {
    const { flags } = await this.parse(Remove);
    const org = flags['target-org'];
    const username = org.getUsername() ?? '';
    const stages = stageProgress(this.spinner);
    const watch = new RemoveWatch();
    this.interruption.report(() => watch.report());
    // One Graph session per tenant; device code's instructions reach stderr with --json too.
    const sessions = new Map<string, Promise<GraphSession>>();
    const sessionFor = (provider: FoundProvider): Promise<GraphSession> => {
      const tokenUrl = provider.tokenUrl ?? '';
      const key = `${provider.tenantId ?? ''}|${tokenUrl}`;
      if (!sessions.has(key)) {
        sessions.set(key, openGraphSession(flags['sign-in'], { tokenUrl, tenantId: provider.tenantId, interactive: canPrompt(this), prompt: (text) => {
          stages.stop();
          process.stderr.write(`${text}\n`);
        } }));
      }
      return sessions.get(key)!;
    };
    const outcome = await removeProvider({
      deleteApps: flags['delete-app'] ? sessionFor : undefined,
      org,
      input: providerInputFromFlags(flags),
      all: flags.all,
      dryRun: flags['dry-run'],
      waitMs: flags.wait.milliseconds,
      // Asked only once there is a plan: a missing --name or an unknown provider is the problem to report first.
      confirm: async (removals) => {
        if (flags['no-prompt']) return watch.confirmed(true);
        if (!canPrompt(this)) throw messages.createError('error.NoPrompt', [], [], EXIT_CODES['invalid-input']);
        stages.stop();
        return watch.confirmed(await this.confirm({ message: confirmation(removals, username) }));
      },
      onStage: (stage) => {
        watch.onStage(stage);
        stages.start(stage);
      },
      onSubmitted: (deployId) => watch.onSubmitted(deployId),
    });
    stages.stop();
    presentRemove(this, outcome, username);
    presentApps(this, outcome);
    return outcome;
  }
}

/*
 * Help for ./bin/run.js, where this plugin is the root and oclif's plain help would leave out what sf shows under
 * each command's flag descriptions: its configuration variables, environment variables and error codes. Inside
 * the sf CLI, sf's own help class is used instead (oclif takes the root plugin's), and it shows the same sections.
 */
import { CommandHelp, Help, type HelpSection } from '@oclif/core';

type SfSections = { configurationVariablesSection?: HelpSection; envVariablesSection?: HelpSection; errorCodes?: HelpSection };

class PluginCommandHelp extends CommandHelp {
  protected sections(): ReturnType<CommandHelp['sections']> {
    const sections = super.sections();
    const added: Array<{ header: string; key: keyof SfSections }> = [
      { header: 'CONFIGURATION VARIABLES', key: 'configurationVariablesSection' },
      { header: 'ENVIRONMENT VARIABLES', key: 'envVariablesSection' },
      { header: 'ERROR CODES', key: 'errorCodes' },
    ];
    return [
      ...sections,
      ...added.map(({ header, key }) => ({ header, generate: ({ cmd }: { cmd: SfSections }) => cmd[key] })),
    ] as ReturnType<CommandHelp['sections']>;
  }
}

export default class PluginHelp extends Help {
  protected CommandHelpClass = PluginCommandHelp;
}

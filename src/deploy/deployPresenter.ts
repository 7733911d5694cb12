/*
 * deploy's human output: the progress of its stages on stderr, then the result (components, failures, tests, each
 * provider and where its secret lives) and the next steps on stdout. --json returns the outcome instead.
 */
import { Messages } from '@salesforce/core';
import type { Spinner } from '@salesforce/sf-plugins-core';
import { SHARED } from '../input/platform.js';
import { formatTable } from '../ux/table.js';
import { stageProgress } from '../ux/progress.js';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { DeployEvents } from './deployOptions.js';
import type { DeployOutcome } from './deployOutcome.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

/** The deploy's events as stages and statuses of the progress line, its warnings as the command's warnings. */
export function deployProgress(out: CommandOutput, spinner: Spinner): { events: DeployEvents; stop: () => void } {
  const stages = stageProgress(spinner);
  const events: DeployEvents = {
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
    onWarning: (warning) => out.warn(warning),
    onCredentialWait: (message) => {
      stages.status = message;
    },
    onRetry: (error, attempt, delayMs) => out.warn(messages.getMessage('warning.Retry', [error.message.split('\n')[0], delayMs, attempt])),
  };
  return { events, stop: () => stages.stop() };
}

/** Where a plugin provider's client secret lives, for people: the weaker place is called weaker. */
function secretLine(provider: DeployOutcome['providers'][number]): string | undefined {
  if (provider.secretStorage === 'credential') return messages.getMessage('output.SecretInCredential', [provider.tokenCredential]);
  if (provider.secretStorage === 'record') return messages.getMessage('output.SecretInRecord', [`${SHARED.metadataType}.${provider.name}`]);
  return undefined;
}

export function presentDeploy(out: CommandOutput, outcome: DeployOutcome): void {
  const result = outcome.status === 'Failed' ? 'Failed' : outcome.dryRun ? 'Validated' : 'Deployed';
  const org = outcome.targetOrg;
  out.log(messages.getMessage(`output.Result.${result}`, [outcome.providers.map((p) => p.name).join(', '), org.username, org.orgType, outcome.apiVersion, outcome.deployId]));
  if (outcome.components.length > 0) {
    out.log(formatTable({
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
    out.log(formatTable({
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
    out.log(messages.getMessage('output.Tests', [tests.level, tests.run, tests.failures.length]));
  } else {
    out.log(messages.getMessage('output.NoTests', [tests.level]));
  }
  if (tests.failures.length > 0) {
    out.log(formatTable({
      title: messages.getMessage('output.TestFailures'),
      data: tests.failures.map((failure) => ({ test: `${failure.name}.${failure.method}`, message: failure.message, stack: failure.stackTrace ?? '' })),
      columns: [
        { key: 'test', name: 'Test' },
        { key: 'message', name: 'Message' },
        { key: 'stack', name: 'Where' },
      ],
    }));
    out.log(messages.getMessage('hint.TestFailures'));
  }
  for (const warning of tests.coverageWarnings) out.warn(`${warning} ${messages.getMessage('hint.Coverage')}`);

  if (outcome.status === 'Failed') {
    out.logToStderr(
      tests.failures.length > 0
        ? messages.getMessage('error.TestsFailed', [tests.failures.length])
        : outcome.errorMessage
          ? messages.getMessage('error.DeployFailedMessage', [outcome.errorMessage])
          : messages.getMessage('error.DeployFailed')
    );
  } else {
    for (const provider of outcome.providers) {
      out.log(
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
      out.log(`  ${messages.getMessage('output.Mode', [provider.modeReason])}`);
      if (provider.certificate) out.log(`  ${messages.getMessage('output.Certificate', [provider.certificate])}`);
      const secret = secretLine(provider);
      if (secret) out.log(`  ${secret}`);
      if (provider.permissionSet && provider.assignments.length > 0) {
        const who = provider.assignments.map((assignment) => `${assignment.username} (${assignment.state})`).join(', ');
        out.log(`  ${messages.getMessage('output.Assignments', [provider.permissionSet, who])}`);
      }
      if (!outcome.dryRun) {
        const { authentication } = provider;
        const detail = [authentication.status, authentication.action === 'none' ? undefined : authentication.action, authentication.detail];
        out.log(`  ${messages.getMessage('output.Authentication', [detail.filter(Boolean).join(', ')])}`);
      }
    }
  }
  out.log(messages.getMessage('output.NextSteps', [outcome.nextSteps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')]));
}

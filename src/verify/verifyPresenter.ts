/*
 * verify's human output: one row per check, the token's claims (the token itself only with --show-token), how to
 * fix each failed or warned check, and the verdict (a failure on stderr, with its exit code).
 */
import { Messages } from '@salesforce/core';
import type { Check } from '../checks/checks.js';
import { formatTable } from '../ux/table.js';
import type { CommandOutput } from '../ux/commandOutput.js';
import type { VerifyOutcome } from './verifyProvider.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'verify');

export function presentVerify(out: CommandOutput, outcome: VerifyOutcome): void {
  const mark: Record<Check['status'], string> = { pass: 'ok', warn: 'warning', fail: 'FAILED', skip: 'skipped' };
  out.log(formatTable({
    data: outcome.checks.map((check) => ({ status: mark[check.status], check: check.id, result: check.summary })),
    columns: [
      { key: 'status', name: 'Status' },
      { key: 'check', name: 'Check' },
      { key: 'result', name: 'Result' },
    ],
  }));
  const { token } = outcome;
  if (token) {
    out.log(messages.getMessage('output.Token', [token.audience ?? '-', token.tenant ?? '-', token.appId ?? '-', token.roles.join(', ') || '-', token.expiresAt ?? '-']));
    if (token.accessToken) out.log(messages.getMessage('output.AccessToken', [token.accessToken]));
  }
  const toFix = outcome.checks.filter((check) => check.fix !== undefined && (check.status === 'fail' || check.status === 'warn'));
  for (const check of toFix) {
    const log = check.debugLog
      ? `\n  ${messages.getMessage('output.DebugLog', [check.debugLog])}`
      : check.debugLogProblem
        ? `\n  ${check.debugLogProblem}`
        : '';
    out.log(messages.getMessage('output.Fix', [check.id, check.fix ?? '', log]));
  }
  if (outcome.status === 'Passed') out.log(messages.getMessage('output.Passed', [outcome.checks.filter((check) => check.status === 'pass').length]));
  else out.logToStderr(messages.getMessage('output.Failed', [outcome.failure ?? '', outcome.exitCode]));
}

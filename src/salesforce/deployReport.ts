/*
 * Reads a finished DeployResult into what the user needs: each component and what happened to it, each failure
 * with a hint for the causes we know, and the Apex test outcome.
 */
import { Messages } from '@salesforce/core';
import { ensureArray } from '@salesforce/kit';
import { remoteField, remoteText } from '../ux/remoteText.js';
import type { DeployResult } from './deployPackage.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

export type ChangeState = 'created' | 'changed' | 'unchanged';
export type DeployedComponent = { type: string; name: string; state: ChangeState };
export type ComponentFailure = { type: string; name: string; problem: string; line?: number; column?: number; hint?: string };
export type TestFailure = { name: string; method: string; message: string; stackTrace?: string };
export type TestSummary = { level: string; run: number; failures: TestFailure[]; coverageWarnings: string[] };

export type DeployReport = {
  deployId: string;
  success: boolean;
  status: string;
  components: DeployedComponent[];
  componentFailures: ComponentFailure[];
  tests: TestSummary;
  /** What went wrong, in one line per cause, when the deploy failed for a reason the tables do not show. */
  errorMessage?: string;
};

type RawTestFailure = { name: string; methodName: string; message: string; stackTrace?: string | null };
type Message = { componentType?: string; fullName: string; id?: string; fileName?: string; problem?: string; lineNumber?: number | string; columnNumber?: number | string; created?: boolean | string; changed?: boolean | string };

const truthy = (value: boolean | string | undefined): boolean => value === true || value === 'true';
const numberOrUndefined = (value: number | string | undefined): number | undefined =>
  value === undefined || value === '' ? undefined : Number(value);

/** Known causes of a component failure, matched on the org's problem text, and the hint that fixes each. */
const HINTS: Array<{ when: RegExp; hint: string }> = [
  { when: /executionUser.*no User named|no User named/i, hint: 'hint.ExecutionUser' },
  { when: /My Domain/i, hint: 'hint.MyDomain' },
  { when: /Not available for deploy for this API version|Invalid version specified|not a valid (?:field|element) in API version/i, hint: 'hint.ApiVersion' },
  { when: /Unauthorized endpoint|remote site/i, hint: 'hint.RemoteSite' },
  { when: /Insufficient access|insufficient privileges/i, hint: 'hint.Permissions' },
];

export function hintFor(problem: string): string | undefined {
  const known = HINTS.find((entry) => entry.when.test(problem));
  return known && messages.getMessage(known.hint);
}

/**
 * `secrets`: those the deploy sent, removed from the org's messages (failures, tests, errors) should it echo one;
 * every message is also stripped of terminal controls and cut to a sane length.
 */
export function deployReport(result: DeployResult, testLevel: string, secrets: readonly string[] = []): DeployReport {
  const shown = (text: string | undefined | null): string => remoteText(text ?? '', secrets);
  const success = result.success === true || (result.success as unknown) === 'true';
  const details = result.details as unknown as { componentSuccesses?: Message | Message[]; componentFailures?: Message | Message[]; runTestResult?: Record<string, unknown> } | undefined;
  // A failed deploy rolls back everything, though the org still lists the components that would have succeeded.
  const components = ensureArray(success ? details?.componentSuccesses : [])
    // package.xml is reported as a component without a type.
    .filter((message) => message.componentType)
    .map((message) => ({
      type: message.componentType!,
      name: message.fullName,
      state: (truthy(message.created) ? 'created' : truthy(message.changed) ? 'changed' : 'unchanged') as ChangeState,
    }));
  const componentFailures = ensureArray(details?.componentFailures).map((message) => ({
    type: shown(message.componentType || 'package'),
    name: shown(message.fullName),
    problem: shown(message.problem),
    line: numberOrUndefined(message.lineNumber),
    column: numberOrUndefined(message.columnNumber),
    hint: hintFor(message.problem ?? ''),
  }));
  const run = details?.runTestResult as
    | {
        numTestsRun?: string | number;
        failures?: RawTestFailure | RawTestFailure[];
        codeCoverageWarnings?: { message: string } | Array<{ message: string }>;
      }
    | undefined;
  const tests: TestSummary = {
    level: testLevel,
    run: Number(run?.numTestsRun ?? 0),
    failures: ensureArray(run?.failures).map((failure) => ({
      name: shown(failure.name),
      method: shown(failure.methodName),
      message: shown(failure.message),
      stackTrace: remoteField(failure.stackTrace ?? undefined, secrets),
    })),
    coverageWarnings: ensureArray(run?.codeCoverageWarnings).map((warning) => shown(warning.message)),
  };
  return {
    deployId: result.id,
    success,
    status: result.status,
    components,
    componentFailures,
    tests,
    errorMessage: remoteField(result.errorMessage ?? undefined, secrets),
  };
}

/** The record ID the org gave a deployed component, when the result names one. */
export function deployedId(result: DeployResult, type: string, fullName: string): string | undefined {
  const details = result.details as unknown as { componentSuccesses?: Message | Message[] } | undefined;
  const found = ensureArray(details?.componentSuccesses).find((message) => message.componentType === type && message.fullName === fullName);
  return found?.id || undefined;
}

/**
 * executeAnonymous, whichever API carries it (Apex SOAP or Tooling REST): compile problems first, then the run as
 * anonymousApex.ts models it, and its debug log stored as an ApexLog.
 */
import type { EmulatorContext } from './context.js';
import { parseAnonymousApex } from './apex.js';
import { debugLog, runAnonymousModel, unknownType } from './anonymousApex.js';
import { newId } from './registry.js';

/** An ExecuteAnonymousResult, and the run's log when there is one. */
export type AnonymousRun = {
  result: { line: number; column: number; compiled: boolean; success: boolean; compileProblem: string | null; exceptionStackTrace: string | null; exceptionMessage: string | null };
  log?: string;
};

/** Compiles and runs anonymous Apex as the user; keeps a debug log when the outcome has one or `wantLog` asks. */
export async function runAnonymous(emu: EmulatorContext, bodyText: string, userId: string, wantLog = false): Promise<AnonymousRun> {
  const compileError = parseAnonymousApex(bodyText)[0] ?? unknownType(emu.org, bodyText);
  if (compileError) {
    return { result: { line: compileError.line, column: compileError.column, compiled: false, success: false, compileProblem: compileError.message, exceptionStackTrace: null, exceptionMessage: null } };
  }
  const run = await runAnonymousModel(emu.org, bodyText, userId, emu.org.calloutResponder);
  const o = run.outcome;
  const log = o.log ?? (wantLog ? debugLog(emu.apiVersion, bodyText, run) : undefined);
  if (log !== undefined) {
    emu.org.logs.push({ id: newId('07L'), body: log, startTime: new Date().toISOString(), operation: `/services/data/v${emu.apiVersion}/tooling/executeAnonymous/`, status: o.success ? 'Success' : o.exceptionMessage, userId });
  }
  if (o.success) return { result: { line: -1, column: -1, compiled: true, success: true, compileProblem: null, exceptionStackTrace: null, exceptionMessage: null }, log };
  const pos = /line (\d+), column (\d+)/.exec(o.exceptionStackTrace);
  return {
    result: { line: pos ? Number(pos[1]) : -1, column: pos ? Number(pos[2]) : -1, compiled: true, success: false, compileProblem: null, exceptionStackTrace: o.exceptionStackTrace, exceptionMessage: o.exceptionMessage },
    log,
  };
}

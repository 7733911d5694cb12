/**
 * Metadata API deploy as an org runs it: read the zip, find package.xml, validate every component (schema,
 * Apex syntax, cross references against the org plus the same deploy), run the test level's tests, and commit
 * all-or-nothing (rollbackOnError) unless checkOnly. The outcome is computed when the deploy finishes (after
 * its Queued/InProgress polls), against the org as it is at that moment. Each step is a module of its own:
 * deployPackages.ts, deployParse.ts, deployReferences.ts, deployDeletions.ts, deployTests.ts, deployCommit.ts.
 */
import JSZip from 'jszip';
import type { Org } from './org.js';
import type { Candidate, DeployJob, DeployMessage, DeployRun } from './deployTypes.js';
import { collectCandidates, locatePackages } from './deployPackages.js';
import { parseCandidates } from './deployParse.js';
import { checkReferences } from './deployReferences.js';
import { checkDeletions } from './deployDeletions.js';
import { runTests } from './deployTests.js';
import { planCommit } from './deployCommit.js';

export type { DeployJob, DeployMessage, DeployOptions, TestRun } from './deployTypes.js';

/** Read the zip at submission (as the real API does); unreadable zips fail the deploy when it runs. */
export async function readZip(base64: string): Promise<{ files: Map<string, Buffer>; error?: string }> {
  const files = new Map<string, Buffer>();
  try {
    const zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
    for (const entry of Object.values(zip.files)) {
      if (!entry.dir) files.set(entry.name.replace(/^\.\//, ''), await entry.async('nodebuffer'));
    }
    return { files };
  } catch (e) {
    return { files, error: `Unable to read zip file: ${(e as Error).message}` };
  }
}

/** Apex added, changed or deleted: on production, such a deploy must run tests. */
export function containsApex(files: Map<string, Buffer>): boolean {
  return [...files.entries()].some(
    ([p, content]) =>
      /(^|\/)(classes\/[^/]+\.cls|triggers\/[^/]+\.trigger)$/.test(p) ||
      (/(^|\/)destructiveChanges(Pre|Post)?\.xml$/.test(p) && /<name>\s*ApexClass\s*<\/name>/.test(content.toString('utf8')))
  );
}

/** Runs the deploy to completion, filling job.messages/tests/status; commits unless checkOnly or failed. */
export function runDeploy(org: Org, job: DeployJob, maxApiVersion = 64): void {
  const run = startRun(org, job);
  if (job.zipError) {
    job.errorMessage = job.zipError;
    job.errorStatusCode = 'UNKNOWN_EXCEPTION';
    return finish(run);
  }
  const roots = locatePackages(run);
  if (roots.length === 0) {
    run.fail('', 'package.xml', 'package.xml', 'No package.xml found');
    return finish(run);
  }
  const cands = collectCandidates(run, roots, maxApiVersion);
  parseCandidates(run, cands);
  checkReferences(run, cands);
  applyRejections(run, cands);
  const deletions = checkDeletions(run, roots);
  runTests(run, cands, deletions);
  const plans = planCommit(run, cands, deletions);
  job.componentsTotal = cands.length + deletions.length;
  finish(run);
  if (job.status === 'Succeeded' && !job.options.checkOnly) for (const p of plans) p();
}

function startRun(org: Org, job: DeployJob): DeployRun {
  const now = new Date().toISOString();
  const msgs: DeployMessage[] = [];
  const fail: DeployRun['fail'] = (type, fullName, fileName, problem, line, col) => {
    msgs.push({
      changed: false, columnNumber: col, componentType: type, created: false, createdDate: now, deleted: false,
      fileName, fullName, lineNumber: line, problem, problemType: 'Error', success: false,
    });
  };
  return { org, job, now, msgs, fail };
}

/** The job's outcome: Failed if any component, test or coverage check failed, or the deploy itself did. */
function finish({ job, msgs }: DeployRun): void {
  job.messages = msgs;
  job.completedDate = new Date().toISOString();
  const failed = msgs.some((m) => !m.success) || (job.tests?.failures.length ?? 0) > 0 ||
    (job.tests?.codeCoverageWarnings.length ?? 0) > 0 || job.errorMessage !== undefined;
  job.status = failed ? 'Failed' : 'Succeeded';
}

/** Rules Salesforce applies that the emulator does not model, set by a test (org.rejectComponent). */
function applyRejections({ org, fail }: DeployRun, cands: Candidate[]): void {
  for (const c of cands) {
    const problem = org.rejections.get(`${c.type}:${c.fullName}`.toLowerCase());
    if (problem && !c.failed) {
      fail(c.type, c.fullName, c.fileName, problem);
      c.failed = true;
    }
  }
}

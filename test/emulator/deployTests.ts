/**
 * A deploy's test step: the test level (RunLocalTests by default on production when Apex changes), the classes it
 * runs, each method's outcome as the org was told (org.setTestOutcome), and code coverage against production's 75%.
 */
import { parseApexClass, type ApexClassInfo } from './apex.js';
import { newId } from './registry.js';
import type { Candidate, Deletion, DeployRun, TestRun } from './deployTypes.js';

/** Runs the level's tests unless a component already failed; fills job.tests, or job.errorMessage for a missing class. */
export function runTests(run: DeployRun, cands: Candidate[], deletions: Deletion[]): void {
  const { org, job, msgs } = run;
  const deleted = new Set(deletions.map((d) => `${d.type} - ${d.fullName}`.toLowerCase()));
  const options = job.options;
  const apexInDeploy = cands.some((c) => c.type === 'ApexClass') || deletions.some((d) => d.type === 'ApexClass');
  const level = options.testLevel ?? (org.orgType === 'production' && apexInDeploy ? 'RunLocalTests' : 'NoTestRun');
  if (level !== 'NoTestRun' && !msgs.some((m) => !m.success)) {
    const allClasses = new Map<string, ApexClassInfo & { name: string }>();
    for (const s of org.list('ApexClass')) {
      if (s.source !== undefined && !deleted.has(`apexclass - ${s.fullName.toLowerCase()}`)) allClasses.set(s.fullName.toLowerCase(), { ...parseApexClass(s.source), name: s.fullName });
    }
    for (const c of cands) if (c.type === 'ApexClass' && c.apex) allClasses.set(c.fullName.toLowerCase(), { ...c.apex, name: c.fullName });
    let toRun: Array<ApexClassInfo & { name: string }> = [];
    if (level === 'RunSpecifiedTests') {
      for (const name of options.runTests) {
        const cls = allClasses.get(name.toLowerCase());
        if (!cls) {
          // emulator wording
          job.errorMessage = `Apex test class not found: ${name}`;
          job.errorStatusCode = 'INVALID_CROSS_REFERENCE_KEY';
        } else toRun.push(cls);
      }
    } else {
      toRun = [...allClasses.values()].filter((c) => c.isTest);
    }
    const result: TestRun = { successes: [], failures: [], codeCoverage: [], codeCoverageWarnings: [], totalTime: 0 };
    for (const cls of toRun) {
      const classId = org.get('ApexClass', cls.name)?.id ?? newId('01p');
      for (const m of cls.testMethods) {
        const o = org.testOutcome(cls.name, m);
        result.totalTime += 10;
        if (o.pass) result.successes.push({ id: classId, methodName: m, name: cls.name, time: 10 });
        else result.failures.push({ id: classId, message: o.message, methodName: m, name: cls.name, stackTrace: o.stackTrace ?? `Class.${cls.name}.${m}: line 1, column 1`, time: 10 });
      }
    }
    // Coverage is not computed from execution: each deployed non-test class reports the percentage set with
    // org.setCoverage (default 100%) over a nominal 100 locations. Production enforces 75%.
    const covered: Array<{ name: string; pct: number }> = [];
    for (const c of cands) {
      if (c.type !== 'ApexClass' || !c.apex || c.apex.isTest) continue;
      const pct = org.coverage.get(c.fullName.toLowerCase()) ?? 100;
      covered.push({ name: c.fullName, pct });
      result.codeCoverage.push({ id: org.get('ApexClass', c.fullName)?.id ?? newId('01p'), name: c.fullName, numLocations: 100, numLocationsNotCovered: 100 - pct });
    }
    if (org.orgType === 'production' && covered.length > 0) {
      if (level === 'RunSpecifiedTests') {
        for (const cv of covered.filter((x) => x.pct < 75)) {
          result.codeCoverageWarnings.push({ id: newId('01p'), name: cv.name, message: `Test coverage of selected Apex Class is ${cv.pct}%, at least 75% test coverage is required` });
        }
      } else {
        const avg = Math.floor(covered.reduce((s, x) => s + x.pct, 0) / covered.length);
        if (avg < 75) {
          result.codeCoverageWarnings.push({ id: newId('01p'), name: null, message: `Average test coverage across all Apex Classes and Triggers is ${avg}%, at least 75% test coverage is required.` });
        }
      }
    }
    job.tests = result;
    job.testsTotal = result.successes.length + result.failures.length;
  }
}

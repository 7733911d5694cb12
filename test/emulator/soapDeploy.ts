/**
 * The Metadata API's deploy calls over SOAP: deploy (submission and its up-front refusals), checkDeployStatus (the
 * DeployResult, with details when asked) and cancelDeploy. What a deploy does lives in deploy.ts.
 */
import type { EmulatorContext } from './context.js';
import { containsApex, type DeployJob, type DeployMessage, type DeployOptions, readZip } from './deploy.js';
import { type Exchange, soapFault } from './http.js';
import { newId } from './registry.js';
import { child, childrenNamed, childText, el, type XNode } from './xml.js';

type Respond = (inner: string) => void;

export async function deploy(emu: EmulatorContext, x: Exchange, op: XNode, respond: Respond): Promise<void> {
  const o = child(op, 'DeployOptions');
  const bool = (n: string, d: boolean): boolean => {
    const v = childText(o, n);
    return v === undefined ? d : v === 'true' || v === '1';
  };
  const options: DeployOptions = {
    checkOnly: bool('checkOnly', false),
    rollbackOnError: bool('rollbackOnError', true),
    singlePackage: bool('singlePackage', false),
    ignoreWarnings: bool('ignoreWarnings', false),
    testLevel: childText(o, 'testLevel'),
    runTests: childrenNamed(o, 'runTests').map((r) => r.text),
  };
  if (options.testLevel && !['NoTestRun', 'RunSpecifiedTests', 'RunLocalTests', 'RunAllTestsInOrg'].includes(options.testLevel)) {
    return soapFault(x.res, 'soapenv:Client', `'${options.testLevel}' is not a valid value for the enum 'TestLevel'`);
  }
  const { files, error } = await readZip(childText(op, 'ZipFile') ?? '');
  if (options.testLevel === 'NoTestRun' && emu.org.orgType === 'production' && containsApex(files)) {
    return soapFault(x.res, 'sf:INVALID_OPERATION', 'INVALID_OPERATION: testLevel of NoTestRun cannot be used in production organizations');
  }
  if (options.testLevel === 'RunSpecifiedTests' && options.runTests.length === 0) {
    return soapFault(x.res, 'sf:INVALID_OPERATION', 'INVALID_OPERATION: No test classes were specified for the RunSpecifiedTests test level');
  }
  const job: DeployJob = {
    id: newId('0Af'),
    options,
    files,
    zipError: error,
    createdDate: new Date().toISOString(),
    polls: 0,
    status: 'Pending',
    messages: [],
    testsTotal: 0,
    componentsTotal: 0,
  };
  emu.deploys.submit(job);
  respond(`<result>${el('done', false)}${el('id', job.id)}${el('state', 'Queued')}</result>`);
}

export function checkDeployStatus(emu: EmulatorContext, x: Exchange, op: XNode, respond: Respond): void {
  const id = childText(op, 'asyncProcessId') ?? '';
  const jobs = emu.deploys.jobs;
  const job = jobs.get(id) ?? jobs.get(id.slice(0, 15));
  if (!job) return soapFault(x.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
  emu.deploys.advance(job);
  const details = ['true', '1'].includes(childText(op, 'includeDetails') ?? 'false');
  respond(`<result>${deployResultXml(emu, job, details)}</result>`);
}

export function cancelDeploy(emu: EmulatorContext, x: Exchange, op: XNode, respond: Respond): void {
  const id = childText(op, 'String') ?? childText(op, 'id') ?? '';
  const job = emu.deploys.jobs.get(id);
  if (!job) return soapFault(x.res, 'sf:INVALID_CROSS_REFERENCE_KEY', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
  if (job.status === 'Pending' || job.status === 'InProgress') {
    job.status = 'Canceled';
    job.completedDate = new Date().toISOString();
  }
  respond(`<result>${el('done', true)}${el('id', job.id)}</result>`);
}

function deployResultXml(emu: EmulatorContext, job: DeployJob, includeDetails: boolean): string {
  const done = !['Pending', 'InProgress'].includes(job.status);
  const failures = job.messages.filter((m) => !m.success);
  const successes = job.messages.filter((m) => m.success);
  const t = job.tests;
  const runTestResult =
    '<runTestResult>' +
    (t?.codeCoverage.map((c) => `<codeCoverage>${el('id', c.id)}${el('name', c.name)}<namespace xsi:nil="true"/>${el('numLocations', c.numLocations)}${el('numLocationsNotCovered', c.numLocationsNotCovered)}${el('type', 'Class')}</codeCoverage>`).join('') ?? '') +
    (t?.codeCoverageWarnings.map((w) => `<codeCoverageWarnings>${el('id', w.id)}${el('message', w.message)}${w.name === null ? '<name xsi:nil="true"/>' : el('name', w.name)}<namespace xsi:nil="true"/></codeCoverageWarnings>`).join('') ?? '') +
    (t?.failures.map((f) => `<failures>${el('id', f.id)}${el('message', f.message)}${el('methodName', f.methodName)}${el('name', f.name)}<namespace xsi:nil="true"/>${el('packageName', f.name)}${el('stackTrace', f.stackTrace)}${el('time', f.time.toFixed(1))}${el('type', 'Class')}</failures>`).join('') ?? '') +
    el('numFailures', t?.failures.length ?? 0) +
    el('numTestsRun', (t?.failures.length ?? 0) + (t?.successes.length ?? 0)) +
    (t?.successes.map((s) => `<successes>${el('id', s.id)}${el('methodName', s.methodName)}${el('name', s.name)}<namespace xsi:nil="true"/>${el('time', s.time.toFixed(1))}</successes>`).join('') ?? '') +
    el('totalTime', (t?.totalTime ?? 0).toFixed(1)) +
    '</runTestResult>';
  const details = includeDetails && done
    ? `<details>${failures.map((m) => `<componentFailures>${deployMessageXml(m)}</componentFailures>`).join('')}${successes.map((m) => `<componentSuccesses>${deployMessageXml(m)}</componentSuccesses>`).join('')}${runTestResult}</details>`
    : `<details>${runTestResult}</details>`;
  const componentErrors = failures.filter((m) => m.componentType !== '' || m.fullName !== 'package.xml').length;
  const admin = emu.org.adminUser;
  const status = job.status;
  const success = status === 'Succeeded';
  return (
    el('checkOnly', job.options.checkOnly) +
    (job.completedDate ? el('completedDate', job.completedDate) : '') +
    el('createdBy', admin.id.slice(0, 15)) +
    el('createdByName', admin.name) +
    el('createdDate', job.createdDate) +
    details +
    el('done', done) +
    (job.errorMessage ? el('errorMessage', job.errorMessage) : '') +
    (job.errorStatusCode ? el('errorStatusCode', job.errorStatusCode) : '') +
    el('id', job.id) +
    el('ignoreWarnings', job.options.ignoreWarnings) +
    el('lastModifiedDate', job.completedDate ?? job.startDate ?? job.createdDate) +
    el('numberComponentErrors', done ? componentErrors : 0) +
    el('numberComponentsDeployed', done ? successes.filter((m) => m.fullName !== 'package.xml' || m.componentType !== '').length : 0) +
    el('numberComponentsTotal', job.componentsTotal) +
    el('numberTestErrors', t?.failures.length ?? 0) +
    el('numberTestsCompleted', done ? t?.successes.length ?? 0 : 0) +
    el('numberTestsTotal', job.testsTotal) +
    el('rollbackOnError', job.options.rollbackOnError) +
    el('runTestsEnabled', Boolean(t)) +
    (job.startDate ? el('startDate', job.startDate) : '') +
    (status === 'InProgress' ? el('stateDetail', 'Processing Type: ApexClass') : '') +
    el('status', status) +
    el('success', success)
  );
}

function deployMessageXml(m: DeployMessage): string {
  return (
    el('changed', m.changed) +
    (m.columnNumber !== undefined ? el('columnNumber', m.columnNumber) : '') +
    (m.componentType ? el('componentType', m.componentType) : '<componentType></componentType>') +
    el('created', m.created) +
    el('createdDate', m.createdDate) +
    el('deleted', m.deleted) +
    el('fileName', m.fileName) +
    el('fullName', m.fullName) +
    (m.id ? el('id', m.id) : '') +
    (m.lineNumber !== undefined ? el('lineNumber', m.lineNumber) : '') +
    (m.problem ? el('problem', m.problem) : '') +
    (m.problemType ? el('problemType', m.problemType) : '') +
    el('success', m.success)
  );
}

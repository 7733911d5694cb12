/**
 * The shapes a deploy works with: its options and job as the Metadata API reports them (DeployOptions, DeployResult's
 * messages and test results), and the state one run of runDeploy passes between its steps.
 */
import type { ApexClassInfo } from './apex.js';
import type { Org } from './org.js';
import type { XNode } from './xml.js';

export type DeployOptions = {
  checkOnly: boolean;
  rollbackOnError: boolean;
  singlePackage: boolean;
  ignoreWarnings: boolean;
  testLevel?: string;
  runTests: string[];
};

export type DeployMessage = {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

export type TestRun = {
  successes: Array<{ id: string; methodName: string; name: string; time: number }>;
  failures: Array<{ id: string; message: string; methodName: string; name: string; stackTrace: string; time: number }>;
  codeCoverage: Array<{ id: string; name: string; numLocations: number; numLocationsNotCovered: number }>;
  codeCoverageWarnings: Array<{ id: string; message: string; name: string | null }>;
  totalTime: number;
};

export type DeployJob = {
  id: string;
  options: DeployOptions;
  files: Map<string, Buffer>;
  zipError?: string;
  createdDate: string;
  startDate?: string;
  completedDate?: string;
  polls: number;
  /** When the last checkDeployStatus for it arrived (epoch ms). */
  lastPolledAt?: number;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  messages: DeployMessage[];
  tests?: TestRun;
  testsTotal: number;
  errorMessage?: string;
  errorStatusCode?: string;
  componentsTotal: number;
};

/** A component a package.xml names, as the deploy's steps learn about it. */
export type Candidate = {
  type: string;
  fullName: string;
  fileName: string;
  tree?: XNode;
  source?: string;
  apex?: ApexClassInfo;
  /** for CustomField candidates: the field element; for CustomObject: whether object-level props are deployed */
  objectProps?: boolean;
  /** its package.xml's <version>: the version its file is judged by */
  apiVersion: number;
  failed: boolean;
};

/** A member of destructiveChanges*.xml. */
export type Deletion = { type: string; fullName: string; fileName: string };

/** One run of a deploy: the org and job, when it ran, and the messages its steps add (fail adds an Error). */
export type DeployRun = {
  org: Org;
  job: DeployJob;
  now: string;
  msgs: DeployMessage[];
  fail: (type: string, fullName: string, fileName: string, problem: string, line?: number, col?: number) => void;
};

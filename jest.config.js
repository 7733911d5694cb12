/** ESM TypeScript under jest: ts-jest in ESM mode, and relative `.js` imports mapped back to their `.ts` sources. */
import { availableParallelism } from 'node:os';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The installed-package suite has its own config (jest.installed.config.js) and script (npm run test:installed).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/installed/'],
  globalSetup: '<rootDir>/test/helpers/privateHome.ts',
  // A HOME per worker, below that one: workers logging in at once must not share sf's alias file.
  setupFiles: ['<rootDir>/test/helpers/workerHome.ts'],
  // The reliability suites' counts are printed at the end of every run that includes them.
  reporters: ['default', '<rootDir>/test/reliability/countsReporter.js'],
  testTimeout: 120000,
  // jest's default (one worker fewer than the CPUs) runs everything in one process on a 2-CPU machine, where most
  // suites spend their time waiting on a CLI child process: a worker per CPU keeps both busy. Suites share nothing
  // but the run's HOME, where each logs in under aliases and usernames of its own.
  maxWorkers: Math.max(2, availableParallelism()),
};

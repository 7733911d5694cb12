/** ESM TypeScript under jest: ts-jest in ESM mode, and relative `.js` imports mapped back to their `.ts` sources. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The installed-package suite has its own config (jest.installed.config.js) and script (npm run test:installed).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/installed/'],
  globalSetup: '<rootDir>/test/helpers/privateHome.ts',
  // The reliability suites' counts are printed at the end of every run that includes them.
  reporters: ['default', '<rootDir>/test/reliability/countsReporter.js'],
  testTimeout: 120000,
};

/**
 * The installed package under the real sf CLI (test/installed): a suite of its own, run by `npm run test:installed`
 * after `npm test`, because it packs the plugin and installs the pinned sf CLI (scripts/sf-cli) first.
 */
import base from './jest.config.js';

export default { ...base, testMatch: ['<rootDir>/test/installed/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 600000 };

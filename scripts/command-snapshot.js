#!/usr/bin/env node
// Runs @oclif/plugin-command-snapshot (a devPlugin) on this plugin's commands, as `bin/dev.js` does in Salesforce's
// plugins: `snapshot generate` writes command-snapshot.json, `schema generate` the --json result schemas in schemas/.
// Plugins installed into sf on this machine are left out, so they never enter the snapshot.
//   node scripts/command-snapshot.js snapshot generate [--filepath <file>]
//   node scripts/command-snapshot.js schema generate [--filepath <dir>]
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core';

// oclif loads devPlugins only outside production (NODE_ENV development or test).
process.env.NODE_ENV = 'development';
await execute({ args: process.argv.slice(2), loadOptions: { root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false } });

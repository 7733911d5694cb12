#!/usr/bin/env node
// Runs an npm script's command under Node 22.19 or later, the platform of today's sf CLI, so that `npm test`,
// `npm run example` and the rest work on a machine whose own `node` is older: there scripts/with-node22 fetches
// Node 22 from the npm registry (once) and puts it first on PATH. Under Node 22.19+ the command runs as it is.
//   node scripts/node22.mjs <command> [args...]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const recent = major > 22 || (major === 22 && minor >= 19);
const args = process.argv.slice(2);
let run;
if (recent) {
  run = spawnSync(args[0], args.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
} else if (process.platform === 'win32') {
  process.stderr.write(`Node.js 22.19 or later is needed (this is ${process.version}): install it, then run this again.\n`);
  process.exit(1);
} else {
  run = spawnSync('bash', [join(dirname(fileURLToPath(import.meta.url)), 'with-node22'), ...args], { stdio: 'inherit' });
}
if (run.error) {
  process.stderr.write(`${run.error.message}\n`);
  process.exit(1);
}
process.exit(run.status ?? (run.signal ? 128 : 1));

#!/usr/bin/env node
// Runs the plugin's commands from a clone, without the sf CLI: ./bin/run.js azure-authprovider generate ...
// The libraries need Node 22.19 (undici 8) and crash while loading on an older Node: there the command is run again
// under Node 22 through scripts/node22.mjs, as the npm scripts are (bin/ is not in the package; sf users never get here).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const launcher = fileURLToPath(new URL('../scripts/node22.mjs', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, [launcher, 'node', self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });

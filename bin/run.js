#!/usr/bin/env node
// Runs the plugin's commands from a clone, without the sf CLI: ./bin/run.js azure-authprovider generate ...
// The libraries need Node 22.19 (undici 8); on an older Node they crash while loading, so say so first.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`Node.js 22.19 or later is needed (this is ${process.version}); run it through scripts/with-node22.\n`);
  process.exit(1);
}
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });

#!/usr/bin/env node
// Writes oclif.manifest.json, as `oclif manifest` does, from the built commands in lib/. With a manifest, oclif loads
// only the command that runs (and none for --help), instead of importing every command to learn their flags.
// `npm run build` runs this every time, so the manifest always matches lib/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Under NODE_ENV test or development oclif records the TypeScript sources (src/...) as the commands' paths, and an
// installed package has none: a manifest is always written for the built commands, whoever runs the build.
process.env.NODE_ENV = 'production';
const { Plugin } = await import('@oclif/core');

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
await writeFile(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);

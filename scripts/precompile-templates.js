#!/usr/bin/env node
// Writes lib/render/templates.precompiled.cjs from templates/ (see src/render/templates.ts); run by `npm run build`.
import { writeFile } from 'node:fs/promises';
import { precompiledModule } from '../lib/render/templates.js';

await writeFile(new URL('../lib/render/templates.precompiled.cjs', import.meta.url), precompiledModule());

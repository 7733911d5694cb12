/**
 * Jest setup file: each worker's test files get a HOME of their own below the run's private one (privateHome.ts).
 * Logins rewrite sf's alias.json in place, so two workers logging in at once into one HOME could lose an alias, and a
 * CLI run would then not find its org. Tests and the CLI children they start read process.env.HOME, this file's copy.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const home = join(process.env.HOME!, `worker-${process.env.JEST_WORKER_ID ?? '1'}`);
mkdirSync(join(home, '.sfdx'), { recursive: true });
// As privateHome.ts explains: @salesforce/core wants the alias file to exist.
const aliases = join(home, '.sfdx', 'alias.json');
if (!existsSync(aliases)) writeFileSync(aliases, JSON.stringify({ orgs: {} }, null, 2));
process.env.HOME = home;

/*
 * Whether generated files can be deployed by hand: `sf project deploy start` works only inside an SFDX project, a
 * directory with sfdx-project.json at or above the current one. generate writes nothing outside --output-dir, so
 * where there is none it says exactly which file to add.
 */
import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export const PROJECT_FILE = 'sfdx-project.json';

/** The sfdx-project.json at or above `dir`, or undefined when `dir` lies in no SFDX project. */
export async function sfdxProjectOf(dir: string): Promise<string | undefined> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const candidate = join(current, PROJECT_FILE);
    // eslint-disable-next-line no-await-in-loop
    if (await access(candidate).then(() => true, () => false)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** The smallest project file that makes `outputDir` its package directory, for a project in its parent directory. */
export function minimalProject(outputDir: string, apiVersion: string): { path: string; content: string } {
  const root = dirname(resolve(outputDir));
  const content = JSON.stringify({ packageDirectories: [{ path: basename(resolve(outputDir)), default: true }], sourceApiVersion: apiVersion });
  return { path: join(root, PROJECT_FILE), content };
}

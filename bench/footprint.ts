/** Footprint: the production dependency tree as npm installs it for users (`npm ls --omit=dev`), counted and sized. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './measure.js';

export type FootprintResult = { packages: number; megabytes: number; largest: Array<{ name: string; megabytes: number }> };

/** Bytes of a package's own files: nested node_modules belong to other packages, counted on their own. */
function ownBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += entry.name === 'node_modules' ? 0 : ownBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

const megabytes = (bytes: number): number => Number((bytes / 1e6).toFixed(1));

export function measureFootprint(): FootprintResult {
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], { cwd: ROOT, encoding: 'utf8' });
  const dirs = [...new Set(listed.split('\n').filter((line) => line.trim() !== '' && line !== ROOT))];
  const sized = dirs.map((dir) => ({ name: relative(ROOT, dir).replace(/^(.*\/)?node_modules\//, ''), bytes: ownBytes(dir) }));
  sized.sort((a, b) => b.bytes - a.bytes);
  return {
    packages: dirs.length,
    megabytes: megabytes(sized.reduce((sum, dep) => sum + dep.bytes, 0)),
    largest: sized.slice(0, 5).map((dep) => ({ name: dep.name, megabytes: megabytes(dep.bytes) })),
  };
}

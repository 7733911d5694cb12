/*
 * Where a path really leads. A symbolic link anywhere on the way (`main`, `main/default/classes`) can take a write
 * out of the output directory while the path's text stays inside it, so containment is judged on real paths.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * The real path of `path`, which need not exist: the real path of its deepest existing ancestor (every link on the
 * way resolved) with the missing rest appended. A dangling link counts as where it points, not as a missing name.
 */
export async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return join(await realpath(current), ...missing);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
      // eslint-disable-next-line no-await-in-loop
      const link = await lstat(current).then((stat) => stat.isSymbolicLink(), () => false);
      // eslint-disable-next-line no-await-in-loop
      if (link) return realPathOf(join(resolve(dirname(current), await readlink(current)), ...missing));
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

/** Whether `path` is `root` or below it; both real paths. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** The first link between `root` and `dir` (a path below it) that leads out of `realRoot`, for naming it. */
export async function linkLeadingOut(root: string, dir: string, realRoot: string): Promise<string | undefined> {
  let current = root;
  for (const part of relative(root, dir).split(sep).filter(Boolean)) {
    current = join(current, part);
    // eslint-disable-next-line no-await-in-loop
    const isLink = await lstat(current).then((stat) => stat.isSymbolicLink(), () => false);
    // eslint-disable-next-line no-await-in-loop
    if (isLink && !isInside(realRoot, await realPathOf(current))) return current;
  }
  return undefined;
}

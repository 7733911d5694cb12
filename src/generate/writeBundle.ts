/*
 * Writes a rendered bundle under an SFDX package directory, all or nothing. Every target must really lie inside the
 * output directory (symbolic links on the way resolved). Each new content is staged beside its target under an
 * unpredictable name, created exclusively; each file about to be replaced is first linked (or copied) aside. Only
 * when everything is staged are the staged files renamed into place; if one rename fails, the ones already done are
 * undone from those backups. Whatever fails, the staging files are removed, and the message says what changed.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Messages, type SfError } from '@salesforce/core';
import type { BundleFile } from '../render/renderBundle.js';
import type { ChangeState } from '../salesforce/deployReport.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { firstFailure, settleAll } from './pool.js';
import { isInside, linkLeadingOut, realPathOf } from './realPaths.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'output');

export type WrittenFile = { path: string; type: string; fullName: string; state: ChangeState };
/** A file about to be replaced: what it holds now and what it will hold. */
export type ChangedFile = BundleFile & { shown: string; previous: string };
export type WriteOptions = {
  /** Called once every target is resolved, before anything is written, with the files to be replaced; a throw writes nothing. */
  beforeWrite?: (changed: ChangedFile[]) => void | Promise<void>;
};

type Target = BundleFile & {
  /** The path as the user gave it, for messages and the result. */
  shown: string;
  /** The target in its real directory. */
  target: string;
  state: ChangeState;
  /** What a changed file holds now. */
  previous?: string;
};

/** What could not be done to which file: the first sentence of a write failure. */
type Step = 'check' | 'directory' | 'read' | 'write' | 'backup' | 'replace';
class StepFailed extends Error {
  public constructor(public readonly step: Step, public readonly shown: string, public readonly reason: unknown) {
    super(step);
  }
}
const failing =
  (step: Step, shown: string) =>
  (reason: unknown): never => {
    throw reason instanceof StepFailed ? reason : new StepFailed(step, shown, reason);
  };

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const REASONS = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EMFILE', 'ENFILE', 'EIO', 'ELOOP', 'ENAMETOOLONG', 'EBUSY', 'ENOENT']);
/** The OS's reason in our words, with its code; never the raw error text, which repeats paths and syscalls. */
function reasonOf(error: unknown): string {
  const found = code(error);
  if (found && REASONS.has(found)) return messages.getMessage(`reason.${found}`, [found]);
  return found ? messages.getMessage('reason.Other', [found]) : messages.getMessage('reason.Unknown');
}

const kindOf = (path: string): Promise<'missing' | 'file' | 'link' | 'other'> =>
  lstat(path).then(
    (found) => (found.isFile() ? 'file' : found.isSymbolicLink() ? 'link' : 'other'),
    (error: unknown) => {
      if (code(error) === 'ENOENT') return 'missing';
      throw error;
    }
  );
const beside = (target: string, suffix: string): string => join(dirname(target), `.${basename(target)}.${randomBytes(8).toString('hex')}.${suffix}`);

/** Reads a regular file without following a link put in its place since it was checked. */
async function readRegular(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Resolves each file's real target and refuses any that would leave the output directory or replace a non-file. */
async function resolveTargets(files: BundleFile[], outputDir: string): Promise<{ targets: Target[]; realRoot: string }> {
  const root = resolve(outputDir);
  const realRoot = await realPathOf(root).catch(failing('check', outputDir));
  const rootKind = await stat(realRoot).then((found) => (found.isDirectory() ? 'dir' : 'other'), () => 'missing');
  if (rootKind === 'other') throw messages.createError('error.NotADirectory', [outputDir], [], EXIT_CODES['invalid-input']);

  // Each directory's real path once; the files then live there.
  const dirs = new Map<string, string>();
  for (const file of files) {
    const target = resolve(root, file.path);
    const inside = relative(root, target);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw messages.createError('error.OutsideOutputDir', [file.path], [], EXIT_CODES.failed);
    }
    const dir = dirname(target);
    if (dirs.has(dir)) continue;
    // eslint-disable-next-line no-await-in-loop
    const realDir = await realPathOf(dir).catch(failing('directory', join(outputDir, relative(root, dir))));
    if (!isInside(realRoot, realDir)) {
      // eslint-disable-next-line no-await-in-loop
      const offending = (await linkLeadingOut(root, dir, realRoot)) ?? dir;
      const shownLink = join(outputDir, relative(root, offending));
      throw messages.createError('error.LinkLeadsOutside', [join(outputDir, file.path), shownLink, outputDir, realDir], [], EXIT_CODES.failed);
    }
    dirs.set(dir, realDir);
  }

  const results = await settleAll(files, async (file): Promise<Target> => {
    const shown = join(outputDir, file.path);
    const textual = resolve(root, file.path);
    const target = join(dirs.get(dirname(textual))!, basename(textual));
    const kind = await kindOf(target).catch(failing('check', shown));
    if (kind === 'link' || kind === 'other') throw messages.createError('error.NotAFile', [shown], [], EXIT_CODES.failed);
    if (kind === 'missing') return { ...file, shown, target, state: 'created' };
    const current = await readRegular(target).catch(failing('read', shown));
    return current === file.content ? { ...file, shown, target, state: 'unchanged' } : { ...file, shown, target, state: 'changed', previous: current };
  });
  const failure = firstFailure(results);
  if (failure) throw failure;
  return { targets: results.map((result) => (result as PromiseFulfilledResult<Target>).value), realRoot };
}

/** Makes each directory, keeping every one this run created (deepest last), and checks it still really lies inside. */
async function makeDirectories(realDirs: string[], realRoot: string, outputDir: string, created: string[]): Promise<void> {
  for (const dir of realDirs) {
    const shown = join(outputDir, relative(realRoot, dir));
    // eslint-disable-next-line no-await-in-loop
    const first = await mkdir(dir, { recursive: true }).catch(failing('directory', shown));
    const made: string[] = [];
    if (first) for (let path = dir; isInside(first, path); path = dirname(path)) made.unshift(path);
    created.push(...made);
    // A link swapped in since the targets were resolved would now lead elsewhere.
    // eslint-disable-next-line no-await-in-loop
    const real = await realpath(dir).catch(failing('directory', shown));
    if (real !== dir) throw messages.createError('error.LinkLeadsOutside', [shown, shown, outputDir, real], [], EXIT_CODES.failed);
  }
}

/** One run's staging files and renames, so that a failure anywhere can be undone exactly. */
class Staging {
  public readonly createdDirs: string[] = [];
  private readonly temps = new Map<Target, string>();
  private readonly backups = new Map<Target, string>();
  private readonly committed = new Set<Target>();

  /** Writes one file's new content under a fresh name, and sets aside the file it replaces. */
  public async stage(file: Target): Promise<void> {
    const temp = beside(file.target, 'tmp');
    // Exclusive create (never an existing file, never through a link); kept for cleanup as soon as it exists.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const handle = await open(temp, flags, 0o666).catch(failing('write', file.shown));
    this.temps.set(file, temp);
    try {
      await handle.writeFile(file.content, 'utf8').catch(failing('write', file.shown));
    } finally {
      await handle.close().catch(failing('write', file.shown));
    }
    if (file.state !== 'changed') return;
    const backup = beside(file.target, 'bak');
    // A hard link keeps the old content, mode and owner at no cost; file systems without hard links get a copy.
    await link(file.target, backup).catch(() => copyFile(file.target, backup, constants.COPYFILE_EXCL).catch(failing('backup', file.shown)));
    this.backups.set(file, backup);
  }

  public async commit(file: Target): Promise<void> {
    // A file that appeared where there was none is someone else's: never replaced, and so never removed on undo.
    if (file.state === 'created' && (await kindOf(file.target).catch(failing('replace', file.shown))) !== 'missing') {
      throw new StepFailed('replace', file.shown, Object.assign(new Error('EEXIST'), { code: 'EEXIST' }));
    }
    await rename(this.temps.get(file)!, file.target).catch(failing('replace', file.shown));
    this.committed.add(file);
  }

  /** Undoes every rename done, removes every staging file and created directory; says what could not be undone. */
  public async undo(files: Target[]): Promise<string[]> {
    const left: string[] = [];
    const done = (promise: Promise<unknown>): Promise<boolean> => promise.then(() => true, () => false);
    await settleAll(files, async (file) => {
      const [temp, backup] = [this.temps.get(file), this.backups.get(file)];
      if (this.committed.has(file)) {
        if (file.state === 'changed' && !(await done(rename(backup!, file.target)))) left.push(messages.getMessage('change.Replaced', [file.shown, backup!]));
        if (file.state === 'created' && !(await done(rm(file.target, { force: true })))) left.push(messages.getMessage('change.Created', [file.shown]));
        return;
      }
      for (const path of [temp, backup]) {
        // eslint-disable-next-line no-await-in-loop
        if (path && !(await done(rm(path, { force: true })))) left.push(messages.getMessage('change.LeftBehind', [path]));
      }
    });
    // Deepest first; a directory someone else has put something in since stays.
    for (const dir of [...this.createdDirs].reverse()) {
      // eslint-disable-next-line no-await-in-loop
      await rmdir(dir).catch(() => undefined);
    }
    return left;
  }

  /** After success the backups have served their purpose; one that cannot be removed is old content, not a change. */
  public async finish(): Promise<void> {
    await settleAll([...this.backups.values()], (backup) => rm(backup, { force: true }).catch(() => undefined));
  }
}

function failureMessage(failure: unknown, outputDir: string, left: string[]): SfError {
  if (!(failure instanceof StepFailed)) throw failure;
  const what = messages.getMessage(`step.${failure.step}`, [failure.shown]);
  if (left.length === 0) return messages.createError('error.WriteFailed', [outputDir, what, reasonOf(failure.reason)], [], EXIT_CODES.failed);
  return messages.createError('error.PartlyChanged', [what, reasonOf(failure.reason), outputDir, left.join('; ')], [], EXIT_CODES.failed);
}

/** Writes the files that are new or changed and reports the state of every file, with paths as the user gave them. */
export async function writeBundle(files: BundleFile[], outputDir: string, options: WriteOptions = {}): Promise<WrittenFile[]> {
  const { targets, realRoot } = await resolveTargets(files, outputDir).catch((failure: unknown) => {
    throw failureMessage(failure, outputDir, []);
  });
  await options.beforeWrite?.(
    targets.flatMap(({ path, content, type, fullName, shown, previous }) => (previous === undefined ? [] : [{ path, content, type, fullName, shown, previous }]))
  );
  const changing = targets.filter((file) => file.state !== 'unchanged');
  const staging = new Staging();
  let failure: unknown;
  try {
    await makeDirectories([...new Set(changing.map((file) => dirname(file.target)))], realRoot, outputDir, staging.createdDirs);
    failure = firstFailure(await settleAll(changing, (file) => staging.stage(file), { stopAfterFailure: true }));
    if (!failure) failure = firstFailure(await settleAll(changing, (file) => staging.commit(file), { stopAfterFailure: true }));
  } catch (error) {
    failure = error;
  }
  if (failure) {
    const left = await staging.undo(changing);
    throw failureMessage(failure, outputDir, left);
  }
  await staging.finish();
  return targets.map((file) => ({
    path: file.shown,
    type: file.type,
    fullName: file.fullName,
    state: file.state,
  }));
}

/*
 * Writes a rendered bundle under an SFDX package directory, all or nothing: every file is first written beside its
 * target under a temporary name, and only when all of them exist are they renamed into place.
 */
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import type { BundleFile } from '../render/renderBundle.js';
import { EXIT_CODES } from '../exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'output');

export type FileState = 'created' | 'changed' | 'unchanged';
export type WrittenFile = { path: string; type: string; fullName: string; state: FileState };

async function existing(path: string): Promise<'missing' | 'file' | 'other'> {
  try {
    return (await lstat(path)).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** Resolves each file's target and refuses any that would leave the output directory or replace a non-file. */
async function plan(files: BundleFile[], outputDir: string): Promise<Array<BundleFile & { target: string; state: FileState }>> {
  const root = resolve(outputDir);
  if ((await existing(root)) === 'file') throw messages.createError('error.NotADirectory', [outputDir], [], EXIT_CODES['invalid-input']);
  return Promise.all(
    files.map(async (file) => {
      const target = resolve(root, file.path);
      const inside = relative(root, target);
      if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
        throw messages.createError('error.OutsideOutputDir', [file.path], [], EXIT_CODES.failed);
      }
      const kind = await existing(target);
      if (kind === 'other') throw messages.createError('error.NotAFile', [target], [], EXIT_CODES.failed);
      const state: FileState =
        kind === 'missing' ? 'created' : (await readFile(target, 'utf8')) === file.content ? 'unchanged' : 'changed';
      return { ...file, target, state };
    })
  );
}

/** Writes the files that are new or changed and reports the state of every file, with paths as the user gave them. */
export async function writeBundle(files: BundleFile[], outputDir: string): Promise<WrittenFile[]> {
  const planned = await plan(files, outputDir);
  const toWrite = planned.filter((file) => file.state !== 'unchanged');
  const staged = toWrite.map((file) => ({ temp: `${file.target}.${process.pid}.tmp`, target: file.target, content: file.content }));
  const createdDirs: string[] = [];
  let written: typeof staged = [];
  try {
    // Directories one at a time, so that the topmost one each call creates is known for the rollback; then every
    // file at once, each settling before a failure is acted on. A write that failed created nothing ('wx' never
    // replaces), so the rollback removes exactly the temporary files this run wrote.
    for (const dir of new Set(staged.map(({ target }) => dirname(target)))) {
      // eslint-disable-next-line no-await-in-loop
      const firstCreated = await mkdir(dir, { recursive: true });
      if (firstCreated) createdDirs.push(firstCreated);
    }
    const writes = await Promise.allSettled(staged.map(({ temp, content }) => writeFile(temp, content, { encoding: 'utf8', flag: 'wx' })));
    written = staged.filter((_, index) => writes[index].status === 'fulfilled');
    const failed = writes.find((write): write is PromiseRejectedResult => write.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await Promise.all(written.map(({ temp }) => rm(temp, { force: true })));
    await Promise.all(createdDirs.reverse().map((dir) => rm(dir, { recursive: true, force: true })));
    throw messages.createError('error.WriteFailed', [outputDir, (error as Error).message], [], EXIT_CODES.failed);
  }
  await Promise.all(staged.map(({ temp, target }) => rename(temp, target)));
  return planned.map((file) => ({
    path: join(outputDir, file.path),
    type: file.type,
    fullName: file.fullName,
    state: file.state,
  }));
}

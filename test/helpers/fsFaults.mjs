/*
 * A test-only preload (node --import, through NODE_OPTIONS) that makes the file system of the CLI child misbehave the
 * way an OS does, for faults a test cannot cause without root or a tiny file system. It wraps node:fs/promises, the
 * API the plugin writes with, and knows nothing of the plugin's own code. AAP_FS_FAULTS (JSON) says what happens:
 *   writeFailsFrom: n    every write from the n-th on fails (n = 1 is the first write) with writeCode (ENOSPC): a disk
 *                        that fills up. As on a real full disk, a file being created by writeFile(path) is created
 *                        (empty) before its write fails.
 *   renameFails: [{ match, nth, code }]
 *                        the nth (default 1) rename whose destination ends with `match` fails with `code` (EPERM: an
 *                        immutable file) and renames nothing; with code "EISDIR" a directory is made at the
 *                        destination first (another program), and the real rename then fails with the OS's own error.
 *   maxOpen: n           at most n files open at once through fs/promises, as with `ulimit -n n`: opening one more
 *                        fails with EMFILE. writeFile, readFile and appendFile by path hold one file while they run,
 *                        copyFile two.
 */
import fsp from 'node:fs/promises';
import { constants } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';

const faults = JSON.parse(process.env.AAP_FS_FAULTS ?? '{}');

const DESCRIPTIONS = {
  ENOSPC: 'no space left on device',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
};

/** An error shaped as Node shapes a failed system call. */
function systemError(code, syscall, path) {
  return Object.assign(new Error(`${code}: ${DESCRIPTIONS[code] ?? 'error'}, ${syscall} '${path}'`), {
    errno: -constants.errno[code],
    code,
    syscall,
    path: String(path),
  });
}

const real = {
  open: fsp.open,
  writeFile: fsp.writeFile,
  readFile: fsp.readFile,
  appendFile: fsp.appendFile,
  copyFile: fsp.copyFile,
  rename: fsp.rename,
  mkdir: fsp.mkdir,
};

// FileHandle is not exported; one handle gives its prototype.
const probe = await real.open('/dev/null');
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
const realHandle = { write: FileHandle.write, writeFile: FileHandle.writeFile };

let open = 0;
function take(count, path) {
  if (faults.maxOpen !== undefined && open + count > faults.maxOpen) throw systemError('EMFILE', 'open', path);
  open += count;
}
async function holding(count, path, run) {
  take(count, path);
  try {
    return await run();
  } finally {
    open -= count;
  }
}

let writes = 0;
const diskFull = () => faults.writeFailsFrom !== undefined && ++writes >= faults.writeFailsFrom;
const writeCode = faults.writeCode ?? 'ENOSPC';

fsp.open = async (path, ...rest) => {
  take(1, path);
  try {
    const handle = await real.open(path, ...rest);
    // close is an own property of each handle, not a method of the prototype.
    const close = handle.close;
    let closed = false;
    handle.close = (...args) => {
      if (!closed) open -= 1;
      closed = true;
      return close.apply(handle, args);
    };
    return handle;
  } catch (error) {
    open -= 1;
    throw error;
  }
};
FileHandle.write = function write(...rest) {
  if (diskFull()) return Promise.reject(systemError(writeCode, 'write', ''));
  return realHandle.write.apply(this, rest);
};
FileHandle.writeFile = function writeFile(...rest) {
  if (diskFull()) return Promise.reject(systemError(writeCode, 'write', ''));
  return realHandle.writeFile.apply(this, rest);
};

fsp.writeFile = (path, data, options) =>
  holding(1, path, async () => {
    if (!diskFull()) return real.writeFile(path, data, options);
    // The file is created, then nothing fits in it.
    const flag = (typeof options === 'object' && options?.flag) || 'w';
    await real.writeFile(path, '', { flag });
    throw systemError(writeCode, 'write', path);
  });
fsp.readFile = (path, ...rest) => (typeof path === 'object' && path !== null && 'fd' in path ? real.readFile(path, ...rest) : holding(1, path, () => real.readFile(path, ...rest)));
fsp.appendFile = (path, ...rest) => holding(1, path, () => real.appendFile(path, ...rest));
fsp.copyFile = (from, to, ...rest) => holding(2, to, () => real.copyFile(from, to, ...rest));

const renamesTo = new Map();
fsp.rename = async (from, to) => {
  const rule = (faults.renameFails ?? []).find((candidate) => String(to).endsWith(candidate.match));
  if (rule) {
    const seen = (renamesTo.get(rule) ?? 0) + 1;
    renamesTo.set(rule, seen);
    if (seen === (rule.nth ?? 1)) {
      if (rule.code !== 'EISDIR') throw systemError(rule.code, 'rename', from);
      await real.mkdir(to);
    }
  }
  return real.rename(from, to);
};

syncBuiltinESMExports();

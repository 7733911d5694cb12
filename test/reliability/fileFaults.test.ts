/*
 * generate's writes under file-system faults, run as a user runs it (./bin/run.js in a child process). Symbolic links
 * inside --output-dir are real ones. A full disk, an immutable file, a directory that appears at a target and a low
 * open-file limit are made by test/helpers/fsFaults.mjs, a preload that makes node:fs/promises in the child fail as
 * the OS does (this machine runs the tests as root, where chmod cannot make anything unwritable). After each fault the
 * output directory is exactly as before, no staging file is left, and the message names the file and the OS's reason;
 * or, where the fault is a symbolic link, nothing is written anywhere.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN_ROOT, runCli, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, TENANT, validFlags } from '../helpers/values.js';
import { EXIT_CODES } from '../../src/errors/exitCodes.js';
import { record } from './counts.js';

const FAULTS = pathToFileURL(join(PLUGIN_ROOT, 'test/helpers/fsFaults.mjs')).href;

type Faults = {
  writeFailsFrom?: number;
  writeCode?: string;
  renameFails?: Array<{ match: string; nth?: number; code: string }>;
  maxOpen?: number;
};

function generate(args: string[], faults?: Faults): CliRun {
  const env = faults ? { NODE_OPTIONS: `--import ${FAULTS}`, AAP_FS_FAULTS: JSON.stringify(faults) } : {};
  const run = runCli('generate', args, env);
  expect(run.stderr).not.toMatch(/\n\s+at \S+|Error \(E[A-Z]+\)|TypeError/);
  return run;
}

const work = (): string => mkdtempSync(join(tmpdir(), 'aap-filefaults-'));

/** Everything below a directory, without following links: files with their content, directories, links and targets. */
function tree(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      const name = relative(dir, full);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) found[name] = `link -> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        found[name] = 'dir';
        walk(full);
      } else found[name] = `${stat.mode.toString(8)} ${readFileSync(full, 'utf8')}`;
    }
  };
  walk(dir);
  return found;
}

const provider = (name: string, extra: string[] = []): string[] => [`  - name: ${name}`, `    tenantId: ${TENANT}`, `    clientId: ${CLIENT_ID}`, ...extra];
function configFile(dir: string, providers: string[][]): string {
  const path = join(dir, 'providers.yaml');
  writeFileSync(path, ['providers:', ...providers.flat(), ''].join('\n'));
  return path;
}

const survived = (): void => record({ faultsSurvived: 1 });
const noStaging = (entries: Record<string, string>): string[] => Object.keys(entries).filter((name) => /\.tmp$|\.bak$|\.\d+\.tmp/.test(name));

describe('generate never writes outside --output-dir through a symbolic link', () => {
  it.each([
    ['main', 'main'],
    ['main/default/classes', 'main/default/classes'],
  ])('refuses when %s inside --output-dir is a link to elsewhere, and writes nothing anywhere', (_title, link) => {
    const root = work();
    const out = join(root, 'force-app');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(join(out, link, '..'), { recursive: true });
    symlinkSync(elsewhere, join(out, link));
    const before = tree(out);

    const run = generate([...validFlags, '--output-dir', out]);
    expect(run.status).toBe(EXIT_CODES.failed);
    expect(run.stderr).toContain('--output-dir');
    expect(run.stderr).toContain(join(out, link));
    expect(run.stderr).toMatch(/symbolic link/);
    expect(tree(elsewhere)).toEqual({});
    expect(tree(out)).toEqual(before);
    survived();
  });

  it('refuses to replace a target that is a link, and leaves the file it leads to alone', () => {
    // Held before the fix too (the target was checked with lstat); kept so that it stays refused.
    const root = work();
    const out = join(root, 'force-app');
    expect(generate([...validFlags, '--output-dir', out]).status).toBe(0);
    const target = join(out, 'main/default/authproviders/AzureGraph.authprovider-meta.xml');
    const outside = join(root, 'outside.xml');
    writeFileSync(outside, 'keep me');
    rmSync(target);
    symlinkSync(outside, target);
    const before = tree(out);

    const run = generate([...validFlags, '--output-dir', out, '--execution-user', 'other@contoso.com']);
    expect(run.status).toBe(EXIT_CODES.failed);
    expect(run.stderr).toContain(target);
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(tree(out)).toEqual(before);
    survived();
  });

  it('writes into the directory that --output-dir itself links to, and through links that stay inside it', () => {
    const root = work();
    const real = join(root, 'real');
    mkdirSync(join(real, 'main/default'), { recursive: true });
    mkdirSync(join(real, 'main/shared'));
    symlinkSync(join(real, 'main/shared'), join(real, 'main/default/classes'));
    const out = join(root, 'force-app');
    symlinkSync(real, out);

    const run = generate([...validFlags, '--output-dir', out]);
    expect(run.status).toBe(0);
    expect(Object.keys(tree(join(real, 'main/shared'))).sort()).toEqual([
      'AzureClientCredentialsProvider.cls',
      'AzureClientCredentialsProvider.cls-meta.xml',
      'AzureClientCredentialsProviderTest.cls',
      'AzureClientCredentialsProviderTest.cls-meta.xml',
    ]);
  });
});

describe('generate writes all or nothing', () => {
  /** An existing package directory with one provider, and a config that changes it and adds two more. */
  function existingBundle(): { root: string; out: string; config: string; before: Record<string, string> } {
    const root = work();
    const out = join(root, 'force-app');
    expect(generate(['--config-file', configFile(root, [provider('AzureGraph', ['    executionUser: admin@contoso.com'])]), '--output-dir', out]).status).toBe(0);
    const config = configFile(root, [provider('AzureGraph', ['    executionUser: other@contoso.com']), provider('SharePoint'), provider('Mail')]);
    return { root, out, config, before: tree(out) };
  }

  it('leaves the directory as it was, with no staging files, when the disk fills up', () => {
    const { out, config, before } = existingBundle();
    const run = generate(['--config-file', config, '--output-dir', out], { writeFailsFrom: 3 });
    expect(run.status).toBe(EXIT_CODES.failed);
    expect(run.stderr).toMatch(/Nothing was changed in --output-dir /);
    expect(run.stderr).toMatch(new RegExp(`${out}/main/default/\\S+ could not be written \\(no space left on the device: ENOSPC\\)`));
    const after = tree(out);
    expect(noStaging(after)).toEqual([]);
    expect(after).toEqual(before);
    survived();
  });

  it.each([
    ['an immutable file (EPERM)', 'EPERM', /could not be replaced \(the operation is not permitted: EPERM\)/],
    ['a directory that appears at a target (EISDIR)', 'EISDIR', /could not be replaced \(a directory is in the way: EISDIR\)/],
  ])('puts back every file it already replaced when a rename fails on %s', (_title, code, reason) => {
    const { out, config, before } = existingBundle();
    // The last provider's files are renamed after the changed AuthProvider of the first.
    const failing = 'permissionsets/Mail_Callout.permissionset-meta.xml';
    const run = generate(['--config-file', config, '--output-dir', out], { renameFails: [{ match: failing, code }] });
    expect(run.status).toBe(EXIT_CODES.failed);
    expect(run.stderr).toMatch(/Nothing was changed in --output-dir /);
    expect(run.stderr).toContain(join(out, 'main/default', failing));
    expect(run.stderr).toMatch(reason);
    const after = tree(out);
    expect(noStaging(after)).toEqual([]);
    // The directory another program made stays; everything else is as before.
    const { [join('main/default', failing)]: appeared, ...rest } = after;
    expect(appeared).toBe(code === 'EISDIR' ? 'dir' : undefined);
    expect(rest).toEqual(before);
    survived();
  });

  it('names exactly the files it changed when putting one back fails too', () => {
    const { out, config, before } = existingBundle();
    const changed = 'authproviders/AzureGraph.authprovider-meta.xml';
    // The rename of the last provider's file fails, and so does the second rename to the changed file: putting it back.
    const run = generate(['--config-file', config, '--output-dir', out], {
      renameFails: [
        { match: 'permissionsets/Mail_Callout.permissionset-meta.xml', code: 'EPERM' },
        { match: changed, nth: 2, code: 'EPERM' },
      ],
    });
    expect(run.status).toBe(EXIT_CODES.failed);
    expect(run.stderr).not.toMatch(/Nothing was changed/);
    const target = join('main/default', changed);
    const kept = new RegExp(`could not be put back: ${join(out, target)} was replaced; its previous content is kept in (\\S+\\.bak)\\.`);
    expect(run.stderr.replace(/\s+/g, ' ')).toMatch(kept);
    const backup = relative(out, kept.exec(run.stderr.replace(/\s+/g, ' '))![1]);
    const after = tree(out);
    // That file holds the new content and its old one is kept where the message says; everything else is as before.
    const { [target]: replaced, [backup]: old, ...rest } = after;
    const { [target]: previous, ...others } = before;
    expect(old).toBe(previous);
    expect(replaced).not.toBe(previous);
    expect(rest).toEqual(others);
    survived();
  });
});

describe('generate with thousands of files', () => {
  it('keeps few files open at once: 400 providers under a limit of 64 open files, written and then rewritten', () => {
    const root = work();
    const out = join(root, 'force-app');
    const config = configFile(
      root,
      Array.from({ length: 400 }, (_, index) => provider(`P${String(index).padStart(4, '0')}`))
    );
    // Human output: the --json result of so many files is more than runCli's output buffer holds.
    const first = generate(['--config-file', config, '--output-dir', out], { maxOpen: 64 });
    expect(first.status).toBe(0);
    const written = Number(/\((\d+) files\)/.exec(first.stdout)?.[1]);
    expect(written).toBeGreaterThan(2500);
    const files = tree(out);
    expect(Object.values(files).filter((entry) => entry !== 'dir')).toHaveLength(written);
    // A second run reads every file back to compare, and finds nothing to change.
    const second = generate(['--config-file', config, '--output-dir', out], { maxOpen: 64 });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`(${written} files)`);
    expect(second.stdout).not.toMatch(/^\W*(created|changed)\s/m);
    expect(second.stdout).toMatch(/^\W*unchanged\s/m);
    expect(tree(out)).toEqual(files);
    survived();
  });
});

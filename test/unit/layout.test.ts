/*
 * The layout rule of src/ (CONTRIBUTING.md, Layout), read from the relative imports of every src/**\/*.ts: one folder
 * per use case, which imports shared folders only; no folder-level import cycle; nothing at the top of src/ but
 * index.ts; no file over 300 lines but the few still to be split. The same checks also run on small trees written
 * here that break each rule, so each check is shown to fail, naming the offending files.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One folder per command; the command named the same imports it, nothing else does. list has no steps of its own. */
const USE_CASES = ['generate', 'deploy', 'verify', 'list', 'rotate-secret', 'remove'];
const COMMANDS = 'commands';
const MAX_LINES = 300;
/** Files allowed over MAX_LINES until they are split; delete an entry when its file is split. */
const TO_BE_SPLIT = new Map<string, string>([]);

type Edge = { from: string; to: string };
type Tree = { files: Map<string, string>; edges: Edge[] };

function tsFiles(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return tsFiles(path, root);
      return entry.name.endsWith('.ts') ? [relative(root, path).split(sep).join('/')] : [];
    });
}

/** Static imports and re-exports (type-only ones too: they couple folders as much), dynamic imports, bare imports. */
const IMPORT_PATTERNS = [
  /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  /(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g,
];

function readTree(root: string): Tree {
  const files = new Map(tsFiles(root, root).map((file) => [file, readFileSync(join(root, file), 'utf8')]));
  const edges: Edge[] = [];
  for (const [file, text] of files) {
    for (const pattern of IMPORT_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const to = posix.normalize(posix.join(posix.dirname(file), match[1])).replace(/\.js$/, '.ts');
        if (!to.startsWith('../')) edges.push({ from: file, to });
      }
    }
  }
  return { files, edges };
}

/** The folder right below src/ that holds a file; '' for the top of src/. */
const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : '');
const isUseCase = (folder: string): boolean => USE_CASES.includes(folder);
const crossing = (tree: Tree): Edge[] => tree.edges.filter((edge) => folderOf(edge.from) !== folderOf(edge.to));
const describe_ = (edges: Edge[]): string[] => edges.map((edge) => `${edge.from} imports ${edge.to}`);

/** Each folder-level cycle (a strongly connected set of folders), with the imports that make it. */
function folderCycles(tree: Tree): string[] {
  const edges = crossing(tree).filter((edge) => folderOf(edge.from) && folderOf(edge.to));
  const next = new Map<string, Set<string>>();
  for (const edge of edges) next.set(folderOf(edge.from), (next.get(folderOf(edge.from)) ?? new Set()).add(folderOf(edge.to)));
  const reach = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      for (const folder of next.get(stack.pop()!) ?? []) {
        if (!seen.has(folder)) {
          seen.add(folder);
          stack.push(folder);
        }
      }
    }
    return seen;
  };
  const reachOf = new Map([...next.keys()].map((folder) => [folder, reach(folder)]));
  const inCycle = [...next.keys()].filter((folder) => reachOf.get(folder)!.has(folder)).sort();
  const groups = new Map<string, string[]>();
  for (const folder of inCycle) {
    const group = inCycle.filter((other) => reachOf.get(folder)!.has(other) && reachOf.get(other)!.has(folder));
    groups.set(group.join(' <-> '), group);
  }
  return [...groups].map(([name, group]) => {
    const within = edges.filter((edge) => group.includes(folderOf(edge.from)) && group.includes(folderOf(edge.to)));
    return `${name}: ${describe_(within).join('; ')}`;
  });
}

/** Use-case folders import shared folders only; shared folders import no use case; nothing imports a command. */
function useCaseCrossings(tree: Tree): string[] {
  return describe_(
    crossing(tree).filter((edge) => {
      const from = folderOf(edge.from);
      const to = folderOf(edge.to);
      if (to === COMMANDS) return true;
      if (from === COMMANDS || from === '') return false;
      return isUseCase(to);
    })
  );
}

/** A command file imports its own use case and shared folders, never another command's use case. */
function commandCrossings(tree: Tree): string[] {
  return describe_(
    tree.edges.filter((edge) => {
      if (folderOf(edge.from) !== COMMANDS) return false;
      const own = posix.basename(edge.from, '.ts');
      const to = folderOf(edge.to);
      return to === COMMANDS ? edge.to !== edge.from : isUseCase(to) && to !== own;
    })
  );
}

const topFiles = (tree: Tree): string[] => [...tree.files.keys()].filter((file) => folderOf(file) === '' && file !== 'index.ts');

const lineCount = (text: string): number => text.replace(/\n$/, '').split('\n').length;

function oversized(tree: Tree, toBeSplit: ReadonlyMap<string, string> = TO_BE_SPLIT): { tooLong: string[]; stale: string[] } {
  const tooLong = [...tree.files]
    .filter(([file, text]) => lineCount(text) > MAX_LINES && !toBeSplit.has(file))
    .map(([file, text]) => `${file} (${lineCount(text)} lines)`);
  const stale = [...toBeSplit.keys()]
    .filter((file) => !tree.files.has(file) || lineCount(tree.files.get(file)!) <= MAX_LINES)
    .map((file) => `${file}: now split or gone, delete its TO_BE_SPLIT entry`);
  return { tooLong, stale };
}

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

describe('the layout of src/', () => {
  const tree = readTree(SRC);

  it('reads the imports it checks', () => {
    // A broken reader would pass every rule below: it must see the commands importing their use cases.
    expect(tree.edges).toContainEqual({ from: 'commands/azure-authprovider/deploy.ts', to: 'deploy/deployBundle.ts' });
    expect(tree.edges).toContainEqual({ from: 'render/renderBundle.ts', to: 'render/templates.ts' });
    expect(tree.edges.length).toBeGreaterThan(200);
  });

  it('has no folder-level import cycle', () => {
    expect(folderCycles(tree)).toEqual([]);
  });

  it('has use-case folders that import shared folders only, and shared folders that import no use case', () => {
    expect(useCaseCrossings(tree)).toEqual([]);
  });

  it('has commands that import only their own use case among the use cases', () => {
    expect(commandCrossings(tree)).toEqual([]);
  });

  it('holds nothing at the top of src/ but index.ts', () => {
    expect(topFiles(tree)).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines but those still to be split`, () => {
    expect(oversized(tree)).toEqual({ tooLong: [], stale: [] });
  });
});

describe('the layout checks, on trees that break the rule', () => {
  let root: string;
  const write = (files: Record<string, string>): Tree => {
    root = mkdtempSync(join(tmpdir(), 'layout-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return readTree(root);
  };
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names the imports of a folder cycle, multi-line, type-only and dynamic ones included', () => {
    const broken = write({
      'input/spec.ts': "import {\n  thumbprint,\n} from '../entra/assertion.js';\n",
      'entra/assertion.ts': "import type { Spec } from '../input/spec.js';\n",
      'entra/token.ts': "const load = () => import('../salesforce/api.js');\n",
      'salesforce/api.ts': "export { spec } from '../input/spec.js';\nexport { token } from '../entra/token.js';\n",
    });
    expect(folderCycles(broken)).toEqual([
      'entra <-> input <-> salesforce: entra/assertion.ts imports input/spec.ts; entra/token.ts imports salesforce/api.ts; ' +
        'input/spec.ts imports entra/assertion.ts; salesforce/api.ts imports input/spec.ts; salesforce/api.ts imports entra/token.ts',
    ]);
  });

  it('names a use case importing another, a shared folder importing a use case, and a command importing another use case', () => {
    const broken = write({
      'rotate-secret/rotate.ts': "import { localCheck } from '../verify/local.js';\n",
      'verify/local.ts': "import { x } from '../input/spec.js';\n",
      'input/spec.ts': "import { report } from '../deploy/report.js';\n",
      'deploy/report.ts': '',
      'commands/azure-authprovider/remove.ts': "import { report } from '../../deploy/report.js';\nimport { x } from '../../input/spec.js';\n",
      'commands/azure-authprovider/deploy.ts': "import { report } from '../../deploy/report.js';\n",
    });
    expect(useCaseCrossings(broken)).toEqual(['input/spec.ts imports deploy/report.ts', 'rotate-secret/rotate.ts imports verify/local.ts']);
    expect(commandCrossings(broken)).toEqual(['commands/azure-authprovider/remove.ts imports deploy/report.ts']);
  });

  it('names a file at the top of src/, a file too long, and a split file still listed', () => {
    const broken = write({
      'index.ts': '',
      'deployBundle.ts': 'x\n'.repeat(MAX_LINES),
      'verify/verifyProvider.ts': 'x\n'.repeat(MAX_LINES + 1),
      'deploy/deployBundle.ts': 'x\n'.repeat(MAX_LINES),
    });
    // A list of its own, so the check still shows both failures once the real list is empty.
    const toBeSplit = new Map([
      ['deploy/deployBundle.ts', 'to be split'],
      ['verify/orgPieces.ts', 'to be split'],
    ]);
    expect(topFiles(broken)).toEqual(['deployBundle.ts']);
    expect(oversized(broken, toBeSplit)).toEqual({
      tooLong: [`verify/verifyProvider.ts (${MAX_LINES + 1} lines)`],
      stale: ['deploy/deployBundle.ts: now split or gone, delete its TO_BE_SPLIT entry', 'verify/orgPieces.ts: now split or gone, delete its TO_BE_SPLIT entry'],
    });
  });
});

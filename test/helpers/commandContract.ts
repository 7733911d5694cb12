/**
 * The command snapshot and the --json result schemas, as @oclif/plugin-command-snapshot generates them now
 * (scripts/command-snapshot.js in a child process, into a temporary folder), and what differs from the committed files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_ROOT } from './runCli.js';

export type SnapshotEntry = { command: string; plugin: string; alias: string[]; flags: string[]; flagChars: string[]; flagAliases: string[] };
/** Schemas by file name (the tool's: `azure__authprovider-rotate__secret.json` for `azure-authprovider:rotate-secret`). */
export type Schemas = Record<string, unknown>;

/** The --config-file schema lives in schemas/ too, written by hand; every other file there is generated. */
export const HAND_WRITTEN_SCHEMAS = ['config.schema.json'];

function runTool(args: string[]): void {
  const run = spawnSync(process.execPath, [join(PLUGIN_ROOT, 'scripts/command-snapshot.js'), ...args], {
    cwd: PLUGIN_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', HOME: mkdtempSync(join(tmpdir(), 'aap-home-')) },
    timeout: 240000,
  });
  if (run.status !== 0) throw new Error(`scripts/command-snapshot.js ${args.join(' ')} exited ${run.status}:\n${run.stderr}${run.stdout}`);
}

function readSchemas(dir: string, skip: string[] = []): Schemas {
  const names = readdirSync(dir).filter((name) => name.endsWith('.json') && !skip.includes(name));
  return Object.fromEntries(names.sort().map((name) => [name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown]));
}

export function generateSnapshot(): SnapshotEntry[] {
  const file = join(mkdtempSync(join(tmpdir(), 'aap-snapshot-')), 'command-snapshot.json');
  runTool(['snapshot', 'generate', '--filepath', file]);
  return JSON.parse(readFileSync(file, 'utf8')) as SnapshotEntry[];
}

export function generateSchemas(): Schemas {
  const dir = mkdtempSync(join(tmpdir(), 'aap-schemas-'));
  runTool(['schema', 'generate', '--filepath', dir]);
  return readSchemas(dir);
}

export const committedSnapshot = (): SnapshotEntry[] => JSON.parse(readFileSync(join(PLUGIN_ROOT, 'command-snapshot.json'), 'utf8')) as SnapshotEntry[];
export const committedSchemas = (): Schemas => readSchemas(join(PLUGIN_ROOT, 'schemas'), HAND_WRITTEN_SCHEMAS);

/** One line per difference: `azure-authprovider:generate: flags: +new-flag -old-flag`. */
export function snapshotDifferences(committed: SnapshotEntry[], current: SnapshotEntry[]): string[] {
  const byCommand = (entries: SnapshotEntry[]): Map<string, SnapshotEntry> => new Map(entries.map((entry) => [entry.command, entry]));
  const before = byCommand(committed);
  const now = byCommand(current);
  const lines: string[] = [];
  for (const command of new Set([...before.keys(), ...now.keys()])) {
    const old = before.get(command);
    const cur = now.get(command);
    if (!old || !cur) {
      lines.push(`${command}: command ${old ? 'removed' : 'added'}`);
      continue;
    }
    for (const field of ['alias', 'flags', 'flagChars', 'flagAliases'] as const) {
      const added = cur[field].filter((value) => !old[field].includes(value)).map((value) => `+${value}`);
      const removed = old[field].filter((value) => !cur[field].includes(value)).map((value) => `-${value}`);
      if (added.length + removed.length > 0) lines.push(`${command}: ${field}: ${[...added, ...removed].join(' ')}`);
    }
    if (old.plugin !== cur.plugin) lines.push(`${command}: plugin: ${old.plugin} -> ${cur.plugin}`);
  }
  return lines;
}

/** The command a schema file describes, by the tool's naming: `-` separates topic and command, `__` stands for `-`. */
export const commandOfSchemaFile = (file: string): string => file.replace(/\.json$/, '').replaceAll('-', ':').replaceAll('__', '-');

function brief(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Paths below `path` at which two JSON values differ, each with what changed. */
function jsonDifferences(path: string, committed: unknown, current: unknown): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (isObject(committed) && isObject(current) && Array.isArray(committed) === Array.isArray(current)) {
    const keys = [...new Set([...Object.keys(committed), ...Object.keys(current)])];
    return keys.flatMap((key) => jsonDifferences(path ? `${path}.${key}` : key, committed[key], current[key]));
  }
  if (JSON.stringify(committed) === JSON.stringify(current)) return [];
  if (committed === undefined) return [`${path}: added ${brief(current)}`];
  if (current === undefined) return [`${path}: removed (was ${brief(committed)})`];
  return [`${path}: ${brief(committed)} -> ${brief(current)}`];
}

/** One line per difference: `azure-authprovider:list (schemas/azure__authprovider-list.json): definitions.X.properties.y: added {...}`. */
export function schemaDifferences(committed: Schemas, current: Schemas): string[] {
  const lines: string[] = [];
  for (const file of [...new Set([...Object.keys(committed), ...Object.keys(current)])].sort()) {
    const where = `${commandOfSchemaFile(file)} (schemas/${file})`;
    if (!(file in current)) lines.push(`${where}: committed, but no command's result is described by it any more`);
    else if (!(file in committed)) lines.push(`${where}: no committed schema`);
    else lines.push(...jsonDifferences('', committed[file], current[file]).map((difference) => `${where}: ${difference}`));
  }
  return lines;
}

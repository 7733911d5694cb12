/**
 * command-snapshot.json (every command's flags, short flags and aliases) and schemas/ (every command's --json result)
 * are regenerated here with @oclif/plugin-command-snapshot and must match what is committed, so changing either is a
 * deliberate act: `npm run snapshot:update` / `npm run schemas:update`, and the diff reviewed.
 */
import {
  commandOfSchemaFile,
  committedSchemas,
  committedSnapshot,
  generateSchemas,
  generateSnapshot,
  schemaDifferences,
  snapshotDifferences,
  type SnapshotEntry,
} from '../helpers/commandContract.js';

function failWith(differences: string[], what: string, update: string): void {
  if (differences.length > 0) throw new Error(`${what} differs from the commands:\n  ${differences.join('\n  ')}\nIf the change is intended, run \`${update}\` and commit the result.`);
}

describe('the committed command snapshot and result schemas', () => {
  it('command-snapshot.json matches the commands', () => {
    const current = generateSnapshot();
    const committed = committedSnapshot();
    failWith(snapshotDifferences(committed, current), 'command-snapshot.json', 'npm run snapshot:update');
    expect(current).toEqual(committed);
  });

  // The generator builds a TypeScript program per command: about 5 s each.
  it('schemas/ holds the --json result schema of every command, as generated from its result type', () => {
    const current = generateSchemas();
    const committed = committedSchemas();
    failWith(schemaDifferences(committed, current), 'schemas/', 'npm run schemas:update');
    expect(current).toEqual(committed);
    expect(Object.keys(committed).map(commandOfSchemaFile).sort()).toEqual(committedSnapshot().map((entry) => entry.command).sort());
  }, 300000);
});

describe('the differences reported', () => {
  const entry = (overrides: Partial<SnapshotEntry> = {}): SnapshotEntry => ({
    command: 'azure-authprovider:generate',
    plugin: 'plugin-azure-authprovider',
    alias: [],
    flags: ['json', 'name'],
    flagChars: ['n'],
    flagAliases: [],
    ...overrides,
  });

  it('name the command and each flag, short flag or alias added or removed', () => {
    expect(snapshotDifferences([entry()], [entry({ flags: ['json', 'label'], flagChars: [], alias: ['aap:generate'] })])).toEqual([
      'azure-authprovider:generate: alias: +aap:generate',
      'azure-authprovider:generate: flags: +label -name',
      'azure-authprovider:generate: flagChars: -n',
    ]);
    expect(snapshotDifferences([entry()], [entry(), entry({ command: 'azure-authprovider:export' })])).toEqual(['azure-authprovider:export: command added']);
    expect(snapshotDifferences([entry()], [])).toEqual(['azure-authprovider:generate: command removed']);
  });

  it('name the command and the path in its schema that changed', () => {
    const schema = (properties: Record<string, unknown>): unknown => ({ definitions: { ListOutcome: { properties } } });
    const file = 'azure__authprovider-rotate__secret.json';
    expect(schemaDifferences({ [file]: schema({ a: { type: 'string' } }) }, { [file]: schema({ a: { type: 'number' }, b: { type: 'string' } }) })).toEqual([
      'azure-authprovider:rotate-secret (schemas/azure__authprovider-rotate__secret.json): definitions.ListOutcome.properties.a.type: "string" -> "number"',
      'azure-authprovider:rotate-secret (schemas/azure__authprovider-rotate__secret.json): definitions.ListOutcome.properties.b: added {"type":"string"}',
    ]);
    expect(schemaDifferences({ [file]: {} }, {})).toEqual([
      'azure-authprovider:rotate-secret (schemas/azure__authprovider-rotate__secret.json): committed, but no command\'s result is described by it any more',
    ]);
  });
});

/*
 * The table of provider inputs (src/input/providerFields.ts) is the one list of them: the hand-written config schema
 * agrees with it key for key, type for type and option for option (the comparison is shown to catch each kind of
 * drift); the oclif flags, FLAG_OF and the flag-to-input mapper follow it; the client secret has no input key.
 */
import { readFileSync } from 'node:fs';
import { FLAG_OF, PROVIDER_FIELDS, providerInputFromFlags, type FieldRow, type ProviderFlagValues } from '../../src/input/providerFields.js';
import { providerFlags } from '../../src/cli/flags/providerFlags.js';

type SchemaProperty = { type?: string; enum?: string[]; items?: { type?: string } };
type Schema = {
  properties: Record<string, SchemaProperty> & { providers: { items: { properties: Record<string, SchemaProperty> } } };
};

const schema = JSON.parse(readFileSync(new URL('../../schemas/config.schema.json', import.meta.url), 'utf8')) as Schema;
/** Keys a config file has that no flag has: where the secret comes from, and the editor's schema link. */
const CONFIG_ONLY = { provider: ['clientSecretEnv'], bundle: ['$schema', 'providers'] };

/** What the schema should say of a row's value. */
function expected(row: FieldRow): SchemaProperty {
  if (row.kind === 'option') return { enum: [...(row.options ?? [])] };
  if (row.kind === 'list') return { type: 'array' };
  return { type: 'string' };
}

/** Every way a schema differs from the table, one line each. */
function disagreements(subject: Schema, rows: readonly FieldRow[]): string[] {
  const found: string[] = [];
  for (const level of ['provider', 'bundle'] as const) {
    const properties = level === 'provider' ? subject.properties.providers.items.properties : subject.properties;
    const keyed = rows.filter((row) => row.level === level && row.key !== undefined);
    const keys = keyed.map((row) => row.key!);
    for (const key of Object.keys(properties)) {
      if (!keys.includes(key) && !CONFIG_ONLY[level].includes(key)) found.push(`${level} ${key}: in the schema, not the table`);
    }
    for (const row of keyed) {
      const property = properties[row.key!];
      if (!property) {
        found.push(`${level} ${row.key!}: in the table, not the schema`);
        continue;
      }
      const want = expected(row);
      if (want.type !== property.type) found.push(`${level} ${row.key!}: type ${String(property.type)}, table says ${String(want.type)}`);
      if (JSON.stringify(want.enum) !== JSON.stringify(property.enum)) {
        found.push(`${level} ${row.key!}: options ${String(property.enum)}, table says ${String(want.enum)}`);
      }
    }
  }
  return found;
}

const clone = (): Schema => JSON.parse(JSON.stringify(schema)) as Schema;

describe('the table of provider inputs', () => {
  it('is what schemas/config.schema.json describes, key for key, type for type and option for option', () => {
    expect(disagreements(schema, PROVIDER_FIELDS)).toEqual([]);
  });

  it('would name a schema that drifted from it', () => {
    const missing = clone();
    delete missing.properties.providers.items.properties.principal;
    const extra = clone();
    extra.properties.providers.items.properties.audience = { type: 'string' };
    const retyped = clone();
    retyped.properties.providers.items.properties.refreshStatusCodes = { type: 'string' };
    const options = clone();
    options.properties.providers.items.properties.cloud = { enum: ['global', 'usgov'] };
    expect(disagreements(missing, PROVIDER_FIELDS)).toEqual(['provider principal: in the table, not the schema']);
    expect(disagreements(extra, PROVIDER_FIELDS)).toEqual(['provider audience: in the schema, not the table']);
    expect(disagreements(retyped, PROVIDER_FIELDS)).toEqual(['provider refreshStatusCodes: type string, table says array']);
    expect(disagreements(options, PROVIDER_FIELDS)).toEqual([
      'provider cloud: options global,usgov, table says global,usgov,dod,china',
    ]);
    const rows: readonly FieldRow[] = PROVIDER_FIELDS;
    const apiVersionAsProvider = rows.map((row): FieldRow => (row.key === 'apiVersion' ? { ...row, level: 'provider' } : row));
    expect(disagreements(schema, apiVersionAsProvider)).toEqual([
      'provider apiVersion: in the table, not the schema',
      'bundle apiVersion: in the schema, not the table',
    ]);
  });

  it('makes the provider flags, in its order, with its chars, options, defaults and exclusions', () => {
    expect(Object.keys(providerFlags)).toEqual(PROVIDER_FIELDS.map((row) => row.flag));
    for (const row of PROVIDER_FIELDS as readonly FieldRow[]) {
      const flag = (providerFlags as Record<string, { char?: string; options?: string[]; default?: unknown; multiple?: boolean; exclusive?: string[]; summary?: string }>)[row.flag];
      expect({ flag: row.flag, char: flag.char, options: flag.options, default: flag.default, multiple: flag.multiple === true, exclusive: flag.exclusive }).toEqual({
        flag: row.flag,
        char: row.char,
        options: row.options ? [...row.options] : undefined,
        default: row.default,
        multiple: row.kind === 'list',
        exclusive: row.exclusive ? [...row.exclusive] : undefined,
      });
      expect(flag.summary).toMatch(/\S/);
    }
  });

  it('names each input by its flag, and maps each flag to its input', () => {
    const rows = PROVIDER_FIELDS.filter((row): row is Extract<(typeof PROVIDER_FIELDS)[number], { key: string }> => 'key' in row);
    expect(Object.entries(FLAG_OF)).toEqual(rows.map((row) => [row.key, `--${row.flag}`]));
    const flags = Object.fromEntries(rows.map((row) => [row.flag, row.kind === 'list' ? [`${row.flag} value`] : `${row.flag} value`])) as ProviderFlagValues;
    const input = providerInputFromFlags(flags) as Record<string, unknown>;
    const providerRows = rows.filter((row) => row.level === 'provider');
    expect(input).toEqual(Object.fromEntries(providerRows.map((row) => [row.key, row.kind === 'list' ? [`${row.flag} value`] : `${row.flag} value`])));
  });

  it('gives the client secret a flag but no input key, so no input or spec can hold it', () => {
    const secretRows = PROVIDER_FIELDS.filter((row) => /secret/i.test(row.flag));
    expect(secretRows.map((row) => [row.flag, 'key' in row])).toEqual([['client-secret', false]]);
    const input = providerInputFromFlags({ name: 'Entra', 'client-secret': 'the-secret-value' } as ProviderFlagValues);
    expect(JSON.stringify(input)).not.toContain('the-secret-value');
  });
});

import { formatTable } from '../../src/ux/table.js';

const columns = [
  { key: 'state', name: 'State' },
  { key: 'file', name: 'File' },
] as const;

describe('formatTable', () => {
  it('draws the title, the header and one line per row, columns as wide as their widest cell', () => {
    const table = formatTable({ title: 'Files', data: [{ state: 'created', file: 'a/b.cls' }, { state: 'unchanged', file: 'c' }], columns, maxWidth: 200 });
    expect(table.split('\n')).toEqual([
      'Files',
      '┌───────────┬─────────┐',
      '│ State     │ File    │',
      '├───────────┼─────────┤',
      '│ created   │ a/b.cls │',
      '│ unchanged │ c       │',
      '└───────────┴─────────┘',
      '',
    ]);
  });

  it('keeps every line of a multi-line cell, and shows a missing value as empty', () => {
    const table = formatTable({ data: [{ state: undefined, file: 'first\nsecond' }], columns, maxWidth: 200 });
    expect(table).toContain('│       │ first  │\n│       │ second │');
  });

  it('narrows the widest column to fit, wrapping after a slash or a space', () => {
    const file = 'main/default/objects/Azure_Client_Credential__mdt/fields/Client_Secret__c.field-meta.xml';
    const lines = formatTable({ data: [{ state: 'created', file }], columns, maxWidth: 40 }).split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(40);
    const cells = lines.slice(3, -2).map((line) => line.split('│')[2].trim());
    expect(cells.join('')).toBe(file);
    expect(cells[0]).toBe('main/default/objects/');
  });
});

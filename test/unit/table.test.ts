import { spawnSync } from 'node:child_process';
import { BORDER_STYLES, formatTable, tableStyleFromEnv, type BorderStyle } from '../../src/ux/table.js';
import { displayWidth, stripEscapes } from '../../src/ux/textWidth.js';
import { PLUGIN_ROOT } from '../helpers/runCli.js';

const columns = [
  { key: 'state', name: 'State' },
  { key: 'file', name: 'File' },
] as const;
const twoRows = [{ state: 'created', file: 'a/b.cls' }, { state: 'unchanged', file: 'c' }];
const red = (text: string): string => `\u001b[31m${text}\u001b[39m`;
const link = (text: string, url: string): string => `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`;

describe('formatTable', () => {
  it('draws the title, the header and one line per row, columns as wide as their widest cell', () => {
    const table = formatTable({ title: 'Files', data: twoRows, columns, maxWidth: 200, borderStyle: 'vertical-with-outline' });
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
    const table = formatTable({ data: [{ state: undefined, file: 'first\nsecond' }], columns, maxWidth: 200, borderStyle: 'vertical-with-outline' });
    expect(table).toContain('│       │ first  │\n│       │ second │');
  });

  it('narrows the widest column to fit, wrapping after a slash or a space', () => {
    const file = 'main/default/objects/Azure_Client_Credential__mdt/fields/Client_Secret__c.field-meta.xml';
    const lines = formatTable({ data: [{ state: 'created', file }], columns, maxWidth: 40, borderStyle: 'vertical-with-outline' }).split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(40);
    const cells = lines.slice(3, -2).map((line) => line.split('│')[2].trim());
    expect(cells.join('')).toBe(file);
    expect(cells[0]).toBe('main/default/objects/');
  });
});

describe('border styles', () => {
  const draw = (borderStyle: BorderStyle): string[] => formatTable({ data: twoRows, columns, maxWidth: 200, borderStyle }).split('\n');

  it('draws every line in "all", only the heading rule in "headers-only-with-underline", nothing in "none"', () => {
    expect(draw('all')).toEqual([
      '┌───────────┬─────────┐',
      '│ State     │ File    │',
      '├───────────┼─────────┤',
      '│ created   │ a/b.cls │',
      '├───────────┼─────────┤',
      '│ unchanged │ c       │',
      '└───────────┴─────────┘',
      '',
    ]);
    expect(draw('headers-only-with-underline')).toEqual(['  State       File', ' ─────────────────────', '  created     a/b.cls', '  unchanged   c', '']);
    expect(draw('none')).toEqual(['', '  State       File', '  created     a/b.cls', '  unchanged   c', '', '']);
    expect(draw('outline')).toEqual([
      '┌─────────────────────┐',
      '│ State       File    │',
      '│ created     a/b.cls │',
      '│ unchanged   c       │',
      '└─────────────────────┘',
      '',
    ]);
  });

  // The reference: @oclif/table, which draws sf's tables (sf-plugins-core depends on it), in a process of its own.
  // Not with hyperlinks or combining marks: it garbles the one and pads the other a column short.
  it('lays out every style as sf does, coloured and East Asian text included', () => {
    const data = [
      { state: red('created'), file: 'x/y', note: 'ok' },
      { state: 'unchanged', file: '日本語のファイル', note: '' },
      { state: 'café', file: '👍 ＡＢ', note: undefined },
    ];
    const wide = [...columns, { key: 'note', name: 'Note' }] as const;
    const script = `
      import { makeTable } from '@oclif/table';
      const [data, columns, styles] = JSON.parse(process.argv[1]);
      console.log(JSON.stringify(styles.map((borderStyle) => makeTable({ title: 'T', data, columns, borderStyle, headerOptions: {}, maxWidth: 200 }))));`;
    const sf = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([data, wide, BORDER_STYLES])], {
      cwd: PLUGIN_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' },
    });
    expect(sf.stderr).toBe('');
    const theirs = (JSON.parse(sf.stdout) as string[]).map(stripEscapes);
    const ours = BORDER_STYLES.map((borderStyle) => stripEscapes(formatTable({ title: 'T', data, columns: wide, maxWidth: 200, borderStyle })));
    expect(ours).toEqual(theirs);
  });

  it('reads SF_TABLE_BORDER_STYLE as sf does: one of its names exactly, anything else the default', () => {
    expect(tableStyleFromEnv({})).toEqual({ borderStyle: 'vertical-with-outline', plain: false });
    expect(tableStyleFromEnv({ SF_TABLE_BORDER_STYLE: 'horizontal' }).borderStyle).toBe('horizontal');
    for (const unknown of ['fancy', 'ALL', ' all', '', 'vertical-rows-with-outline']) {
      expect(tableStyleFromEnv({ SF_TABLE_BORDER_STYLE: unknown }).borderStyle).toBe('vertical-with-outline');
    }
    expect(tableStyleFromEnv({ SF_TABLE_BORDER_STYLE: 'all', SF_NO_TABLE_STYLE: 'TRUE' })).toEqual({ borderStyle: 'none', plain: true });
    expect(tableStyleFromEnv({ SF_NO_TABLE_STYLE: 'yes' }).plain).toBe(false);
  });

  describe('from the environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env.SF_TABLE_BORDER_STYLE = saved.SF_TABLE_BORDER_STYLE;
      process.env.SF_NO_TABLE_STYLE = saved.SF_NO_TABLE_STYLE;
      if (saved.SF_TABLE_BORDER_STYLE === undefined) delete process.env.SF_TABLE_BORDER_STYLE;
      if (saved.SF_NO_TABLE_STYLE === undefined) delete process.env.SF_NO_TABLE_STYLE;
    });

    it('draws the style SF_TABLE_BORDER_STYLE names', () => {
      process.env.SF_TABLE_BORDER_STYLE = 'horizontal-with-outline';
      expect(formatTable({ data: twoRows, columns, maxWidth: 200 })).toBe(formatTable({ data: twoRows, columns, maxWidth: 200, borderStyle: 'horizontal-with-outline' }));
      process.env.SF_TABLE_BORDER_STYLE = 'no-such-style';
      expect(formatTable({ data: twoRows, columns, maxWidth: 200 }).split('\n')[0]).toBe('┌───────────┬─────────┐');
    });

    it('draws no borders and no colours with SF_NO_TABLE_STYLE=true', () => {
      process.env.SF_NO_TABLE_STYLE = 'true';
      expect(formatTable({ data: [{ state: red('created'), file: 'a' }], columns, maxWidth: 200 })).toBe('\n  State     File\n  created   a\n\n');
    });
  });
});

describe('widths in terminal columns', () => {
  it('counts neither colours nor hyperlinks, East Asian wide characters and emoji as two, combining marks as none', () => {
    expect(displayWidth(red('created'))).toBe(7);
    expect(displayWidth(`\u001b[1;38;5;196m${link('docs', 'https://example.com/?a=1;b=2')}\u001b[0m`)).toBe(4);
    expect(displayWidth(`\u001b]8;;https://example.com\u0007x\u001b]8;;\u0007`)).toBe(1);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('👍🇫🇷')).toBe(4);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('✔ ok')).toBe(4);
  });

  it('lines up the borders of coloured, linked and wide cells', () => {
    const data = [{ state: red('created'), file: link('a.cls', 'https://example.com/a') }, { state: '作成済み', file: 'b' }];
    const lines = formatTable({ data, columns, maxWidth: 200, borderStyle: 'all' }).split('\n').slice(0, -1);
    expect(new Set(lines.map(displayWidth))).toEqual(new Set([20]));
    expect(lines[3]).toBe(`│ ${red('created')}  │ ${link('a.cls', 'https://example.com/a')} │`);
  });

  it('wraps coloured text between characters, never inside an escape sequence, each line ending and restarting its colour', () => {
    const file = red('main/default/objects/Azure_Client_Credential__mdt/fields/Client_Secret__c.field-meta.xml');
    const lines = formatTable({ data: [{ state: 'created', file }], columns, maxWidth: 40, borderStyle: 'vertical-with-outline' }).split('\n');
    const cells = lines.slice(3, -2).map((line) => line.split('│')[2]);
    expect(cells.length).toBeGreaterThan(2);
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(40);
    for (const cell of cells) {
      expect(cell.trim().startsWith('\u001b[31m')).toBe(true);
      expect(cell.trimEnd().endsWith('\u001b[0m') || cell.trimEnd().endsWith('\u001b[39m')).toBe(true);
    }
    expect(cells.map((cell) => stripEscapes(cell).trim()).join('')).toBe(stripEscapes(file));
    expect(cells[0].trim()).toBe('\u001b[31mmain/default/objects/\u001b[0m');
  });

  it('wraps a hyperlink into lines that each link to it, and a bold colour into lines that each restart both', () => {
    const url = 'https://example.com/setup';
    const text = 'read the setup guide before you deploy';
    const cell = (file: string): string[] =>
      formatTable({ data: [{ state: 'x', file }], columns, maxWidth: 24, borderStyle: 'vertical-with-outline' }).split('\n').slice(3, -2).map((line) => line.split('│')[2].trim());
    const linked = cell(link(text, url));
    expect(linked.length).toBeGreaterThan(1);
    for (const line of linked) expect(line).toBe(link(stripEscapes(line), url));
    const styled = cell(`\u001b[1;38;5;196m${text}\u001b[0m`);
    expect(styled[1]).toBe(`\u001b[1;38;5;196m${stripEscapes(styled[1])}\u001b[0m`);
    expect(styled.map((line) => stripEscapes(line)).join(' ')).toBe(text);
  });

  it('wraps wide text by columns, a character never split', () => {
    const lines = formatTable({ data: [{ state: 'x', file: '日本語のファイル名はとても長い' }], columns, maxWidth: 24, borderStyle: 'vertical-with-outline' }).split('\n');
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(24);
    const cells = lines.slice(3, -2).map((line) => line.split('│')[2].trim());
    expect(cells.join('')).toBe('日本語のファイル名はとても長い');
    expect(new Set(lines.slice(0, -1).map(displayWidth)).size).toBe(1);
  });
});

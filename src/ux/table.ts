/*
 * Tables for command output, drawn as sf draws its tables. The table of sf-plugins-core renders through ink and React,
 * and its first table in a process costs about a quarter of a second, more than everything else `generate` does after
 * start-up; these tables are plain strings that follow the same settings: SF_TABLE_BORDER_STYLE picks the borders
 * (an unknown value means the default, vertical lines with an outline) and SF_NO_TABLE_STYLE=true draws none and
 * removes colours. Widths are in terminal columns, so coloured, linked and East Asian text lines up.
 */
import { carryStyles, displayWidth, padToWidth, pieces, stripEscapes, type Piece } from './textWidth.js';

export type Column<T> = { key: keyof T & string; name: string };

/** The border styles sf accepts in SF_TABLE_BORDER_STYLE. */
export const BORDER_STYLES = [
  'all',
  'headers-only-with-outline',
  'headers-only-with-underline',
  'headers-only',
  'horizontal-with-outline',
  'horizontal',
  'none',
  'outline',
  'vertical-with-outline',
  'vertical',
] as const;
export type BorderStyle = (typeof BORDER_STYLES)[number];
export const DEFAULT_BORDER_STYLE: BorderStyle = 'vertical-with-outline';

export type TableOptions<T> = {
  title?: string;
  data: readonly T[];
  columns: ReadonlyArray<Column<T>>;
  /** Width to fit in; the widest columns are narrowed, their text wrapped, until the table fits. Default: the terminal's. */
  maxWidth?: number;
  /** Default: as SF_TABLE_BORDER_STYLE and SF_NO_TABLE_STYLE say. */
  borderStyle?: BorderStyle;
  /** Remove colours and hyperlinks from the cells. Default: as SF_NO_TABLE_STYLE says. */
  plain?: boolean;
};

/*
 * A rule is a horizontal line written as its left end, its fill, where it meets a column border, and its right end; a
 * rule of spaces prints as an empty line, as sf's tables print it. Walls are a row's left border, the border between
 * cells and the right border. `beforeRow` is drawn above every data row, the first included (under the headings
 * when there is no `underHeading`).
 */
type Style = { top?: string; heading: string; underHeading?: string; beforeRow?: string; row: string; bottom?: string };
const STYLES: Record<BorderStyle, Style> = {
  all: { top: '┌─┬┐', heading: '│││', beforeRow: '├─┼┤', row: '│││', bottom: '└─┴┘' },
  'headers-only-with-outline': { top: '┌──┐', heading: '│ │', underHeading: '├──┤', row: '│ │', bottom: '└──┘' },
  'headers-only-with-underline': { heading: '   ', underHeading: ' ── ', row: '   ' },
  'headers-only': { top: '┌──┐', heading: '│ │', underHeading: '└──┘', row: '   ' },
  'horizontal-with-outline': { top: '┌──┐', heading: '│ │', beforeRow: '├──┤', row: '│ │', bottom: '└──┘' },
  horizontal: { top: '    ', heading: '   ', beforeRow: '────', row: '   ', bottom: '────' },
  none: { top: '    ', heading: '   ', row: '   ', bottom: '    ' },
  outline: { top: '┌──┐', heading: '│ │', row: '│ │', bottom: '└──┘' },
  'vertical-with-outline': { top: '┌─┬┐', heading: '│││', underHeading: '├─┼┤', row: '│││', bottom: '└─┴┘' },
  vertical: { top: '    ', heading: '│││', row: '│││' },
};

const isBorderStyle = (value: string | undefined): value is BorderStyle => BORDER_STYLES.includes(value as BorderStyle);

/** sf's reading of its table settings: the value exactly as one of the names, anything else the default. */
export function tableStyleFromEnv(env: NodeJS.ProcessEnv = process.env): { borderStyle: BorderStyle; plain: boolean } {
  const plain = ['true', '1'].includes((env.SF_NO_TABLE_STYLE ?? '').toLowerCase());
  const chosen = env.SF_TABLE_BORDER_STYLE;
  return { borderStyle: plain ? 'none' : isBorderStyle(chosen) ? chosen : DEFAULT_BORDER_STYLE, plain };
}

const MIN_COLUMN = 6;

const cellLines = (value: unknown, plain: boolean): string[] => {
  const text = value === undefined || value === null ? '' : String(value);
  return (plain ? stripEscapes(text) : text).split(/\r?\n/);
};

const isSpace = (piece: Piece): boolean => !piece.escape && /^\s+$/.test(piece.text);

/** Where to end a line of at most `width` columns: before a space or after a slash where there is one, so paths stay readable. */
function cutPoint(line: Piece[], width: number): number {
  let used = 0;
  let cut = 0;
  for (const [index, piece] of line.entries()) {
    if (isSpace(piece) && used > 0) cut = index;
    if (used + piece.width > width) return cut > 0 ? cut : used > 0 ? index : index + 1;
    used += piece.width;
    if (piece.text === '/') cut = index + 1;
  }
  return line.length;
}

/** Spaces dropped from where a line was cut; escape sequences stay, so colours start and end where they did. */
function trimSpaces(line: Piece[], from: 'start' | 'end'): Piece[] {
  const ordered = from === 'start' ? line : [...line].reverse();
  const firstText = ordered.findIndex((piece) => !piece.escape && !isSpace(piece));
  const kept = ordered.filter((piece, index) => !isSpace(piece) || (firstText >= 0 && index > firstText));
  return from === 'start' ? kept : kept.reverse();
}

/** A line cut into lines of at most `width` columns, never inside an escape sequence or a character. */
function wrap(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const lines: string[] = [];
  let rest = pieces(line);
  while (rest.reduce((sum, piece) => sum + piece.width, 0) > width) {
    const at = cutPoint(rest, width);
    lines.push(trimSpaces(rest.slice(0, at), 'end').map((piece) => piece.text).join(''));
    rest = trimSpaces(rest.slice(at), 'start');
  }
  return [...lines, rest.map((piece) => piece.text).join('')];
}

/** Column widths: each column's widest line, then the widest columns narrowed while the table is too wide. */
function columnWidths(rows: string[][][], maxWidth: number | undefined): number[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => Math.max(...row[column].map(displayWidth)))));
  // One space of padding each side and one border per column, and the closing border: the same in every style.
  const total = (): number => widths.reduce((sum, width) => sum + width + 3, 1);
  while (maxWidth !== undefined && total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN) break;
    widths[widest] = Math.max(MIN_COLUMN, widths[widest] - (total() - maxWidth));
  }
  return widths;
}

export function formatTable<T>(options: TableOptions<T>): string {
  const fromEnv = tableStyleFromEnv();
  const plain = options.plain ?? fromEnv.plain;
  const style = STYLES[options.borderStyle ?? fromEnv.borderStyle];
  const header = options.columns.map((column) => [column.name]);
  const rows = [header, ...options.data.map((row) => options.columns.map((column) => cellLines(row[column.key], plain)))];
  const widths = columnWidths(rows, options.maxWidth ?? (process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined));
  const rule = (spec: string | undefined): string[] => {
    if (spec === undefined) return [];
    const [left, fill, cross, right] = [...spec];
    return [`${left}${widths.map((width) => fill.repeat(width + 2)).join(cross)}${right}`];
  };
  const lines = (row: string[][], walls: string): string[] => {
    const [left, between, right] = [...walls];
    const cells = row.map((cell, column) => carryStyles(cell.flatMap((line) => wrap(line, widths[column]))));
    const height = Math.max(...cells.map((cell) => cell.length));
    return Array.from({ length: height }, (_, index) => `${left} ${cells.map((cell, column) => padToWidth(cell[index] ?? '', widths[column])).join(` ${between} `)} ${right}`);
  };
  return [
    ...(options.title ? [options.title] : []),
    ...rule(style.top),
    ...lines(header, style.heading),
    ...rule(style.underHeading),
    ...rows.slice(1).flatMap((row) => [...rule(style.beforeRow), ...lines(row, style.row)]),
    ...rule(style.bottom),
    '',
  ]
    // Trailing blanks dropped, as sf's tables drop them: borderless styles end their lines in spaces.
    .map((line) => line.trimEnd())
    .join('\n');
}

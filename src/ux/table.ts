/*
 * Tables for command output, drawn as sf draws its tables by default (vertical lines and an outline). The table of
 * sf-plugins-core renders through ink and React, and its first table in a process costs about a quarter of a second,
 * more than everything else `generate` does after start-up; these tables are plain strings.
 */

export type Column<T> = { key: keyof T & string; name: string };

export type TableOptions<T> = {
  title?: string;
  data: readonly T[];
  columns: ReadonlyArray<Column<T>>;
  /** Width to fit in; the widest columns are narrowed, their text wrapped, until the table fits. Default: the terminal's. */
  maxWidth?: number;
};

const MIN_COLUMN = 6;

const cellLines = (value: unknown): string[] => (value === undefined || value === null ? '' : String(value)).split(/\r?\n/);

/** A line cut into lines of at most `width`, after a space or a slash where there is one, so paths stay readable. */
function wrap(line: string, width: number): string[] {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = Math.max(rest.lastIndexOf(' ', width), rest.lastIndexOf('/', width - 1) + 1);
    const at = cut > 0 ? cut : width;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return [...lines, rest];
}

/** Column widths: each column's widest line, then the widest columns narrowed while the table is too wide. */
function columnWidths(rows: string[][][], maxWidth: number | undefined): number[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => Math.max(...row[column].map((line) => line.length)))));
  // Two spaces of padding and one border per column, and the closing border.
  const total = (): number => widths.reduce((sum, width) => sum + width + 3, 1);
  while (maxWidth !== undefined && total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN) break;
    widths[widest] = Math.max(MIN_COLUMN, widths[widest] - (total() - maxWidth));
  }
  return widths;
}

export function formatTable<T>(options: TableOptions<T>): string {
  const header = options.columns.map((column) => [column.name]);
  const rows = [header, ...options.data.map((row) => options.columns.map((column) => cellLines(row[column.key])))];
  const widths = columnWidths(rows, options.maxWidth ?? (process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined));
  const rule = (left: string, middle: string, right: string): string => `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
  const lines = (row: string[][]): string[] => {
    const cells = row.map((cell, column) => cell.flatMap((line) => wrap(line, widths[column])));
    const height = Math.max(...cells.map((cell) => cell.length));
    return Array.from({ length: height }, (_, index) => `│ ${cells.map((cell, column) => (cell[index] ?? '').padEnd(widths[column])).join(' │ ')} │`);
  };
  return [
    ...(options.title ? [options.title] : []),
    rule('┌', '┬', '┐'),
    ...lines(header),
    rule('├', '┼', '┤'),
    ...rows.slice(1).flatMap(lines),
    rule('└', '┴', '┘'),
    '',
  ].join('\n');
}

/* docs/exit-codes.md's table is the plugin's one exit-code table, word for word: a change to either fails here. */
import { readFileSync } from 'node:fs';
import { EXIT_CODES, exitCodeMeaning, type ExitCodeName } from '../../src/errors/exitCodes.js';

const documentation = readFileSync(new URL('../../docs/exit-codes.md', import.meta.url), 'utf8');

describe('the exit-code table', () => {
  it('is what docs/exit-codes.md documents, code for code and meaning for meaning', () => {
    const rows = documentation
      .split('\n')
      .filter((line) => /^\| `?\d+`? \|/.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/`/g, '')));
    const documented = rows.map(([code, name, meaning]) => ({ code: Number(code), name, meaning }));
    const table = (Object.keys(EXIT_CODES) as ExitCodeName[]).map((name) => ({ code: EXIT_CODES[name], name, meaning: exitCodeMeaning(name) }));
    expect(documented).toEqual(table);
  });

  it('gives each code one name', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

/* The README's command table is each command's own summary, word for word, and names every command there is. */
import { readdirSync, readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const commandsDir = new URL('../../src/commands/azure-authprovider/', import.meta.url);

function summaryOf(command: string): string {
  const text = readFileSync(new URL(`../../messages/${command}.md`, import.meta.url), 'utf8');
  return (text.split(/^# summary\s*$/m)[1] ?? '').split(/^# /m)[0].trim();
}

describe("the README's command table", () => {
  it('lists every command with its summary', () => {
    const commands = readdirSync(commandsDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    const rows = readme
      .split('\n')
      .map((line) => /^\| `sf azure-authprovider ([\w-]+)` \| (.*) \|$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ command: match[1], summary: match[2] }));
    expect(rows.map((row) => row.command).sort()).toEqual(commands);
    for (const row of rows) expect({ command: row.command, summary: row.summary }).toEqual({ command: row.command, summary: summaryOf(row.command) });
  });
});

import { remoteText, withoutSecrets } from '../../src/ux/remoteText.js';
import { HOSTILE_SECRET } from '../helpers/values.js';
import { findSecret } from '../reliability/leaks.js';

const SECRET = HOSTILE_SECRET;
const REMOVED = '[secret removed]';

describe('text a remote party sent, made safe to show', () => {
  const echoes: Array<[string, string]> = [
    ['as is', SECRET],
    ['form-encoded (+ for spaces), as a request body is', new URLSearchParams({ client_secret: `${SECRET} x` }).toString()],
    ['URL-encoded (%20 for spaces)', encodeURIComponent(`${SECRET} x`)],
    ['URL-encoded with lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
    ['JSON-escaped', JSON.stringify({ client_secret: SECRET })],
    ['XML-escaped', SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')],
    ['base64 inside a larger payload', Buffer.from(`xy${SECRET}z`).toString('base64')],
    ['base64url', Buffer.from(`x${SECRET}`).toString('base64url')],
    ['cut short', `${SECRET.slice(0, 10)}…`],
    ['split by escape sequences', `${SECRET.slice(0, 5)}\u001b[31m${SECRET.slice(5)}`],
  ];

  it.each(echoes)('removes the secret %s', (_form, echoed) => {
    const shown = remoteText(`AADSTS7000215: bad request: ${echoed} (end)`, [SECRET]);
    expect(findSecret(SECRET, { texts: { shown } })).toEqual([]);
    expect(shown).toContain(REMOVED);
    expect(shown).toMatch(/^AADSTS7000215: bad request: .*\(end\)$/);
  });

  it('removes several secrets, and leaves text without them unchanged', () => {
    expect(remoteText('a first-secret-value b second-secret-value c', ['first-secret-value', 'second-secret-value'])).toBe(`a ${REMOVED} b ${REMOVED} c`);
    expect(remoteText('Invalid client secret provided.\n\tTrace ID: 1', [SECRET])).toBe('Invalid client secret provided.\n\tTrace ID: 1');
  });

  it('strips ANSI escape sequences and control characters, keeping newlines and tabs', () => {
    const hostile = 'red\u001b[31;1m text\u001b[0m\u001b]0;title\u0007 \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\ bell\u0007 bs\b cr\r\nline\tend\u009b2J \u202eevil\u0000';
    expect(remoteText(hostile)).toBe('red text link bell bs cr\nline\tend evil');
  });

  it('cuts a 5 MB text to the limit, saying so, and cutting again changes nothing', () => {
    const huge = `start ${'x'.repeat(5 * 1024 * 1024)} ${SECRET} end`;
    const shown = remoteText(huge, [SECRET]);
    expect(shown.length).toBeLessThanOrEqual(1000);
    expect(shown).toMatch(/^start x+… \[cut: \d+ characters in all\]$/);
    expect(remoteText(shown, [SECRET])).toBe(shown);
  });

  it('never cuts between the halves of a character', () => {
    const shown = remoteText('😀'.repeat(600), [], 100);
    expect(shown).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('withoutSecrets keeps length and controls of a file it cleans', () => {
    expect(withoutSecrets(`line\u0007 ${SECRET}\n`.repeat(2), [SECRET])).toBe(`line\u0007 ${REMOVED}\n`.repeat(2));
  });
});

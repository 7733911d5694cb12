/*
 * How many terminal columns text takes: escape sequences (SGR colours, OSC 8 hyperlinks) none, East Asian wide and
 * full-width characters and emoji two, combining marks and other zero-width characters none. The wide ranges are the
 * main blocks of Unicode's East Asian Width W and F classes; that is enough to lay out tables without a dependency.
 */

/** CSI sequences (colours, cursor moves) in their 7- and 8-bit forms, and OSC sequences (hyperlinks, titles) ended by BEL or ST. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ESCAPES = /(\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\))/;
const PLAIN = /^[\u0020-\u007e]*$/;
const ZERO_WIDTH = /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}\u1160-\u11ff]/u;
const EMOJI = /^\p{Emoji_Presentation}|^\p{Extended_Pictographic}.*\ufe0f/u;
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, enclosed CJK, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // full-width forms
  [0xffe0, 0xffe6], // full-width signs
  [0x1b000, 0x1b2ff], // Kana supplement and extensions
  [0x20000, 0x3fffd], // CJK extensions B and later
];

export type Piece = { text: string; width: number; escape: boolean };

let graphemes: Intl.Segmenter | undefined;

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI.test(grapheme)) return 2;
  const code = grapheme.codePointAt(0) ?? 0;
  return WIDE.some(([first, last]) => code >= first && code <= last) ? 2 : 1;
}

/** Text cut into escape sequences and user-perceived characters, each with the columns it takes. */
export function pieces(text: string): Piece[] {
  return text.split(ESCAPES).flatMap((part, index): Piece[] => {
    // split with a capturing group: odd parts are the escape sequences.
    if (index % 2 === 1) return [{ text: part, width: 0, escape: true }];
    if (PLAIN.test(part)) return [...part].map((char) => ({ text: char, width: 1, escape: false }));
    graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    return [...graphemes.segment(part)].map(({ segment }) => ({ text: segment, width: graphemeWidth(segment), escape: false }));
  });
}

export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  return pieces(text).reduce((sum, piece) => sum + piece.width, 0);
}

export function stripEscapes(text: string): string {
  return text.split(ESCAPES).filter((_, index) => index % 2 === 0).join('');
}

/** Text followed by spaces up to `width` columns. */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** What an SGR parameter sets (colour, weight, ...), so that a later parameter that ends it (39 ends every colour) can clear it. */
function sgrGroup(code: number): string | undefined {
  if ((code >= 30 && code <= 39) || (code >= 90 && code <= 97)) return 'foreground';
  if ((code >= 40 && code <= 49) || (code >= 100 && code <= 107)) return 'background';
  if (code === 1 || code === 2 || code === 22) return 'intensity';
  if (code >= 3 && code <= 9) return String(code);
  if (code >= 23 && code <= 29) return String(code - 20);
  return undefined;
}
const ENDING = new Set([22, 23, 24, 25, 26, 27, 28, 29, 39, 49]);

/** The SGR state after one SGR sequence: parameter groups and what each is set to. */
function applySgr(state: Map<string, string>, sequence: string): void {
  const codes = sequence.slice(sequence.startsWith('\u009b') ? 1 : 2, -1).split(/[;:]/);
  for (let index = 0; index < codes.length; index++) {
    const code = Number(codes[index] || '0');
    if (code === 0) state.clear();
    // 38/48 take a colour: 5;n or 2;r;g;b.
    const extra = code === 38 || code === 48 ? (codes[index + 1] === '5' ? 2 : codes[index + 1] === '2' ? 4 : 0) : 0;
    const group = sgrGroup(code);
    if (group && ENDING.has(code)) state.delete(group);
    else if (group) state.set(group, codes.slice(index, index + 1 + extra).join(';'));
    index += extra;
  }
}

/**
 * Lines whose colours and hyperlinks continue from one line to the next: each line ends them (so the table's
 * borders and padding stay plain) and the next line starts them again.
 */
export function carryStyles(lines: string[]): string[] {
  const sgr = new Map<string, string>();
  let link: string | undefined;
  return lines.map((line) => {
    if (sgr.size === 0 && !link && !line.includes('\u001b') && !line.includes('\u009b')) return line;
    const opening = (sgr.size > 0 ? `\u001b[${[...sgr.values()].join(';')}m` : '') + (link ?? '');
    for (const part of line.split(ESCAPES).filter((_, index) => index % 2 === 1)) {
      // OSC sequences end in BEL or ST, never in m: this is an SGR.
      if (part.endsWith('m')) applySgr(sgr, part);
      else if (part.startsWith('\u001b]8;')) {
        // OSC 8 ; params ; URI, then BEL or ST: an empty URI closes the hyperlink.
        const uri = part.slice(0, part.endsWith('\u0007') ? -1 : -2).split(';').slice(2).join(';');
        link = uri ? part : undefined;
      }
    }
    const closing = (sgr.size > 0 ? '\u001b[0m' : '') + (link ? '\u001b]8;;\u001b\\' : '');
    return opening + line + closing;
  });
}

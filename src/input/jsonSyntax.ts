/*
 * Where a JSON text first breaks its grammar (RFC 8259), and what is wrong there, in words that quote none of it:
 * the parser's own message quotes the text around the error, which may be a secret typed into a config file.
 */

/** What is wrong, as a key of messages/spec.md (`json.<problem>`), and where: 1-based line and column. */
export type JsonSyntaxProblem = { problem: string; line: number; column: number };

class Broken extends Error {
  public constructor(public readonly problem: string, public readonly offset: number) {
    super(problem);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function scan(text: string): void {
  let at = 0;
  const skip = (): void => {
    while (at < text.length && WHITESPACE.has(text[at])) at++;
  };
  const fail = (problem: string): never => {
    throw new Broken(at >= text.length ? 'End' : problem, at);
  };
  const string = (): void => {
    at++;
    for (;;) {
      if (at >= text.length) fail('End');
      const char = text[at];
      if (char === '"') {
        at++;
        return;
      }
      if (char < ' ') fail('ControlInString');
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) at += 2;
        else {
          at++;
          fail('BadEscape');
        }
      } else at++;
    }
  };
  const value = (): void => {
    skip();
    const char = text[at];
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (number && (char === '-' || (char >= '0' && char <= '9'))) {
      at += number[0].length;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return;
      }
    }
    fail('ValueExpected');
  };
  const object = (): void => {
    at++;
    skip();
    if (text[at] === '}') {
      at++;
      return;
    }
    for (;;) {
      skip();
      if (text[at] !== '"') fail('NameExpected');
      string();
      skip();
      if (text[at] !== ':') fail('ColonExpected');
      at++;
      value();
      skip();
      if (text[at] === ',') at++;
      else if (text[at] === '}') {
        at++;
        return;
      } else fail('CommaOrBraceExpected');
    }
  };
  const array = (): void => {
    at++;
    skip();
    if (text[at] === ']') {
      at++;
      return;
    }
    for (;;) {
      value();
      skip();
      if (text[at] === ',') at++;
      else if (text[at] === ']') {
        at++;
        return;
      } else fail('CommaOrBracketExpected');
    }
  };
  value();
  skip();
  if (at < text.length) throw new Broken('ExtraContent', at);
}

/** The first syntax problem of a text JSON.parse refused; undefined when this scanner finds none. */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    return { problem: error.problem, line, column: error.offset - before.lastIndexOf('\n') };
  }
}

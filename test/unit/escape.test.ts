import { apexString, escapeView, xmlText } from '../../src/render/escape.js';

describe('escaping per output context', () => {
  it('escapes the five XML specials the way a retrieve writes them', () => {
    expect(xmlText(`a&b<c>d"e'f ]]>`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f ]]&gt;');
  });

  it('keeps an Apex string literal closed whatever the value', () => {
    expect(apexString("it's \\ back\nslash")).toBe("it\\'s \\\\ back\\nslash");
  });

  it('escapes every string of a view and nothing else', () => {
    const view = { a: '<', list: ['&', { deep: "'" }], n: 3, flag: true, none: undefined };
    expect(escapeView(view, xmlText)).toEqual({ a: '&lt;', list: ['&amp;', { deep: '&apos;' }], n: 3, flag: true, none: undefined });
  });
});

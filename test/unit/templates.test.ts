import Handlebars from 'handlebars';
import { precompiledModule, templateSet, type Precompiled } from '../../src/render/templates.js';

/** What lib/render/templates.precompiled.cjs exports, from the source `npm run build` writes there. */
function evaluate(source: string): Precompiled {
  const module = { exports: {} as Precompiled };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', source)(module);
  return module.exports;
}

const REMOTE_SITE = 'remoteSiteSettings/remote-site.remoteSite-meta.xml.hbs';
const view = { remoteSite: { url: 'https://login.example.com/a&b' } };

describe('precompiled templates', () => {
  const precompiled = evaluate(precompiledModule());
  const compiled = templateSet(undefined);

  it('cover every template and render what compiling renders', () => {
    expect(Object.keys(precompiled)).toEqual(expect.arrayContaining([REMOTE_SITE, 'partials/metadata.hbs', 'verify/token-check.apex.hbs']));
    const rendered = templateSet(precompiled).render(REMOTE_SITE, view);
    expect(rendered).toBe(compiled.render(REMOTE_SITE, view));
    expect(rendered).toContain('<url>https://login.example.com/a&amp;b</url>');
  });

  // A spec that renders a marker shows which path rendered.
  const marked = (entries: Precompiled, source: string): Precompiled => ({
    ...entries,
    [REMOTE_SITE]: { source, spec: evaluate(`module.exports = ${Handlebars.precompile('PRECOMPILED')};`) as unknown as Precompiled[string]['spec'] },
  });

  it('are used while every template on disk matches its precompiled source', () => {
    expect(templateSet(marked(precompiled, precompiled[REMOTE_SITE].source)).render(REMOTE_SITE, view)).toBe('PRECOMPILED');
  });

  it('are ignored, and the templates compiled, once a template on disk differs from what was precompiled', () => {
    const stale = marked(precompiled, `${precompiled[REMOTE_SITE].source} edited since`);
    expect(templateSet(stale).render(REMOTE_SITE, view)).toBe(compiled.render(REMOTE_SITE, view));
    const { [REMOTE_SITE]: _missing, ...lacking } = precompiled;
    expect(templateSet(lacking).render(REMOTE_SITE, view)).toBe(compiled.render(REMOTE_SITE, view));
  });
});

/*
 * The templates under templates/, compiled once each, with their partials. Views are escaped for the template's
 * output context before Handlebars sees them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { apexString, escapeView, xmlText } from './escape.js';

const TEMPLATE_ROOT = fileURLToPath(new URL('../../templates/', import.meta.url));

const handlebars = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function template(name: string): Handlebars.TemplateDelegate {
  let compiledTemplate = compiled.get(name);
  if (!compiledTemplate) {
    if (compiled.size === 0) {
      for (const partial of readdirSync(`${TEMPLATE_ROOT}partials`)) {
        handlebars.registerPartial(basename(partial, '.hbs'), readFileSync(`${TEMPLATE_ROOT}partials/${partial}`, 'utf8'));
      }
    }
    // Views arrive escaped for their context (see escape.ts), so Handlebars' HTML escaping stays off.
    compiledTemplate = handlebars.compile(readFileSync(`${TEMPLATE_ROOT}${name}`, 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, compiledTemplate);
  }
  return compiledTemplate;
}

/** Renders one template; Apex templates (classes and anonymous Apex) get Apex string escaping, the rest XML escaping. */
export function render(name: string, view: object): string {
  return template(name)(escapeView(view, /\.(cls|apex)\.hbs$/.test(name) ? apexString : xmlText));
}

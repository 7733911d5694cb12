/*
 * Escaping per output context. The renderer escapes every string of a template's view for the template's context
 * before Handlebars sees it, so no template can forget to escape and no value can leave its context.
 */

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute content of a metadata XML file, escaped the way a Salesforce retrieve writes it. */
export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]);
}

const APEX_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The inside of an Apex single-quoted string literal. */
export function apexString(value: string): string {
  return value.replace(/[\\'\n\r\t]/g, (char) => APEX_ESCAPES[char]);
}

/** One value of an application/x-www-form-urlencoded body (a token request's), spaces as `+`. */
export function formValue(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export type Escaper = (value: string) => string;

/** A copy of a view with every string escaped; numbers, booleans and structure are kept. */
export function escapeView<T>(view: T, escape: Escaper): T {
  if (typeof view === 'string') return escape(view) as T;
  if (Array.isArray(view)) return view.map((item: unknown) => escapeView(item, escape)) as T;
  if (view !== null && typeof view === 'object') {
    return Object.fromEntries(Object.entries(view).map(([key, value]) => [key, escapeView(value, escape)])) as T;
  }
  return view;
}

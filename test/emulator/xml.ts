/** Small XML helpers: namespace-aware parsing into a plain tree, and escaping/serialising for responses. */
import { DOMParser } from '@xmldom/xmldom';

export const MD_NS = 'http://soap.sforce.com/2006/04/metadata';
export const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** An element: local name, namespace, attributes (qualified names as written), child elements or text. */
export type XNode = {
  name: string;
  ns: string | null;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  line?: number;
  col?: number;
  /** namespace prefix → uri declared in scope (used to resolve xsi:type QNames) */
  nsScope?: Record<string, string>;
};

export class XmlParseError extends Error {
  public constructor(message: string, public readonly line?: number, public readonly col?: number) {
    super(message);
  }
}

type DomNode = {
  nodeType: number;
  localName?: string | null;
  nodeName: string;
  namespaceURI?: string | null;
  nodeValue?: string | null;
  childNodes: ArrayLike<DomNode>;
  attributes?: ArrayLike<{ name: string; value: string; prefix?: string | null; localName?: string }>;
  lineNumber?: number;
  columnNumber?: number;
};

export function parseXml(text: string): XNode {
  let firstProblem: XmlParseError | undefined;
  let doc: { documentElement: DomNode | null };
  try {
    doc = new DOMParser({
      onError: (level: string, msg: string, ctx?: { locator?: { lineNumber?: number; columnNumber?: number } }) => {
        if (level === 'warning') return;
        firstProblem ??= new XmlParseError(msg, ctx?.locator?.lineNumber, ctx?.locator?.columnNumber);
      },
    }).parseFromString(text, 'text/xml') as unknown as { documentElement: DomNode | null };
  } catch (e) {
    const err = e as Error & { locator?: { lineNumber?: number; columnNumber?: number } };
    throw firstProblem ?? new XmlParseError(err.message, err.locator?.lineNumber, err.locator?.columnNumber);
  }
  if (firstProblem) throw firstProblem;
  if (!doc.documentElement) throw new XmlParseError('missing root element');
  return convert(doc.documentElement, {});
}

function convert(el: DomNode, parentScope: Record<string, string>): XNode {
  const attrs: Record<string, string> = {};
  const scope = { ...parentScope };
  for (const a of Array.from(el.attributes ?? [])) {
    if (a.name === 'xmlns') scope[''] = a.value;
    else if (a.name.startsWith('xmlns:')) scope[a.name.slice(6)] = a.value;
    else attrs[a.name] = a.value;
  }
  const node: XNode = {
    name: el.localName ?? el.nodeName,
    ns: el.namespaceURI ?? null,
    attrs,
    children: [],
    text: '',
    line: el.lineNumber,
    col: el.columnNumber,
    nsScope: scope,
  };
  for (const c of Array.from(el.childNodes)) {
    if (c.nodeType === 1) node.children.push(convert(c, scope));
    else if (c.nodeType === 3 || c.nodeType === 4) node.text += c.nodeValue ?? '';
  }
  if (node.children.length > 0) node.text = node.text.trim();
  return node;
}

export function child(node: XNode | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}
export function childrenNamed(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}
export function childText(node: XNode | undefined, name: string): string | undefined {
  const c = child(node, name);
  return c ? c.text : undefined;
}

/** The attribute with this local name in the given namespace, whatever prefix the sender used. */
export function attrNs(node: XNode, localName: string, ns: string): string | undefined {
  for (const [k, v] of Object.entries(node.attrs)) {
    const [prefix, local] = k.includes(':') ? k.split(':') : ['', k];
    if (local === localName && prefix && node.nsScope?.[prefix] === ns) return v;
  }
  return undefined;
}

/** xsi:type value without its prefix ("AuthProvider", "met:AuthProvider", "tns:AuthProvider" -> "AuthProvider"). */
export function xsiType(node: XNode): string | undefined {
  const t = attrNs(node, 'type', XSI_NS) ?? node.attrs['xsi:type'];
  return t?.includes(':') ? t.split(':')[1] : t;
}

export function isNil(node: XNode): boolean {
  return (attrNs(node, 'nil', XSI_NS) ?? node.attrs['xsi:nil']) === 'true';
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A plain element with text content. */
export function el(name: string, value: string | number | boolean): string {
  return `<${name}>${esc(String(value))}</${name}>`;
}

/** Serialise a stored tree (children only, or whole element when a tag name is given). Keeps xsi:* attributes. */
export function serialize(node: XNode, tagName?: string, extraAttrs = ''): string {
  const name = tagName ?? node.name;
  const attrs = Object.entries(node.attrs)
    .filter(([k]) => k.startsWith('xsi:'))
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  const inner = node.children.length > 0 ? node.children.map((c) => serialize(c)).join('') : esc(node.text);
  return `<${name}${extraAttrs}${attrs}>${inner}</${name}>`;
}

/** A canonical string of a tree (for "changed" detection), independent of whitespace and line numbers. */
export function canonical(node: XNode): string {
  return serialize(node, 'x');
}

export function textNode(name: string, text: string): XNode {
  return { name, ns: MD_NS, attrs: {}, children: [], text };
}

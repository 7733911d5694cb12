/** Reading generated metadata back as Salesforce would: a strict XML parse, element texts, a record's values. */
import { DOMParser } from '@xmldom/xmldom';

/** Parses XML strictly: any well-formedness problem throws, naming it. */
export function parseXml(content: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      // U+FFFD is a legal XML character (XML 1.0, Char production); xmldom only guesses at an encoding problem.
      if (level === 'warning' && /Unicode replacement character/.test(message)) return;
      errors.push(`${level}: ${message}`);
    },
  }).parseFromString(content, 'text/xml');
  if (errors.length > 0) throw new Error(`not well-formed XML: ${errors.join('; ')}`);
  return doc as unknown as Document;
}

export function texts(doc: Document, tag: string): string[] {
  return Array.from(doc.getElementsByTagName(tag)).map((element) => element.textContent ?? '');
}

/** A custom metadata record's values by field; nil values are undefined. */
export function recordValues(doc: Document): Map<string, string | undefined> {
  return new Map(
    Array.from(doc.getElementsByTagName('values')).map((entry) => {
      const value = entry.getElementsByTagName('value')[0];
      const nil = value?.getAttribute('xsi:nil') === 'true';
      return [entry.getElementsByTagName('field')[0]?.textContent ?? '', nil ? undefined : value?.textContent ?? ''];
    })
  );
}

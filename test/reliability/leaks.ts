/**
 * Looks for a secret in what a command printed and in the files it left (generated files, sf logs under HOME,
 * debug logs), in every form it could take there.
 */
import { readFileSync } from 'node:fs';
import { filesBelow } from '../helpers/runCli.js';
import { record } from './counts.js';

/**
 * What base64 of any data that holds `text` must contain, at each of the three offsets `text` can start at (a
 * record's XML inside a deploy zip, a body inside a larger payload): the characters that encode only its bytes.
 */
function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Drop the first group (mixed with the bytes before) and the last, partial one (mixed with the bytes after).
    return encoded.slice(offset === 0 ? 0 : 4, Math.floor((offset + bytes.length) / 3) * 4);
  });
}

/**
 * The secret as is, escaped for XML, JSON, URLs and form bodies, base64 of each of those (a logged zip or body), and its first 8
 * characters (a value cut short for display).
 */
function forms(secret: string): string[] {
  const xml = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const json = JSON.stringify(secret).slice(1, -1);
  const prefix = secret.length >= 8 ? [secret.slice(0, 8)] : [];
  // URL-encoded as encodeURIComponent does (%20 for a space) and as a form body is (+, and ' ( ) ! ~ * encoded).
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const texts = [secret, xml, json, encodeURIComponent(secret), form];
  return [...new Set([...texts, ...texts.flatMap(base64Forms), ...prefix])];
}

export type Places = { texts?: Record<string, string>; dirs?: string[]; files?: string[] };

/** Every place that holds the secret, as `label` or file path; records what was scanned and found. */
export function findSecret(secret: string, places: Places): string[] {
  const needles = forms(secret);
  const found: string[] = [];
  let scanned = 0;
  const check = (label: string, content: string): void => {
    scanned += 1;
    if (needles.some((needle) => content.includes(needle))) found.push(label);
  };
  for (const [label, content] of Object.entries(places.texts ?? {})) check(label, content);
  for (const file of [...(places.files ?? []), ...(places.dirs ?? []).flatMap((dir) => filesBelow(dir))]) check(file, readFileSync(file, 'utf8'));
  record({ scanned, leaks: found.length });
  return found;
}

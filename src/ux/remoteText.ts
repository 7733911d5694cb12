/*
 * Text a remote party sent back (Entra's error fields, an org's failure messages, a debug log) made safe to show:
 * no known secret in any form it could have been echoed in, no terminal control sequences, and a bounded length.
 * Controls go first, so a secret split by escape sequences is whole again when the secrets are removed, and the
 * cut comes last, so no part of a secret survives at the cut.
 */
import { Messages } from '@salesforce/core';
import { formValue } from '../render/escape.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'output');

/** What is shown of a remote text at most, marker included. */
export const REMOTE_TEXT_MAX = 1000;

/** Shortest start of a secret removed on its own: a value the remote party cut short. */
const MIN_PREFIX = 8;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The characters of base64 that encode only the secret's bytes, at each of the three offsets it can start at. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].flatMap((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(offset === 0 ? 0 : 4, Math.floor((offset + bytes.length) / 3) * 4);
    return [core, core.replace(/\+/g, '-').replace(/\//g, '_')];
  });
}

/** Every way the secret could come back: as is, cut short, JSON- and XML-escaped, URL- and form-encoded, base64. */
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const xml = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const url = encodeURIComponent(secret);
  const form = formValue(secret);
  const prefixes: string[] = [];
  for (let length = secret.length - 1; length >= MIN_PREFIX; length--) prefixes.push(secret.slice(0, length));
  return [secret, json, xml, url, url.replace(/%20/g, '+'), form, form.replace(/\+/g, '%20'), ...base64Forms(secret), ...prefixes];
}

/** One pattern for all secrets, longest form first so that a form is removed whole rather than its prefix. */
function secretPattern(secrets: readonly string[]): RegExp | undefined {
  const forms = [...new Set(secrets.filter((secret) => secret.length > 0).flatMap(secretForms))].filter((form) => form.length >= 4);
  if (forms.length === 0) return undefined;
  // Case-insensitive: percent-encoding may come back with lower-case hex; removing a look-alike costs nothing.
  return new RegExp(forms.sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gi');
}

/** The text without any form of the secrets; for whole files such as a saved debug log. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  const pattern = secretPattern(secrets);
  return pattern ? text.replace(pattern, messages.getMessage('remote.SecretRemoved')) : text;
}

/*
 * ANSI/ECMA-48 sequences (CSI, OSC and string commands, two-character escapes, their 8-bit C1 forms), then single
 * control characters: C0 but tab and newline, DEL, C1, and the Unicode bidirectional overrides that reorder text.
 */
// Matching control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const SEQUENCES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function withoutControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(SEQUENCES, '').replace(CONTROLS, '');
}

/** Text a remote party sent, safe to print: secrets removed, controls stripped, cut to `max` characters. */
export function remoteText(text: string, secrets: readonly string[] = [], max = REMOTE_TEXT_MAX): string {
  const clean = withoutSecrets(withoutControls(text), secrets);
  if (clean.length <= max) return clean;
  const marker = messages.getMessage('remote.Cut', [clean.length]);
  // Whole code points only: a cut between surrogates would print a broken character.
  return `${clean.slice(0, Math.max(0, max - marker.length)).replace(/[\ud800-\udbff]$/, '')}${marker}`;
}

/** remoteText for an optional field: undefined stays undefined. */
export function remoteField(text: string | undefined, secrets: readonly string[] = [], max = REMOTE_TEXT_MAX): string | undefined {
  return text === undefined ? undefined : remoteText(text, secrets, max);
}

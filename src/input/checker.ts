/*
 * The Checker: the rules every input value shares (trimmed text, developer names, GUIDs, https URLs, options, lengths),
 * each problem collected rather than thrown, so one error reports them all, each named as the user typed it: the
 * flag (`--tenant-id`) or the config file's place (`providers[1].tenantId`).
 */
import { Messages, SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { isLocalHost } from './localHost.js';
import { FLAG_OF, type Field } from './providerFields.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;
/**
 * Characters XML 1.0 cannot carry, plus the line breaks no single-line value may hold: C0 and C1 controls (NEL,
 * U+0085, is a line end to XML 1.1 parsers) and the Unicode line and paragraph separators.
 */
// Matching control characters is this pattern's purpose.
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_CHARS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Invisible format characters (general category Cf): zero-width spaces and joiners, bidirectional marks, embeddings,
 * overrides and isolates (U+202E shows "txt.exe" as "exe.txt"), byte order marks, soft hyphens and tag characters.
 * They make a label or a username look like another, and the URL parser silently drops some from host names.
 */
export const FORMAT_CHAR = /\p{Cf}/u;
/** The hosts a local token check may reach over plain http, in the URL parser's spelling. */
export const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * A client id off Entra, as Okta (20 characters, 0oa...), Keycloak (any string) or ADFS (a GUID or a string) issue
 * them: RFC 6749 Appendix A.1 allows any visible ASCII (VSCHAR); a space is refused too, since it would be invisible
 * in messages and trimmed by hand-written files. 255 is the custom metadata text field that holds it.
 */
const CLIENT_ID_OFF_ENTRA = /^[\x21-\x7E]{1,255}$/;

export type Problem = { flag: string; key: string; tokens: Array<string | number> };

/** The first format character of a value as U+XXXX digits, for a message that cannot show it. */
function formatCharIn(value: string): string | undefined {
  const found = FORMAT_CHAR.exec(value);
  return found ? found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0') : undefined;
}

/** Shows a rejected value safely: quoted, escaped, and cut short. */
export function shown(value: string): string {
  const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(cut);
}

/** How a message names where a value came from: the flag, or its place in a config file. */
export type FieldNaming = (field: Field, provider: number) => string;

export class Checker {
  public readonly problems: Problem[] = [];
  /** The provider being checked, for names such as providers[1].tenantId. */
  public provider = 0;

  public constructor(private readonly naming: FieldNaming = (field): string => FLAG_OF[field]) {}

  /** How messages name a field of the provider being checked: its flag, or its place in a config file. */
  public nameOf(field: Field): string {
    return this.naming(field, this.provider);
  }

  public fail(field: Field, key: string, ...tokens: Array<string | number>): undefined {
    this.problems.push({ flag: this.naming(field, this.provider), key, tokens });
    return undefined;
  }

  /** Trims a value and refuses control and invisible format characters; undefined when absent or empty. */
  public text(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed === '') return this.fail(field, 'error.Empty');
    if (FORBIDDEN_CHARS.test(trimmed)) return this.fail(field, 'error.ControlCharacters');
    const format = formatCharIn(trimmed);
    if (format) return this.fail(field, 'error.FormatCharacters', format);
    return trimmed;
  }

  public required(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return this.fail(field, 'error.Required');
    return this.text(field, value);
  }

  public developerName(field: Field, value: string | undefined, max: number): string | undefined {
    if (value === undefined) return undefined;
    if (!DEVELOPER_NAME.test(value) || value.endsWith('_')) return this.fail(field, 'error.DeveloperName', shown(value));
    if (value.length > max) return this.fail(field, 'error.TooLong', max, value.length);
    return value;
  }

  public guid(field: Field, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    return GUID.test(value) ? value.toLowerCase() : this.fail(field, 'error.Guid', shown(value));
  }

  /** A GUID on Entra; off Entra, what that server issues, kept as typed (case can matter there). */
  public clientId(value: string | undefined, offEntra: boolean): string | undefined {
    if (!offEntra) return this.guid('clientId', value);
    if (value === undefined) return undefined;
    return CLIENT_ID_OFF_ENTRA.test(value) ? value : this.fail('clientId', 'error.ClientIdOffEntra', shown(value));
  }

  /**
   * An https URL to a host other than this machine (whatever its spelling, see localHost.ts). `loopbackHttp` accepts
   * local hosts, and plain http to localhost, 127.0.0.1 or [::1], for requests this machine makes itself (a local
   * check against a test server); Salesforce can never reach those.
   */
  public httpsUrl(field: Field, value: string | undefined, loopbackHttp = false): URL | undefined {
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.fail(field, 'error.Url', shown(value));
    }
    const httpAllowed = loopbackHttp && LOOPBACK.has(url.hostname);
    if (url.protocol !== 'https:' && !(httpAllowed && url.protocol === 'http:')) {
      return this.fail(field, loopbackHttp ? 'error.HttpsOrLoopback' : 'error.Https', shown(value));
    }
    if (url.username || url.password || url.hash || url.search || /\s/.test(value)) {
      return this.fail(field, 'error.UrlParts', shown(value));
    }
    if (!loopbackHttp && isLocalHost(url.hostname)) return this.fail(field, 'error.LocalHost', shown(value));
    return url;
  }

  public oneOf<T extends string>(field: Field, value: string | undefined, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(field, 'error.OneOf', allowed.join(', '), shown(value));
    return fallback;
  }

  public fits(field: Field, value: string | undefined, max: number): string | undefined {
    if (value === undefined || value.length <= max) return value;
    return this.fail(field, 'error.TooLong', max, value.length);
  }
}

/** One error for every problem in the input (each a line naming its flag), exit 2. */
export function invalidInput(lines: string[]): SfError {
  const message = lines.length === 1 ? lines[0] : messages.getMessage('error.Several', [lines.map((line) => `- ${line}`).join('\n')]);
  return messages.createError('error.InvalidInput', [message], [], EXIT_CODES['invalid-input']);
}

/** The one error for every problem a Checker collected. */
export function specError(problems: Problem[]): SfError {
  return invalidInput(problems.map((problem) => messages.getMessage(problem.key, [problem.flag, ...problem.tokens])));
}

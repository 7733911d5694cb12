/*
 * Bytes read as text: UTF-8 only. Node's own decoding turns bytes that are not UTF-8 into U+FFFD without a word, so
 * a secret or a config value would silently become something else.
 */

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of UTF-8 bytes, without a leading byte order mark (TextDecoder drops one: editors on Windows write it);
 * undefined when the bytes are not UTF-8.
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

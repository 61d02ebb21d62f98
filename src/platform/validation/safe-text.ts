/**
 * The one rule for text at the edge (HTTP and MQTT): what reaches storage is valid UTF-16 that
 * PostgreSQL takes (no NUL, no surrogate without its pair) and is cut on a code-point boundary.
 * Pure: no Nest, no database.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Why the text cannot be stored as it is, or undefined when it can. */
export function unsafeTextReason(text: string): string | undefined {
  const found = UNSAFE.exec(text);
  if (!found) return undefined;
  return found[0] === '\u0000' ? 'must not contain a NUL character' : 'must not contain a lone UTF-16 surrogate (broken Unicode)';
}

export const isSafeText = (text: string): boolean => !UNSAFE.test(text);

/** At most `max` UTF-16 units, never ending in half of a surrogate pair. */
export function cutAtCodePoint(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

/** Text made storable for the record (dead letters, logs): NUL and lone surrogates written as \u escapes, then cut. */
export function escapeUnsafe(text: string, max = Infinity): string {
  const escaped = text.replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return cutAtCodePoint(escaped, max);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as storable text: UTF-8 text with its unsafe characters escaped, or `0x` and hex when they are not UTF-8. */
export function storableBytes(bytes: Uint8Array, maxBytes: number): string {
  const head = bytes.subarray(0, maxBytes);
  try {
    return escapeUnsafe(UTF8.decode(head));
  } catch {
    // A cut may split a multi-byte character: try again without a broken tail before falling back to hex.
    for (let drop = 1; drop <= 3 && drop < head.length && head.length === maxBytes; drop++) {
      try {
        return escapeUnsafe(UTF8.decode(head.subarray(0, head.length - drop)));
      } catch {
        /* keep trying */
      }
    }
    return `0x${Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('hex')}`;
  }
}

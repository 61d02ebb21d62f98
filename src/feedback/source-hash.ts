import { createHmac } from 'node:crypto';

/**
 * A pseudonym for the sender of a rating, good for one UTC day: HMAC of the address under a key
 * derived from a server secret and the date. Misuse filtering can link a day's ratings from one
 * phone; no one can turn it back into an address, nor link two days. The raw address is never stored.
 */
export function sourceHash(address: string, secret: string, at: Date): string {
  return createHmac('sha256', dailyKey(secret, at.toISOString().slice(0, 10)))
    .update(address.trim().toLowerCase())
    .digest('base64url')
    .slice(0, 22);
}

// The key changes once a day; deriving it once per day instead of once per rating halves the hashing.
let lastKey: { secret: string; day: string; key: Buffer } | undefined;
function dailyKey(secret: string, day: string): Buffer {
  if (lastKey?.secret !== secret || lastKey.day !== day) {
    lastKey = { secret, day, key: createHmac('sha256', secret).update(`source-salt:${day}`).digest() };
  }
  return lastKey.key;
}

import { createHmac } from 'node:crypto';

/**
 * A pseudonym for the sender of a rating, good for one UTC day: HMAC of the address under a key
 * derived from a server secret and the date. Misuse filtering can link a day's ratings from one
 * phone; no one can turn it back into an address, nor link two days. The raw address is never stored.
 */
export function sourceHash(address: string, secret: string, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  const dailyKey = createHmac('sha256', secret).update(`source-salt:${day}`).digest();
  return createHmac('sha256', dailyKey).update(address.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

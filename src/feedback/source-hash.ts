import { createHmac } from 'node:crypto';

/**
 * A pseudonym for the sender of a rating (an IP address or a device ref): HMAC of the normalised
 * address under the day's pseudonym key. Misuse filtering links one day's ratings from one phone
 * by it; the raw address is never stored.
 */
export function sourceHash(address: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(address.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

/**
 * The HMAC key for one UTC day, from that day's random salt (stored in the database, deleted when
 * the day is over) and a secret kept outside the database: neither alone reproduces a hash.
 */
export function pseudonymKey(secret: Uint8Array, salt: Uint8Array, day: string): Buffer {
  return createHmac('sha256', secret).update(`xla-pseudonym-key:${day}:`).update(salt).digest();
}

/** Stored next to the salt so an instance with another secret notices; says nothing about the secret itself. */
export function secretVerifier(secret: Uint8Array): string {
  return createHmac('sha256', secret).update('xla-pseudonym-verifier').digest('base64url');
}

/** The UTC day a pseudonym key belongs to, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The key of one client's staff-tag pseudonyms: stable (no daily salt), so a cleaner keeps one
 * pseudonym across days, and different per client, so two clients' pseudonyms cannot be linked.
 */
export function staffTagKey(secret: Uint8Array, clientId: string): Buffer {
  return createHmac('sha256', secret).update(`xla-staff-tag:${clientId}`).digest();
}

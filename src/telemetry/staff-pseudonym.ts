import { createHmac } from 'node:crypto';

/** How a pseudonymised staff tag starts, so a reader tells it from a real tag. */
export const STAFF_PSEUDONYM_PREFIX = 'staff-';

/**
 * A cleaner's check-in tag as shown to roles that may not see who cleaned: HMAC-SHA256 of the tag
 * under the client's staff-tag key, so one tag is one pseudonym and nobody without the key reverses it.
 */
export function staffPseudonym(tag: string, clientKey: Uint8Array): string {
  return STAFF_PSEUDONYM_PREFIX + createHmac('sha256', clientKey).update(tag).digest('hex').slice(0, 12);
}

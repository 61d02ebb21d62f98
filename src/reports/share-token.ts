import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Share-link tokens: `<id>.<expiry>.<signature>`, the link's uuid as 22 base64url characters, its
 * expiry in epoch seconds (base 36) and an HMAC-SHA256 of both, cut to 128 bits. A token whose
 * signature does not verify, or whose expiry has passed, is refused before the database is asked;
 * revocation is the row's.
 */
export interface ShareTokenClaims {
  id: string;
  expiresAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{22})$/;

const signature = (secret: string, id: string, expiresS: number): Buffer => createHmac('sha256', secret).update(`share-link:${id}:${expiresS}`).digest().subarray(0, 16);

export function signShareToken(secret: string, claims: ShareTokenClaims): string {
  if (!UUID.test(claims.id)) throw new Error(`not a uuid: ${claims.id}`);
  const expiresS = Math.floor(claims.expiresAt.getTime() / 1000);
  const id = Buffer.from(claims.id.replaceAll('-', ''), 'hex').toString('base64url');
  return `${id}.${expiresS.toString(36)}.${signature(secret, claims.id, expiresS).toString('base64url')}`;
}

/** The claims of a token signed with `secret` that has not expired at `now`; undefined for anything else. */
export function verifyShareToken(secret: string, token: string, now: Date): ShareTokenClaims | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const raw = Buffer.from(match[1], 'base64url');
  if (raw.length !== 16 || raw.toString('base64url') !== match[1]) return undefined;
  const hex = raw.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const expiresS = parseInt(match[2], 36);
  const given = Buffer.from(match[3], 'base64url');
  if (given.length !== 16 || !timingSafeEqual(given, signature(secret, id, expiresS))) return undefined;
  const expiresAt = new Date(expiresS * 1000);
  return expiresAt.getTime() > now.getTime() ? { id, expiresAt } : undefined;
}

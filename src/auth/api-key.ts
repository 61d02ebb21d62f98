import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'xla_';

export interface NewApiKey {
  /** Shown once to the person who created it, never stored. */
  secret: string;
  prefix: string;
  hash: string;
}

/** A new API key: 256 random bits, base64url, recognisable by its "xla_" prefix. */
export function generateApiKey(): NewApiKey {
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, KEY_PREFIX.length + 6), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(hashApiKey(given), 'hex');
  const b = Buffer.from(hashApiKey(expected), 'hex');
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N (CPU and memory), r (block size), p (parallelism); stored with each hash so it can be raised later. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** Node's defaults (16 MiB, tens of milliseconds): slow enough against guessing a leaked hash, cheap for one connect. */
export const DEVICE_SECRET_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** A stored hash may not ask for more than this (in bytes of memory), so a tampered row cannot exhaust the process. */
const MAX_MEMORY = 64 * 1024 * 1024;
const STORED = /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

/** A new device secret: 256 random bits, base64url (43 characters). */
export function generateDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash`, with a fresh random salt. */
export async function hashDeviceSecret(secret: string, cost: ScryptCost = DEVICE_SECRET_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether the secret matches the stored hash; a malformed or out-of-bounds stored value never matches. */
export async function verifyDeviceSecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const actual = await derive(secret, parsed.salt, parsed.cost);
  return timingSafeEqual(actual, parsed.hash);
}

function parseStored(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const match = STORED.exec(stored);
  if (!match) return undefined;
  const [N, r, p] = [match[1], match[2], match[3]].map(Number);
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r < 1 || p < 1 || 128 * N * r * p > MAX_MEMORY) return undefined;
  return { cost: { N, r, p }, salt: Buffer.from(match[4], 'base64url'), hash: Buffer.from(match[5], 'base64url') };
}

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

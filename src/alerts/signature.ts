import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook delivery: the receiver checks the signature and drops a repeated id. */
export const SIGNATURE_HEADER = 'x-xla-signature';
export const TIMESTAMP_HEADER = 'x-xla-timestamp';
export const DELIVERY_ID_HEADER = 'x-xla-delivery';

/** `sha256=` and the hex HMAC-SHA256 of "<timestamp>.<body>" under the secret (as Stripe and Slack sign: a replayed body with a new timestamp fails). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether a delivery's signature is the secret's, and its timestamp within `toleranceS` of now. */
export function verifySignature(secret: string, timestamp: number, body: string, given: string, nowS: number, toleranceS = 300): boolean {
  if (!Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > toleranceS) return false;
  const expected = Buffer.from(signature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The wait before retry `attempt` (1 for the first retry): doubling from 2 s, at most 15 minutes. */
export const retryDelayMs = (attempt: number): number => Math.min(15 * 60_000, 2_000 * 2 ** Math.max(0, attempt - 1));

import { createHmac } from 'node:crypto';
import { retryDelayMs, signature, verifySignature } from './signature';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as a receiver computes it on its own', () => {
    const body = '{"id":"d1","kind":"opened"}';
    const expected = createHmac('sha256', 'hush').update(`1796169600.${body}`).digest('hex');
    expect(signature('hush', 1796169600, body)).toBe(`sha256=${expected}`);
    // A known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") from RFC 4231's companion examples.
    expect(createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('verifies its own signature, and refuses another body, secret or an old timestamp', () => {
    const sig = signature('hush', 1000, 'body');
    expect(verifySignature('hush', 1000, 'body', sig, 1010)).toBe(true);
    expect(verifySignature('hush', 1000, 'body!', sig, 1010)).toBe(false);
    expect(verifySignature('other', 1000, 'body', sig, 1010)).toBe(false);
    expect(verifySignature('hush', 1000, 'body', sig, 2000)).toBe(false);
    expect(verifySignature('hush', 1000, 'body', 'sha256=00', 1010)).toBe(false);
  });

  it('backs off from 2 s, doubling, to at most 15 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30)).toBe(15 * 60_000);
  });
});

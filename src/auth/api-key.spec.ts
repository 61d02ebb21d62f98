import { bearerToken, generateApiKey, hashApiKey, sameSecret } from './api-key';

describe('api-key', () => {
  it('makes distinct, prefixed keys whose hash is not the key', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.secret).toMatch(/^xla_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toEqual(b.secret);
    expect(a.hash).toEqual(hashApiKey(a.secret));
    expect(a.hash).not.toContain(a.secret);
    expect(a.secret.startsWith(a.prefix)).toBe(true);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it.each([
    ['Bearer xla_abc', 'xla_abc'],
    ['bearer   xla_abc ', 'xla_abc'],
    ['Basic xla_abc', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('reads the bearer token of %p', (header, expected) => {
    expect(bearerToken(header)).toEqual(expected);
  });
});

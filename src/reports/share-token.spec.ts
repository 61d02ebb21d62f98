import { signShareToken, verifyShareToken } from './share-token';

const SECRET = 'a-secret-of-the-database-only-32bytes';
const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
const now = new Date('2026-12-02T10:00:00Z');
const expiresAt = new Date('2026-12-31T10:00:00Z');

describe('share tokens', () => {
  const token = signShareToken(SECRET, { id, expiresAt });

  it('carries the id and the expiry, and verifies until it expires', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyShareToken(SECRET, token, now)).toEqual({ id, expiresAt });
    expect(verifyShareToken(SECRET, token, new Date('2026-12-31T09:59:59Z'))).toEqual({ id, expiresAt });
    expect(verifyShareToken(SECRET, token, expiresAt)).toBeUndefined();
  });

  it('refuses another secret, a changed expiry, a changed id and a changed signature', () => {
    expect(verifyShareToken('another-secret', token, now)).toBeUndefined();
    const [i, e, s] = token.split('.');
    expect(verifyShareToken(SECRET, `${i}.${(parseInt(e, 36) + 86_400).toString(36)}.${s}`, now)).toBeUndefined();
    const otherId = signShareToken(SECRET, { id: '1f8fad5b-d9cb-469f-a165-70867728950e', expiresAt }).split('.')[0];
    expect(verifyShareToken(SECRET, `${otherId}.${e}.${s}`, now)).toBeUndefined();
    const flipped = `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyShareToken(SECRET, `${i}.${e}.${flipped}`, now)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['no dots', 'abc'],
    ['NUL bytes', `${token}\u0000`],
    ['a lone surrogate', `${token.slice(0, -1)}\ud800`],
    ['a huge expiry', `${token.split('.')[0]}.zzzzzzzzzzzz.${token.split('.')[2]}`],
    ['a uuid instead', id],
    ['very long', 'a'.repeat(10_000)],
  ])('refuses %s', (_what, bad) => {
    expect(verifyShareToken(SECRET, bad, now)).toBeUndefined();
  });

  it('refuses to sign what is not a uuid', () => {
    expect(() => signShareToken(SECRET, { id: 'x', expiresAt })).toThrow('not a uuid');
  });
});

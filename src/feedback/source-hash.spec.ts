import { pseudonymKey, secretVerifier, sourceHash, utcDay } from './source-hash';

const bytes = (fill: number) => Buffer.alloc(32, fill);

describe(sourceHash.name, () => {
  const key = pseudonymKey(bytes(1), bytes(2), '2026-11-23');

  it('gives one address one pseudonym under one key, and hides the address', () => {
    const sut = sourceHash('192.0.2.17', key);
    expect(sourceHash('192.0.2.17', key)).toBe(sut);
    expect(sut).not.toContain('192');
    expect(sut).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('normalises case and surrounding space, so a device ref hashes the same however it is written', () => {
    expect(sourceHash(' 2001:DB8::1 ', key)).toBe(sourceHash('2001:db8::1', key));
  });

  it('gives two addresses two pseudonyms', () => {
    expect(sourceHash('192.0.2.18', key)).not.toBe(sourceHash('192.0.2.17', key));
  });

  it('changes with the key', () => {
    expect(sourceHash('192.0.2.17', pseudonymKey(bytes(1), bytes(3), '2026-11-23'))).not.toBe(sourceHash('192.0.2.17', key));
  });
});

describe(pseudonymKey.name, () => {
  const secret = bytes(1);
  const salt = bytes(2);

  it('is stable for the same secret, salt and day', () => {
    expect(pseudonymKey(secret, salt, '2026-11-23')).toEqual(pseudonymKey(Buffer.from(secret), Buffer.from(salt), '2026-11-23'));
    expect(pseudonymKey(secret, salt, '2026-11-23')).toHaveLength(32);
  });

  it('depends on the secret, the salt and the day', () => {
    const sut = pseudonymKey(secret, salt, '2026-11-23');
    expect(pseudonymKey(bytes(9), salt, '2026-11-23')).not.toEqual(sut);
    expect(pseudonymKey(secret, bytes(9), '2026-11-23')).not.toEqual(sut);
    expect(pseudonymKey(secret, salt, '2026-11-24')).not.toEqual(sut);
  });

  it('is neither the salt nor the secret used directly as the key', () => {
    const sut = pseudonymKey(secret, salt, '2026-11-23');
    expect(sourceHash('192.0.2.17', sut)).not.toBe(sourceHash('192.0.2.17', salt));
    expect(sourceHash('192.0.2.17', sut)).not.toBe(sourceHash('192.0.2.17', secret));
  });
});

describe(secretVerifier.name, () => {
  it('tells two secrets apart and does not contain the secret', () => {
    const secret = Buffer.from('a-pseudonym-secret-of-32-characters!');
    const sut = secretVerifier(secret);
    expect(secretVerifier(Buffer.from(secret))).toBe(sut);
    expect(secretVerifier(Buffer.from('another-pseudonym-secret-of-32-chars'))).not.toBe(sut);
    expect(sut).not.toContain(secret.toString('base64url').slice(0, 8));
  });
});

describe(utcDay.name, () => {
  it('is the UTC date, whatever the local time zone would say', () => {
    expect(utcDay(new Date('2026-11-23T23:59:59.999Z'))).toBe('2026-11-23');
    expect(utcDay(new Date('2026-11-24T00:00:00+01:00'))).toBe('2026-11-23');
    expect(utcDay(new Date('2026-11-24T00:00:00Z'))).toBe('2026-11-24');
  });
});

import fc from 'fast-check';
import { DEVICE_SECRET_COST, generateDeviceSecret, hashDeviceSecret, verifyDeviceSecret } from './device-secret';

/** A cheap cost, so the property runs stay fast; the default cost is checked once. */
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('device-secret', () => {
  it('makes distinct secrets of 256 random bits, base64url', () => {
    const a = generateDeviceSecret();
    const b = generateDeviceSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toEqual(b);
  });

  it('stores the algorithm, its cost and a salt with the hash, and never the secret', async () => {
    const secret = generateDeviceSecret();
    const sut = await hashDeviceSecret(secret);
    const { N, r, p } = DEVICE_SECRET_COST;
    expect(sut).toMatch(new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(sut).not.toContain(secret);
    await expect(verifyDeviceSecret(secret, sut)).resolves.toBe(true);
  });

  it('salts every hash: the same secret hashes differently, and each verifies', async () => {
    const secret = generateDeviceSecret();
    const [a, b] = await Promise.all([hashDeviceSecret(secret, CHEAP), hashDeviceSecret(secret, CHEAP)]);
    expect(a).not.toEqual(b);
    await expect(verifyDeviceSecret(secret, a)).resolves.toBe(true);
    await expect(verifyDeviceSecret(secret, b)).resolves.toBe(true);
  });

  it('verifies with the cost stored in the hash, not the current default', async () => {
    const secret = generateDeviceSecret();
    const sut = await hashDeviceSecret(secret, { N: 2048, r: 4, p: 2 });
    expect(sut.startsWith('scrypt$2048$4$2$')).toBe(true);
    await expect(verifyDeviceSecret(secret, sut)).resolves.toBe(true);
  });

  it('refuses any other secret', async () => {
    const secret = generateDeviceSecret();
    const stored = await hashDeviceSecret(secret, CHEAP);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (other) => {
        fc.pre(other !== secret);
        await expect(verifyDeviceSecret(other, stored)).resolves.toBe(false);
      }),
      { numRuns: 30 },
    );
    await expect(verifyDeviceSecret(`${secret}x`, stored)).resolves.toBe(false);
    await expect(verifyDeviceSecret(secret.slice(1), stored)).resolves.toBe(false);
  });

  it('refuses a malformed stored value, or one asking for an absurd cost, without throwing', async () => {
    const secret = generateDeviceSecret();
    const good = await hashDeviceSecret(secret, CHEAP);
    const [, , , , salt, hash] = good.split('$');
    const bad = [
      '',
      secret,
      good.replace('scrypt', 'bcrypt'),
      `scrypt$1000$8$1$${salt}$${hash}`,
      `scrypt$1048576$8$16$${salt}$${hash}`,
      `scrypt$1024$0$1$${salt}$${hash}`,
      `scrypt$1024$8$1$${salt}$${hash.slice(1)}`,
      `scrypt$1024$8$1$$${hash}`,
    ];
    for (const stored of bad) await expect(verifyDeviceSecret(secret, stored)).resolves.toBe(false);
    await fc.assert(
      fc.asyncProperty(fc.string(), async (stored) => {
        await expect(verifyDeviceSecret(secret, stored)).resolves.toBe(false);
      }),
    );
  });
});

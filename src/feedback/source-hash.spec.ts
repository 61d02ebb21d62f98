import { sourceHash } from './source-hash';

describe(sourceHash.name, () => {
  const secret = 'server-secret-for-tests';
  const morning = new Date('2026-11-23T06:00:00Z');
  const evening = new Date('2026-11-23T22:00:00Z');
  const nextDay = new Date('2026-11-24T06:00:00Z');

  it('links one address within a day and hides the address', () => {
    const sut = sourceHash('192.0.2.17', secret, morning);
    expect(sourceHash('192.0.2.17', secret, evening)).toBe(sut);
    expect(sut).not.toContain('192');
    expect(sut).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('cannot link the same address across days, nor two addresses', () => {
    expect(sourceHash('192.0.2.17', secret, nextDay)).not.toBe(sourceHash('192.0.2.17', secret, morning));
    expect(sourceHash('192.0.2.18', secret, morning)).not.toBe(sourceHash('192.0.2.17', secret, morning));
  });

  it('depends on the server secret', () => {
    expect(sourceHash('2001:db8::1', 'another-secret', morning)).not.toBe(sourceHash('2001:db8::1', secret, morning));
  });
});

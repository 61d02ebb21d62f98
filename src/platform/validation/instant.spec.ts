import { isoInstant, isoOrEpochMsInstant, isSaneInstantMs } from './instant';

describe('sane instants', () => {
  it.each([
    [Date.UTC(2026, 10, 30), true],
    [0, true],
    [-1, false],
    [Date.UTC(2200, 0, 1), false],
    [8.64e15 + 1, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('%p is sane: %p', (ms, sane) => {
    expect(isSaneInstantMs(ms)).toBe(sane);
  });

  it.each(['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2200-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'yesterday'])('refuses %p', (text) => {
    expect(isoInstant.safeParse(text).success).toBe(false);
  });

  it('takes ISO times with a zone and epoch milliseconds in range', () => {
    expect(isoInstant.parse('2026-11-30T08:00:00+01:00').toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(isoOrEpochMsInstant.parse(Date.UTC(2026, 0, 1)).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    for (const ms of [1e300, Number.MAX_SAFE_INTEGER, 8.64e15 + 1]) expect(isoOrEpochMsInstant.safeParse(ms).success).toBe(false);
  });
});

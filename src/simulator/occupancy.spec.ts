import { localTime } from './local-time';
import { occupancy } from './occupancy';
import { siteFactory } from './test-sites';

const HOUR = 3_600_000;

/** Occupancy for every hour of a week starting at a UTC instant, with the local time of each. */
function week(startUtc: string, timeZone: string) {
  const sut = siteFactory({ timeZone });
  return Array.from({ length: 7 * 24 }, (_, i) => {
    const at = new Date(Date.parse(startUtc) + i * HOUR);
    return { at, local: localTime(at, timeZone), level: occupancy(at, sut) };
  });
}

describe(occupancy.name, () => {
  it.each(['Europe/Stockholm', 'America/New_York', 'Asia/Singapore', 'Australia/Sydney'])(
    'peaks in local working hours and is zero at night and at the weekend in %s',
    (timeZone) => {
      const hours = week('2026-11-16T00:00:00Z', timeZone);
      const byDate = new Map<string, typeof hours>();
      for (const h of hours) byDate.set(h.local.date, [...(byDate.get(h.local.date) ?? []), h]);
      let workdays = 0;
      for (const day of byDate.values()) {
        if (day.length < 24) continue;
        const { weekday } = day[0].local;
        if (weekday === 'sat' || weekday === 'sun') {
          expect(day.every((h) => h.level === 0)).toBe(true);
          continue;
        }
        workdays++;
        const peak = day.reduce((a, b) => (b.level > a.level ? b : a));
        expect(peak.local.hour).toBeGreaterThanOrEqual(9);
        expect(peak.local.hour).toBeLessThanOrEqual(14);
        expect(peak.level).toBeGreaterThan(0.7);
        expect(day.filter((h) => h.local.hour < 6 || h.local.hour >= 20).every((h) => h.level === 0)).toBe(true);
      }
      expect(workdays).toBeGreaterThanOrEqual(4);
    },
  );

  it('follows the local clock across the spring DST change: opening moves an hour earlier in UTC', () => {
    const sut = siteFactory({ timeZone: 'Europe/Stockholm' });
    // Thursday before the change (CET, UTC+1) and Monday after it (CEST, UTC+2); the site opens at 07:00 local.
    expect(occupancy(new Date('2026-03-26T05:30:00Z'), sut)).toBe(0); // 06:30 CET
    expect(occupancy(new Date('2026-03-30T05:30:00Z'), sut)).toBeGreaterThan(0); // 07:30 CEST
    expect(occupancy(new Date('2026-03-26T09:00:00Z'), sut)).toBeCloseTo(occupancy(new Date('2026-03-30T08:00:00Z'), sut), 6); // 10:00 local both days (Thursday and Monday weigh the same)
    const sunday = week('2026-03-28T23:00:00Z', 'Europe/Stockholm').slice(0, 23);
    expect(sunday.every((h) => h.local.weekday === 'sun' && h.level === 0)).toBe(true);
  });

  it('follows the local clock across the autumn DST change in the southern hemisphere (Sydney, 5 April 2026)', () => {
    const sut = siteFactory({ timeZone: 'Australia/Sydney' });
    // Friday 3 April 10:00 AEDT (UTC+11) and Monday 6 April 10:00 AEST (UTC+10): the same local hour, an hour apart in UTC.
    expect(localTime(new Date('2026-04-02T23:00:00Z'), 'Australia/Sydney')).toMatchObject({ weekday: 'fri', hour: 10 });
    expect(localTime(new Date('2026-04-06T00:00:00Z'), 'Australia/Sydney')).toMatchObject({ weekday: 'mon', hour: 10 });
    expect(occupancy(new Date('2026-04-06T00:00:00Z'), sut)).toBeGreaterThan(0.9);
    expect(occupancy(new Date('2026-04-05T20:30:00Z'), sut)).toBe(0); // 06:30 AEST Monday, before opening
  });

  it('is zero on a holiday of the site', () => {
    const sut = siteFactory({ timeZone: 'Europe/Stockholm', holidays: ['2026-12-24'] });
    expect(occupancy(new Date('2026-12-24T09:00:00Z'), sut)).toBe(0);
    expect(occupancy(new Date('2026-12-23T09:00:00Z'), sut)).toBeGreaterThan(0.9);
  });
});

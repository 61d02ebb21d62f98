import type { CleaningPlan } from '../catalog/catalog.types';
import { CleaningCrew, DEFAULT_PLAN, planOf, roundHours, type CheckIn } from './cleaner';
import { localTime } from './local-time';
import { isOpenAtLocal } from './occupancy';
import { Prng } from './prng';
import { siteFactory } from './test-sites';

const MINUTE = 60_000;
const EVERY_4H: CleaningPlan = { scheduled: { everyS: 4 * 3600, graceS: 30 * 60 } };
const KITCHEN: CleaningPlan = { scheduled: { times: ['08:00', '12:30', '15:30'], graceS: 30 * 60 } };
const RESTROOM: CleaningPlan = { usage: { visits: 40, maxIntervalS: 4 * 3600, respondWithinS: 30 * 60 } };

/** Steps a crew minute by minute; `visitsPerMinute` people come through each zone while the site is open. */
function runCrew(plans: CleaningPlan[], options: { timeZone: string; fromUtc: string; days: number; seed?: number; visitsPerMinute?: number }) {
  const site = siteFactory({ timeZone: options.timeZone });
  const sut = new CleaningCrew(site, plans, ['cleaner-a', 'cleaner-b'], new Prng(options.seed ?? 11));
  const checkIns: CheckIn[] = [];
  const start = Date.parse(options.fromUtc);
  for (let t = start; t < start + options.days * 1440 * MINUTE; t += MINUTE) {
    if (options.visitsPerMinute && isOpenAtLocal(localTime(new Date(t), site.timeZone), site)) {
      plans.forEach((_, zoneIndex) => sut.countVisits(zoneIndex, options.visitsPerMinute!));
    }
    checkIns.push(...sut.step(new Date(t), new Date(t + MINUTE)));
  }
  return { sut, checkIns, site };
}

describe(roundHours.name, () => {
  it('puts rounds at each opening and every interval after it, and at the fixed times within opening hours', () => {
    expect(roundHours({ everyS: 4 * 3600, graceS: 0 }, [['07:00', '18:00']])).toEqual([7, 11, 15]);
    expect(roundHours({ everyS: 3 * 3600, graceS: 0 }, [['07:00', '11:00'], ['13:00', '17:00']])).toEqual([7, 10, 13, 16]);
    expect(roundHours({ times: ['08:00', '12:30', '15:30', '19:00'], graceS: 0 }, [['07:00', '18:00']])).toEqual([8, 12.5, 15.5]);
    expect(roundHours({ everyS: 4 * 3600, times: ['07:00', '09:00'], graceS: 0 }, [['07:00', '12:00']])).toEqual([7, 9, 11]);
    expect(roundHours({ everyS: 4 * 3600, graceS: 0 }, [])).toEqual([]);
  });
});

describe(planOf.name, () => {
  it("takes the zone's own plan, else its site's for its type, else rounds every four hours", () => {
    const site = { cleaning: { restroom: RESTROOM } };
    expect(planOf(site, { type: 'restroom', cleaning: KITCHEN })).toBe(KITCHEN);
    expect(planOf(site, { type: 'restroom' })).toBe(RESTROOM);
    expect(planOf(site, { type: 'kitchen' })).toBe(DEFAULT_PLAN);
  });
});

describe(CleaningCrew.name, () => {
  it('plans scheduled rounds in local time on open days only, zones due at the same time walked in one round', () => {
    // Monday 16 to Sunday 22 November 2026 in Oslo; the generated site opens 07:00-18:00 Mon-Thu, 07:00-16:00 Fri.
    const { sut } = runCrew([EVERY_4H, KITCHEN, EVERY_4H], { timeZone: 'Europe/Oslo', fromUtc: '2026-11-15T23:00:00Z', days: 7 });
    const planned = sut.rounds.map((r) => `${localTime(r.plannedAt, 'Europe/Oslo').weekday} ${localTime(r.plannedAt, 'Europe/Oslo').hour} ${r.zoneIndexes.join('+')}`);
    const day = (d: string) => [`${d} 7 0+2`, `${d} 8 1`, `${d} 11 0+2`, `${d} 12.5 1`, `${d} 15 0+2`, `${d} 15.5 1`];
    expect(planned).toEqual(['mon', 'tue', 'wed', 'thu', 'fri'].flatMap(day));
    expect(sut.rounds.every((r) => r.origin === 'schedule')).toBe(true);
  });

  it('does scheduled rounds mostly within grace, some late, a few missed; never early', () => {
    const { sut, checkIns } = runCrew([EVERY_4H, EVERY_4H, EVERY_4H], { timeZone: 'America/New_York', fromUtc: '2026-11-02T05:00:00Z', days: 28 });
    const withinGrace = sut.rounds.filter((r) => r.lateMinutes !== null && r.lateMinutes <= 30);
    const late = sut.rounds.filter((r) => r.lateMinutes !== null && r.lateMinutes > 30);
    const missed = sut.rounds.filter((r) => r.lateMinutes === null);
    expect(withinGrace.length).toBeGreaterThan(sut.rounds.length * 0.6);
    expect(late.length).toBeGreaterThan(0);
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.length).toBeLessThan(sut.rounds.length * 0.15);
    // Every zone of every round that happened is checked in once, at or after the planned time, by the round's cleaner.
    expect(checkIns).toHaveLength((sut.rounds.length - missed.length) * 3);
    for (const round of sut.rounds.filter((r) => r.lateMinutes !== null)) {
      const ofRound = checkIns.filter((c) => c.tag === round.tag && c.at >= round.plannedAt && c.at.getTime() <= round.plannedAt.getTime() + (round.lateMinutes! + 10) * MINUTE);
      expect(ofRound.map((c) => c.zoneIndex).sort()).toEqual([0, 1, 2]);
    }
    expect(sut.lastMissedAt(0)).toEqual(missed.at(-1)!.plannedAt);
  });

  it('answers a usage zone after about its number of visitors, usually within the response time, sometimes late, now and then not', () => {
    // Two visitors a minute: forty in twenty minutes.
    const { sut, checkIns } = runCrew([RESTROOM], { timeZone: 'Europe/Stockholm', fromUtc: '2026-11-01T23:00:00Z', days: 14, visitsPerMinute: 2 });
    const calls = sut.rounds.filter((r) => r.origin === 'usage');
    expect(calls.length).toBeGreaterThan(10 * 8);
    const answered = calls.filter((r) => r.lateMinutes !== null);
    const late = answered.filter((r) => r.lateMinutes! > 30);
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThan(answered.length / 3);
    expect(calls.length - answered.length).toBeGreaterThan(0);
    expect(calls.length - answered.length).toBeLessThan(calls.length / 8);
    expect(checkIns).toHaveLength(answered.length);
    // A call goes out twenty minutes (forty visitors) after the opening or the last clean, never sooner.
    for (const call of calls) {
      const local = localTime(call.plannedAt, 'Europe/Stockholm');
      const previous = checkIns.filter((c) => c.at < call.plannedAt).at(-1);
      const since = previous && localTime(previous.at, 'Europe/Stockholm').date === local.date ? (call.plannedAt.getTime() - previous.at.getTime()) / MINUTE : (local.hour - 7) * 60;
      expect(since).toBeGreaterThanOrEqual(19.99);
    }
  });

  it('cleans a usage zone that nobody visits after its longest interval of open time', () => {
    const { sut, checkIns } = runCrew([RESTROOM], { timeZone: 'Europe/Stockholm', fromUtc: '2026-11-17T23:00:00Z', days: 1 });
    const hours = sut.rounds.map((r) => localTime(r.plannedAt, 'Europe/Stockholm').hour);
    // Wednesday 07:00-18:00: four hours from the opening, then four hours from each clean.
    expect(hours[0]).toBeCloseTo(11, 1);
    expect(hours.length).toBeGreaterThanOrEqual(2);
    expect(checkIns.length).toBeGreaterThanOrEqual(1);
  });

  it('calls at an on-demand zone only occasionally, and only while the site is open', () => {
    const { sut, checkIns, site } = runCrew([{ onDemand: true }], { timeZone: 'Europe/Stockholm', fromUtc: '2026-11-01T23:00:00Z', days: 28 });
    // Twenty working days of about eleven hours, at about one call-out a day.
    expect(sut.rounds.length).toBeGreaterThan(5);
    expect(sut.rounds.length).toBeLessThan(45);
    expect(sut.rounds.every((r) => r.origin === 'onDemand' && isOpenAtLocal(localTime(r.plannedAt, site.timeZone), site))).toBe(true);
    expect(checkIns).toHaveLength(sut.rounds.length);
  });

  it('repeats exactly with the same seed', () => {
    const a = runCrew([RESTROOM, KITCHEN, { onDemand: true }], { timeZone: 'Europe/Oslo', fromUtc: '2026-11-16T05:00:00Z', days: 2, visitsPerMinute: 1 });
    const b = runCrew([RESTROOM, KITCHEN, { onDemand: true }], { timeZone: 'Europe/Oslo', fromUtc: '2026-11-16T05:00:00Z', days: 2, visitsPerMinute: 1 });
    expect(b.checkIns).toEqual(a.checkIns);
    expect(a.checkIns.length).toBeGreaterThan(10);
  });
});

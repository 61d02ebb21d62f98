import fc from 'fast-check';
import { DEFAULT_MISUSE_POLICY, judgeRating, type RatingEvent } from './misuse-filter';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const qr = (at: number, source = 'phone-a', touchpointId = 'tp-1'): RatingEvent => ({ touchpointId, kind: 'qr', source, at: new Date(at) });
const kiosk = (at: number, source = 'kiosk-1'): RatingEvent => ({ touchpointId: 'kiosk-tp', kind: 'kiosk', source, at: new Date(at) });

/** Judges a sequence in order, as the service does, each against all before it. */
function judgeAll(events: RatingEvent[]) {
  return events.map((event, i) => judgeRating(event, events.slice(0, i)));
}

describe(judgeRating.name, () => {
  it('counts an ordinary rating', () => {
    expect(judgeRating(qr(T0), [])).toBeUndefined();
  });

  it('excludes kiosk presses within the repeat interval, and counts the next visitor', () => {
    expect(judgeAll([kiosk(T0), kiosk(T0 + 1_000), kiosk(T0 + 2_500), kiosk(T0 + 6_000)])).toEqual([undefined, 'kiosk_repeat', 'kiosk_repeat', undefined]);
  });

  it('stores a burst of 50 taps in 10 s from one source as excluded, keeping the first few', () => {
    const taps = Array.from({ length: 50 }, (_, i) => qr(T0 + i * 200));
    const verdicts = judgeAll(taps);
    expect(verdicts.slice(0, DEFAULT_MISUSE_POLICY.burstMax)).toEqual([undefined, undefined, undefined]);
    expect(verdicts.slice(DEFAULT_MISUSE_POLICY.burstMax).every((v) => v === 'burst')).toBe(true);
  });

  it('does not hold one person against another on the same QR code', () => {
    const people = Array.from({ length: 10 }, (_, i) => qr(T0 + i * 1_000, `phone-${i}`));
    expect(judgeAll(people).every((v) => v === undefined)).toBe(true);
  });

  it('never caps a busy kiosk by its daily volume', () => {
    const presses = Array.from({ length: 200 }, (_, i) => kiosk(T0 + i * 60_000));
    expect(judgeAll(presses).every((v) => v === undefined)).toBe(true);
  });

  it('caps one source at the daily limit across touchpoints', () => {
    const day = Array.from({ length: 25 }, (_, i) => qr(T0 + i * 30 * 60_000, 'phone-a', `tp-${i}`));
    const verdicts = judgeAll(day);
    expect(verdicts.filter((v) => v === undefined)).toHaveLength(DEFAULT_MISUSE_POLICY.dailyCap);
    expect(verdicts.slice(DEFAULT_MISUSE_POLICY.dailyCap).every((v) => v === 'daily_cap')).toBe(true);
  });

  it('forgets ratings older than 24 hours', () => {
    const yesterday = Array.from({ length: 30 }, (_, i) => qr(T0 + i * 1_000, 'phone-a', `tp-${i}`));
    expect(judgeRating(qr(T0 + 25 * 60 * 60_000), yesterday)).toBeUndefined();
  });

  it('never counts more than burstMax per source and QR touchpoint in one window', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 120_000 }), source: fc.constantFrom('a', 'b') }), { maxLength: 40 }), (steps) => {
        let t = T0;
        const events = steps.map((s) => qr((t += s.dt), s.source));
        const counted = events.filter((_, i) => judgeAll(events)[i] === undefined);
        for (const e of counted) {
          const inWindow = counted.filter((o) => o.source === e.source && o.at.getTime() <= e.at.getTime() && e.at.getTime() - o.at.getTime() < DEFAULT_MISUSE_POLICY.burstWindowMs);
          expect(inWindow.length).toBeLessThanOrEqual(DEFAULT_MISUSE_POLICY.burstMax);
        }
      }),
      { numRuns: 100 },
    );
  });
});

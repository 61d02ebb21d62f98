import { CleaningCrew } from './cleaner';
import { localTime } from './local-time';
import { Prng } from './prng';
import { siteFactory } from './test-sites';

const MINUTE = 60_000;

function runCrew(timeZone: string, fromUtc: string, days: number, seed = 11) {
  const site = siteFactory({ timeZone });
  const sut = new CleaningCrew(site, 3, ['cleaner-a', 'cleaner-b'], new Prng(seed));
  const checkIns = [];
  const start = Date.parse(fromUtc);
  for (let t = start; t < start + days * 1440 * MINUTE; t += MINUTE) checkIns.push(...sut.step(new Date(t), new Date(t + MINUTE)));
  return { sut, checkIns };
}

describe(CleaningCrew.name, () => {
  it('plans rounds at opening and every four hours, in local time, on open days only', () => {
    // Monday 16 to Sunday 22 November 2026 in Oslo; the generated site opens 07:00-18:00 Mon-Thu, 07:00-16:00 Fri.
    const { sut } = runCrew('Europe/Oslo', '2026-11-15T23:00:00Z', 7);
    const planned = sut.rounds.map((r) => localTime(r.plannedAt, 'Europe/Oslo'));
    expect(planned.map((p) => `${p.weekday} ${p.hour}`)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri'].flatMap((d) => [`${d} 7`, `${d} 11`, `${d} 15`]));
  });

  it('is usually on time, sometimes late, now and then missed; never early', () => {
    const { sut, checkIns } = runCrew('America/New_York', '2026-11-02T05:00:00Z', 28);
    const late = sut.rounds.filter((r) => r.lateMinutes !== null && r.lateMinutes > 15);
    const missed = sut.rounds.filter((r) => r.lateMinutes === null);
    const onTime = sut.rounds.filter((r) => r.lateMinutes !== null && r.lateMinutes <= 15);
    expect(onTime.length).toBeGreaterThan(sut.rounds.length / 2);
    expect(late.length).toBeGreaterThan(0);
    expect(missed.length).toBeGreaterThan(0);
    // Every zone of every round that happened is checked in once, at or after the planned time, by the round's cleaner.
    expect(checkIns).toHaveLength((sut.rounds.length - missed.length) * 3);
    for (const round of sut.rounds.filter((r) => r.lateMinutes !== null)) {
      const ofRound = checkIns.filter((c) => c.tag === round.tag && c.at >= round.plannedAt && c.at.getTime() <= round.plannedAt.getTime() + (round.lateMinutes! + 10) * MINUTE);
      expect(ofRound.map((c) => c.zoneIndex).sort()).toEqual([0, 1, 2]);
    }
  });
});

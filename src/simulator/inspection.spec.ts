import { inspect, PASS_SCORE, type ZoneFindings } from './inspection';
import { Prng } from './prng';

const KEPT: ZoneFindings = { missedRecently: false, dispenserEmpty: false, binFull: false };

/** Mean score and pass share of many inspections of a zone in this state. */
function survey(findings: ZoneFindings, n = 4_000) {
  const prng = new Prng(8);
  const scores: number[] = [];
  const passes: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const result = inspect(prng, findings);
    if ('score' in result) scores.push(result.score);
    else passes.push(result.passed);
  }
  return { scores, passes, mean: scores.reduce((a, b) => a + b, 0) / scores.length, passRate: passes.filter(Boolean).length / passes.length };
}

describe(inspect.name, () => {
  it('scores a looked-after zone high, whole numbers from 0 to 100, and now and then is a pass/fail checklist', () => {
    const { scores, passes, mean, passRate } = survey(KEPT);
    expect(mean).toBeGreaterThan(84);
    expect(mean).toBeLessThan(92);
    expect(scores.every((s) => Number.isInteger(s) && s >= 0 && s <= 100)).toBe(true);
    expect(passes.length / (passes.length + scores.length)).toBeCloseTo(0.25, 1);
    expect(passRate).toBeGreaterThan(0.95);
  });

  it('scores lower after a missed clean, lower still with an empty dispenser and a full bin', () => {
    const kept = survey(KEPT);
    const missed = survey({ ...KEPT, missedRecently: true });
    const neglected = survey({ missedRecently: true, dispenserEmpty: true, binFull: true });
    expect(missed.mean).toBeLessThan(kept.mean - 12);
    expect(neglected.mean).toBeLessThan(missed.mean - 12);
    expect(neglected.passRate).toBeLessThan(0.2);
    expect(Math.min(...neglected.scores)).toBeLessThan(PASS_SCORE);
  });
});

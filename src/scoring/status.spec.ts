import fc from 'fast-check';
import { countsOf, figureOf } from './indicators';
import { SEVERITY, statusOf, withinMargin } from './status';

/** csat with `bad` non-positive ratings out of `rated`. */
const csat = (rated: number, bad: number) => figureOf('csat', countsOf({ rated, positive: rated - bad, negative: bad }));
const negativeRate = (rated: number, negatives: number) => figureOf('negative_rate', countsOf({ rated, negative: negatives, positive: rated - negatives }));
/** happy_index of a given mean over 100 ratings. */
const happyIndex = (value: number) => figureOf('happy_index', countsOf({ rated: 100, happyWeightSum: value * 100 }));

describe(statusOf.name, () => {
  describe('ratio objectives: csat ≥ 0.90 over 200 ratings (a budget of 20 bad)', () => {
    const sut = (bad: number) => statusOf({ figure: csat(200, bad), target: 0.9, minSample: 30 });

    it('is met while at least 25 % of the budget remains, 15 bad leaving exactly 25 %', () => {
      expect([sut(0), sut(15)]).toEqual(['met', 'met']);
    });

    it('is at risk below 25 % remaining, up to and including a budget spent to exactly 0', () => {
      expect([sut(16), sut(20)]).toEqual(['at_risk', 'at_risk']);
    });

    it('is breached once the remaining budget is below 0', () => {
      expect(sut(21)).toBe('breached');
    });

    it('stays exact where 1 − target is not in floating point (1 − 0.9 = 0.09999999999999998)', () => {
      expect(1 - 0.9).toBeLessThan(0.1);
      expect(sut(20)).toBe('at_risk');
    });

    it('is at risk when a burn alert fires even with budget left', () => {
      expect(statusOf({ figure: csat(200, 2), target: 0.9, minSample: 30, alerts: [{ fires: false }, { fires: true }] })).toBe('at_risk');
      expect(statusOf({ figure: csat(200, 2), target: 0.9, minSample: 30, alerts: [{ fires: false }] })).toBe('met');
    });
  });

  it('negative_rate ≤ 0.10 over 200: 15 negatives met, 16 and 20 at risk, 21 breached', () => {
    const sut = (negatives: number) => statusOf({ figure: negativeRate(200, negatives), target: 0.1, minSample: 30 });
    expect([15, 16, 20, 21].map(sut)).toEqual(['met', 'at_risk', 'at_risk', 'breached']);
  });

  it('is insufficient_data below minSample, never breached, and counts from minSample on', () => {
    expect(statusOf({ figure: csat(29, 29), target: 0.9, minSample: 30 })).toBe('insufficient_data');
    expect(statusOf({ figure: csat(30, 30), target: 0.9, minSample: 30 })).toBe('breached');
    expect(statusOf({ figure: csat(0, 0), target: 0.9, minSample: 0 })).toBe('insufficient_data');
  });

  describe('value objectives: happy_index ≥ 80 (at risk within 5 % of 80, i.e. 80 to 84 inclusive)', () => {
    const sut = (value: number) => statusOf({ figure: happyIndex(value), target: 80, minSample: 30 });

    it('is breached just below the target', () => {
      expect(sut(79.99)).toBe('breached');
    });

    it('is at risk from the target up to and including target + 5 %', () => {
      expect([sut(80), sut(82), sut(84)]).toEqual(['at_risk', 'at_risk', 'at_risk']);
    });

    it('is met beyond the 5 % band', () => {
      expect([sut(84.01), sut(100)]).toEqual(['met', 'met']);
    });
  });

  it('happiness ≥ +40: 39 breached, 42 at risk (within 2 points), 42.5 met', () => {
    const happiness = (positive: number, negative: number) => figureOf('happiness', countsOf({ rated: 200, positive, negative }));
    const sut = (positive: number, negative: number) => statusOf({ figure: happiness(positive, negative), target: 40, minSample: 30 });
    expect([sut(118, 40), sut(124, 40), sut(125, 40)]).toEqual(['breached', 'at_risk', 'met']);
  });

  it('property: more bad events never give a better status (ratio indicators, both directions)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 2000 }),
        fc.integer({ min: 50, max: 99 }),
        fc.nat(),
        fc.nat(),
        (rated, targetPct, a, b) => {
          const [fewer, more] = [a % (rated + 1), b % (rated + 1)].sort((x, y) => x - y);
          const target = targetPct / 100;
          const ofCsat = (bad: number) => SEVERITY[statusOf({ figure: csat(rated, bad), target, minSample: 30 })];
          const ofNegative = (bad: number) => SEVERITY[statusOf({ figure: negativeRate(rated, bad), target: 1 - target, minSample: 30 })];
          expect(ofCsat(more)).toBeGreaterThanOrEqual(ofCsat(fewer));
          expect(ofNegative(more)).toBeGreaterThanOrEqual(ofNegative(fewer));
        },
      ),
    );
  });

  it('property: below minSample the status is insufficient_data whatever the counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.nat(), (minSample, bad) => {
        const rated = minSample - 1;
        expect(statusOf({ figure: csat(rated, rated === 0 ? 0 : bad % (rated + 1)), target: 0.9, minSample })).toBe('insufficient_data');
      }),
    );
  });
});

describe(withinMargin.name, () => {
  it('is inclusive at exactly 5 % of the target and has no band around a target of 0', () => {
    expect([withinMargin(105, 100), withinMargin(105.0001, 100), withinMargin(95, 100)]).toEqual([true, false, true]);
    expect([withinMargin(0, 0), withinMargin(0.1, 0)]).toEqual([true, false]);
  });
});

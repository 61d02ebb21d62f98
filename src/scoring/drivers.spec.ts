import fc from 'fast-check';
import { driverOf, newcombeInterval, rankDrivers, wilsonInterval } from './drivers';

/** Rounds to the four decimals the papers print. */
const four = (x: number) => Math.round(x * 10_000) / 10_000;
const printed = (i: { lower: number; upper: number }) => [four(i.lower), four(i.upper)];

describe(wilsonInterval.name, () => {
  it("matches Newcombe's single-proportion examples (Stat Med 1998;17:857, method 3)", () => {
    expect(printed(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(printed(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(printed(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
    expect(printed(wilsonInterval(1, 29))).toEqual([0.0061, 0.1718]);
  });
});

describe(newcombeInterval.name, () => {
  it("gives Newcombe's worked example: 56/70 vs 48/80 is 0.2000 with 95 % CI 0.0524 to 0.3339 (Stat Med 1998;17:873)", () => {
    const sut = newcombeInterval(56, 70, 48, 80);
    expect(four(sut.estimate)).toBe(0.2);
    expect(printed(sut)).toEqual([0.0524, 0.3339]);
  });

  it("matches the paper's other method-10 examples: 9/10 vs 3/10, 0/10 vs 0/10, 10/10 vs 0/20 and 10/10 vs 0/10", () => {
    expect(printed(newcombeInterval(9, 10, 3, 10))).toEqual([0.1705, 0.809]);
    expect(printed(newcombeInterval(0, 10, 0, 10))).toEqual([-0.2775, 0.2775]);
    expect(printed(newcombeInterval(10, 10, 0, 20))).toEqual([0.6791, 1]);
    expect(printed(newcombeInterval(10, 10, 0, 10))).toEqual([0.6075, 1]);
  });

  it('property: the interval holds the estimate and stays within −1 to 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.nat(), fc.nat(), (n1, n0, a, b) => {
        const sut = newcombeInterval(a % (n1 + 1), n1, b % (n0 + 1), n0);
        expect(sut.lower).toBeLessThanOrEqual(sut.estimate + 1e-12);
        expect(sut.upper).toBeGreaterThanOrEqual(sut.estimate - 1e-12);
        expect(sut.lower).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(sut.upper).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe(driverOf.name, () => {
  it('soap out: 24 negatives in 60 ratings against 40 in 400 otherwise: lift 4, 18 excess negatives, interval above 0', () => {
    const sut = driverOf({ condition: 'soap_out', k1: 24, n1: 60, k0: 40, n0: 400 });
    expect(sut).toMatchObject({ rate1: 0.4, rate0: 0.1, shown: true });
    expect(sut.lift).toBeCloseTo(4, 12);
    expect(sut.excessNegatives).toBeCloseTo(18, 12);
    expect(sut.difference?.estimate).toBeCloseTo(0.3, 12);
    // By hand: Wilson 24/60 → 0.2857–0.5263, 40/400 → 0.0743–0.1333; 0.3 − √(0.1143² + 0.0333²), 0.3 + √(0.1263² + 0.0257²)
    expect(printed(sut.difference ?? { lower: NaN, upper: NaN })).toEqual([0.1809, 0.4289]);
  });

  it('has no lift without baseline negatives, and is hidden below 30 ratings on either side', () => {
    expect(driverOf({ condition: 'co2_high', k1: 3, n1: 40, k0: 0, n0: 50 })).toMatchObject({ lift: null, excessNegatives: 3, shown: true });
    expect(driverOf({ condition: 'bin_full', k1: 10, n1: 29, k0: 5, n0: 100 }).shown).toBe(false);
    expect(driverOf({ condition: 'bin_full', k1: 10, n1: 30, k0: 5, n0: 29 }).shown).toBe(false);
  });
});

describe(rankDrivers.name, () => {
  it('shows conditions with n1 ≥ 30 and n0 ≥ 30, most excess negatives first', () => {
    const sut = rankDrivers([
      { condition: 'co2_high', k1: 12, n1: 100, k0: 40, n0: 400 },
      { condition: 'soap_out', k1: 24, n1: 60, k0: 40, n0: 400 },
      { condition: 'crowding', k1: 20, n1: 29, k0: 40, n0: 400 },
      { condition: 'clean_overdue', k1: 15, n1: 50, k0: 40, n0: 400 },
    ]);
    expect(sut.map((d) => [d.condition, d.excessNegatives])).toEqual([
      ['soap_out', 18],
      ['clean_overdue', 10],
      ['co2_high', 2],
    ]);
  });
});

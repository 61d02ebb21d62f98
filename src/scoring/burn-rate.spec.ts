import fc from 'fast-check';
import { budgetConsumed, budgetShare, type Events } from './budget';
import { BURN_POLICIES, burnAlerts, burnFactor, burnRate, lookbackHours, minLookbackEvents, REFERENCE_WINDOW_HOURS, type BurnInput } from './burn-rate';

/** Lookback counts for the default alerts: 1 h, 6 h and 72 h. */
const lookbacks = (h1: Events, h6: Events, h72: Events): Map<number, Events> =>
  new Map([
    [1, h1],
    [6, h6],
    [72, h72],
  ]);

/** csat ≥ 0.95 over 30 days: B = 1 − 0.95, which is 0.050000000000000044 in floating point. */
const input = (over: Partial<BurnInput> & Pick<BurnInput, 'lookbacks'>): BurnInput => ({
  share: budgetShare('csat', 0.95) ?? NaN,
  windowHours: 720,
  minSample: 30,
  ...over,
});

const firing = (i: BurnInput) => Object.fromEntries(burnAlerts(i).map((a) => [a.name, a.fires]));

describe(burnRate.name, () => {
  it('is the bad ratio over the budget share: 18 bad of 60 against B = 0.05 burns at 6', () => {
    expect(burnRate({ bad: 18, valid: 60 }, 0.05)).toBeCloseTo(6, 12);
    expect(burnRate({ bad: 0, valid: 0 }, 0.05)).toBeNull();
  });

  it('property: burning at 1 every hour consumes exactly the whole budget over the window', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 500 }), { minLength: 1, maxLength: 720 }), (hourlyTens) => {
        const hours = hourlyTens.map((tens) => ({ bad: tens, valid: tens * 10 }));
        for (const h of hours) if (h.valid > 0) expect(burnRate(h, 0.1)).toBeCloseTo(1, 12);
        const window = hours.reduce((s, h) => ({ bad: s.bad + h.bad, valid: s.valid + h.valid }), { bad: 0, valid: 0 });
        if (window.valid > 0) expect(budgetConsumed(window, 0.1)).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe(burnFactor.name, () => {
  it('derives the workbook factors for 30 days: 5 % in 6 h gives 6, 10 % in 3 days gives 1', () => {
    expect(burnFactor(0.05, REFERENCE_WINDOW_HOURS, 6)).toBeCloseTo(6, 12);
    expect(burnFactor(0.1, REFERENCE_WINDOW_HOURS, 72)).toBeCloseTo(1, 12);
    expect(burnAlerts(input({ lookbacks: new Map() })).map((a) => [a.name, a.factor])).toEqual([
      ['fast', 6],
      ['slow', 1],
    ]);
  });

  it('scales with the window like Sloth: a 7-day window pages at 1.4, a 31-day month at 6.2', () => {
    expect(burnFactor(0.05, 168, 6)).toBeCloseTo(1.4, 12);
    expect(burnFactor(0.1, 168, 72)).toBeCloseTo(0.7 / 3, 12);
    expect(burnFactor(0.05, 744, 6)).toBeCloseTo(6.2, 12);
  });

  it('property: a burn at the factor over the long lookback spends exactly its share of the budget', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BURN_POLICIES), fc.integer({ min: 7, max: 31 }), fc.integer({ min: 1, max: 1000 }), (policy, days, perHour) => {
        const windowHours = days * 24;
        const share = 0.05;
        const factor = burnFactor(policy.budgetConsumed, windowHours, policy.longHours);
        const badInLookback = factor * share * perHour * policy.longHours;
        expect(budgetConsumed({ bad: badInLookback, valid: perHour * windowHours }, share)).toBeCloseTo(policy.budgetConsumed, 9);
      }),
    );
  });
});

describe(burnAlerts.name, () => {
  it('fires fast and slow when both lookbacks of each reach their factor', () => {
    const sut = input({ lookbacks: lookbacks({ bad: 4, valid: 10 }, { bad: 18, valid: 60 }, { bad: 30, valid: 600 }) });
    expect(firing(sut)).toEqual({ fast: true, slow: true });
    const [fast] = burnAlerts(sut);
    expect([fast.long.hours, fast.long.burn, fast.short.hours, fast.short.burn]).toEqual([6, expect.closeTo(6, 9), 1, expect.closeTo(8, 9)]);
    expect(fast.long.burn).toBeLessThan(6);
  });

  it('does not fire when only the long lookback burns (the short one says it has stopped)', () => {
    const sut = input({ lookbacks: lookbacks({ bad: 0, valid: 10 }, { bad: 18, valid: 60 }, { bad: 29, valid: 600 }) });
    expect(firing(sut)).toEqual({ fast: false, slow: false });
  });

  it('low traffic never fires: fewer valid events than max(5, minSample / 10) in a lookback', () => {
    expect(minLookbackEvents(30)).toBe(5);
    expect(minLookbackEvents(200)).toBe(20);
    const fewInTheLastHour = input({ lookbacks: lookbacks({ bad: 4, valid: 4 }, { bad: 18, valid: 60 }, { bad: 60, valid: 600 }) });
    expect(firing(fewInTheLastHour)).toEqual({ fast: false, slow: true });
    const justEnough = input({ lookbacks: lookbacks({ bad: 5, valid: 5 }, { bad: 18, valid: 60 }, { bad: 60, valid: 600 }) });
    expect(firing(justEnough)).toEqual({ fast: true, slow: true });
    const bigMinSample = input({ minSample: 200, lookbacks: lookbacks({ bad: 19, valid: 19 }, { bad: 60, valid: 60 }, { bad: 600, valid: 600 }) });
    expect(burnAlerts(bigMinSample).map((a) => [a.name, a.fires, a.short.enoughTraffic])).toEqual([
      ['fast', false, false],
      ['slow', true, true],
    ]);
  });

  it('reads 1 h, 6 h and 72 h lookbacks', () => {
    expect(lookbackHours()).toEqual([1, 6, 72]);
  });
});

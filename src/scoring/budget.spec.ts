import fc from 'fast-check';
import { budgetConsumed, budgetOf, budgetShare, eventsOf } from './budget';
import { countsOf, figureOf } from './indicators';

describe(budgetShare.name, () => {
  it('is 1 − target for ratio indicators, the target for negative_rate, and none for value indicators', () => {
    expect(budgetShare('csat', 0.85)).toBeCloseTo(0.15, 12);
    expect(budgetShare('cleaning_on_time', 0.95)).toBeCloseTo(0.05, 12);
    expect(budgetShare('negative_rate', 0.1)).toBe(0.1);
    expect([budgetShare('happiness', 30), budgetShare('happy_index', 75), budgetShare('inspection_score', 80), budgetShare('participation', 2)]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});

describe(budgetOf.name, () => {
  it('csat 352 of 400 against 0.85: 48 bad of a budget of 60, so 80 % consumed and 20 % left', () => {
    const sut = budgetOf(figureOf('csat', countsOf({ rated: 400, positive: 352, negative: 30, neutral: 18 })), 0.85);
    expect(sut).toMatchObject({ bad: 48, valid: 400 });
    expect(sut?.consumed).toBeCloseTo(0.8, 12);
    expect(sut?.remaining).toBeCloseTo(0.2, 12);
  });

  it('negative_rate 12 of 200 against 0.10: the negatives are the bad events, 60 % consumed', () => {
    const sut = budgetOf(figureOf('negative_rate', countsOf({ rated: 200, negative: 12, positive: 188 })), 0.1);
    expect(sut).toMatchObject({ bad: 12, valid: 200, share: 0.1 });
    expect(sut?.consumed).toBeCloseTo(0.6, 12);
    expect(sut?.remaining).toBeCloseTo(0.4, 12);
  });

  it('goes negative when more than the budget is spent: cleaning 90 of 100 on time against 0.95', () => {
    const sut = budgetOf(figureOf('cleaning_on_time', countsOf({ tasksDue: 100, tasksOnTime: 90 })), 0.95);
    expect(sut?.consumed).toBeCloseTo(2, 12);
    expect(sut?.remaining).toBeCloseTo(-1, 12);
  });

  it('has none for value indicators and no consumption without valid events', () => {
    expect(budgetOf(figureOf('happiness', countsOf({ rated: 10, positive: 5 })), 20)).toBeNull();
    expect(budgetOf(figureOf('csat', countsOf({})), 0.85)).toMatchObject({ consumed: null, remaining: null });
  });

  it('a zero budget (target 1) is gone with the first bad event', () => {
    expect(budgetConsumed({ bad: 0, valid: 10 }, 0)).toBe(0);
    expect(budgetConsumed({ bad: 1, valid: 10 }, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('property: consumed grows with bad events and is 1 exactly when bad = B × valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 99 }), (tens, targetPct) => {
        const valid = tens * 100;
        const share = budgetShare('csat', targetPct / 100) ?? NaN;
        const bad = (valid * (100 - targetPct)) / 100;
        expect(budgetConsumed({ bad, valid }, share)).toBeCloseTo(1, 9);
        expect(budgetConsumed({ bad: bad + 1, valid }, share) ?? 0).toBeGreaterThan(1);
      }),
    );
  });

  it('reads good and bad events off a figure', () => {
    expect(eventsOf(figureOf('comfort', countsOf({ occupiedMinutes: 600, comfortableMinutes: 540 })))).toEqual({ bad: 60, valid: 600 });
  });
});

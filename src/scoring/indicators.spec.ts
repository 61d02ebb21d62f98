import fc from 'fast-check';
import type { Scale } from '../catalog/catalog.types';
import {
  addCounts,
  countRatings,
  countsOf,
  emptyCounts,
  figureOf,
  happyWeight,
  INDICATOR_KEYS,
  INDICATORS,
  sumCounts,
  type Counts,
  type RatingInput,
} from './indicators';

/** n ratings of one score on a scale. */
const ratings = (scale: Scale, score: number, n: number, excludedReason?: string): RatingInput[] =>
  Array.from({ length: n }, () => ({ scale, score, excludedReason }));

const count = fc.nat({ max: 10_000 });
const arbitraryCounts: fc.Arbitrary<Counts> = fc
  .record({
    rated: count,
    positive: count,
    neutral: count,
    negative: count,
    happyWeightSum: count,
    tasksDue: count,
    tasksOnTime: count,
    incidentsOpened: count,
    incidentsRespondedInTime: count,
    incidentsResolvedInTime: count,
    visitors: count,
    visitorsWhileOut: count,
    serviceMinutes: count,
    outMinutes: count,
    occupiedMinutes: count,
    comfortableMinutes: count,
    deviceOnlineMinutes: count,
    deviceExpectedMinutes: count,
    inspectionsScored: count,
    inspectionScoreSum: count,
    kioskRepeat: count,
  })
  .map(({ kioskRepeat, ...c }) => countsOf({ ...c, excluded: { kiosk_repeat: kioskRepeat } }));

describe('indicator catalogue', () => {
  it('defines every indicator of INDICATORS.md, ratios with budgets and values without', () => {
    const kinds = Object.fromEntries(INDICATOR_KEYS.map((k) => [k, INDICATORS[k].kind]));
    expect(kinds).toEqual({
      csat: 'ratio',
      negative_rate: 'ratio',
      happiness: 'value',
      happy_index: 'value',
      participation: 'value',
      cleaning_on_time: 'ratio',
      incident_response: 'ratio',
      incident_resolution: 'ratio',
      consumables_available: 'ratio',
      comfort: 'ratio',
      device_uptime: 'ratio',
      inspection_score: 'value',
    });
    expect(INDICATOR_KEYS.filter((k) => INDICATORS[k].direction === 'lower')).toEqual(['negative_rate']);
    expect(INDICATOR_KEYS.filter((k) => INDICATORS[k].family === 'ratings')).toEqual(['csat', 'negative_rate', 'happiness', 'happy_index', 'participation']);
  });
});

describe(figureOf.name, () => {
  it('csat of 41 positive in 50 rated is 0.82, with its parts and sample', () => {
    const sut = figureOf('csat', countsOf({ rated: 50, positive: 41, neutral: 4, negative: 5 }));
    expect(sut).toEqual({ indicator: 'csat', value: 0.82, numerator: 41, denominator: 50, sample: 50, excluded: { total: 0, byReason: {} } });
  });

  it('happiness of 30 positive and 12 negative in 60 is (30 − 12) / 60 = +30 points', () => {
    const sut = figureOf('happiness', countsOf({ rated: 60, positive: 30, neutral: 18, negative: 12 }));
    expect(sut.value).toBeCloseTo(30, 12);
    expect([sut.numerator, sut.denominator]).toEqual([18, 60]);
  });

  it('negative_rate reads the negatives', () => {
    expect(figureOf('negative_rate', countsOf({ rated: 40, negative: 6 })).value).toBeCloseTo(0.15, 12);
  });

  it('a denominator of 0 gives no value, never 0 or NaN', () => {
    for (const key of INDICATOR_KEYS) expect(figureOf(key, emptyCounts()).value).toBeNull();
  });

  it('says how many ratings were excluded and why, and they change no figure', () => {
    const counted = ratings('smiley5', 5, 8).concat(ratings('smiley5', 1, 2));
    const excluded = [...ratings('smiley5', 1, 3, 'kiosk_repeat'), ...ratings('smiley5', 1, 1, 'burst')];
    const sut = figureOf('csat', countRatings([...counted, ...excluded]));
    expect(sut).toMatchObject({ value: 0.8, numerator: 8, denominator: 10, excluded: { total: 4, byReason: { kiosk_repeat: 3, burst: 1 } } });
    expect(figureOf('happy_index', countRatings([...counted, ...excluded])).value).toBe(figureOf('happy_index', countRatings(counted)).value);
  });

  it('participation is ratings per 100 visitors', () => {
    expect(figureOf('participation', countsOf({ rated: 12, visitors: 800 })).value).toBeCloseTo(1.5, 12);
  });

  it('consumables_available counts visitors who found everything, or service-minutes without a people counter', () => {
    const counted = figureOf('consumables_available', countsOf({ visitors: 200, visitorsWhileOut: 30, serviceMinutes: 600, outMinutes: 60 }));
    const uncounted = figureOf('consumables_available', countsOf({ serviceMinutes: 600, outMinutes: 60 }));
    expect(counted).toMatchObject({ value: 0.85, numerator: 170, denominator: 200, basis: 'visitors' });
    expect(uncounted).toMatchObject({ value: 0.9, numerator: 540, denominator: 600, sample: 600, basis: 'service_minutes' });
  });

  it('operational figures read their own counts', () => {
    const c = countsOf({
      tasksDue: 20,
      tasksOnTime: 19,
      incidentsOpened: 8,
      incidentsRespondedInTime: 6,
      incidentsResolvedInTime: 4,
      occupiedMinutes: 480,
      comfortableMinutes: 360,
      deviceExpectedMinutes: 1000,
      deviceOnlineMinutes: 990,
      inspections: 3,
      inspectionsScored: 2,
      inspectionScoreSum: 170,
    });
    expect(['cleaning_on_time', 'incident_response', 'incident_resolution', 'comfort', 'device_uptime', 'inspection_score'].map((k) => figureOf(k as never, c).value)).toEqual([
      0.95, 0.75, 0.5, 0.75, 0.99, 85,
    ]);
  });

  it('a larger scope is the figure of the summed counts, never the mean of the ratios', () => {
    const small = countsOf({ rated: 10, positive: 0 });
    const large = countsOf({ rated: 1000, positive: 900 });
    expect(figureOf('csat', addCounts(small, large)).value).toBeCloseTo(900 / 1010, 12);
  });

  it('property: the numerator and denominator of a scope are the sums of its parts', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCounts, { maxLength: 8 }), fc.constantFrom(...INDICATOR_KEYS), (parts, key) => {
        const basis = 'visitors' as const;
        const whole = figureOf(key, sumCounts(parts), basis);
        const figures = parts.map((p) => figureOf(key, p, basis));
        expect(whole.numerator).toBe(figures.reduce((s, f) => s + f.numerator, 0));
        expect(whole.denominator).toBe(figures.reduce((s, f) => s + f.denominator, 0));
        const excluded = INDICATORS[key].family === 'ratings' ? figures.reduce((s, f) => s + (f.excluded?.total ?? 0), 0) : undefined;
        expect(whole.excluded?.total).toBe(excluded);
        if (whole.denominator > 0) expect(whole.value).toBeCloseTo((INDICATORS[key].scale * whole.numerator) / whole.denominator, 9);
      }),
    );
  });

  it('property: counting ratings zone by zone and summing equals counting them all at once', () => {
    const rating = fc.oneof(
      fc.record({ scale: fc.constant<Scale>('smiley4'), score: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ scale: fc.constant<Scale>('smiley5'), score: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ scale: fc.constant<Scale>('nps11'), score: fc.integer({ min: 0, max: 10 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(rating, { maxLength: 30 }), { maxLength: 6 }), (zones) => {
        const summed = sumCounts(zones.map(countRatings));
        const direct = countRatings(zones.flat());
        expect(summed.rated).toBe(direct.rated);
        expect(summed.positive + summed.neutral + summed.negative).toBe(direct.rated);
        expect(summed.happyWeightSum).toBeCloseTo(direct.happyWeightSum, 6);
      }),
    );
  });
});

describe(happyWeight.name, () => {
  it('weighs each scale from 0 to 100: smiley4 in exact thirds, smiley5 in quarters, nps11 score × 10', () => {
    expect([1, 2, 3, 4].map((s) => happyWeight('smiley4', s))).toEqual([0, 100 / 3, 200 / 3, 100]);
    expect([1, 2, 3, 4, 5].map((s) => happyWeight('smiley5', s))).toEqual([0, 25, 50, 75, 100]);
    expect([0, 6, 10].map((s) => happyWeight('nps11', s))).toEqual([0, 60, 100]);
  });

  it('gives a hand-worked happy index on each scale', () => {
    // smiley5: 10×5, 5×4, 3×3, 2×1 → (1000 + 375 + 150 + 0) / 20 = 76.25
    const smiley5 = countRatings([...ratings('smiley5', 5, 10), ...ratings('smiley5', 4, 5), ...ratings('smiley5', 3, 3), ...ratings('smiley5', 1, 2)]);
    // nps11: 9, 10, 7, 3 → (90 + 100 + 70 + 30) / 4 = 72.5
    const nps11 = countRatings([9, 10, 7, 3].map((score) => ({ scale: 'nps11' as const, score })));
    // smiley4: 1 of each face → (0 + 33.3 + 66.7 + 100) / 4 = 50
    const smiley4 = countRatings([1, 2, 3, 4].map((score) => ({ scale: 'smiley4' as const, score })));
    expect(figureOf('happy_index', smiley5).value).toBeCloseTo(76.25, 12);
    expect(figureOf('happy_index', nps11).value).toBeCloseTo(72.5, 12);
    expect(figureOf('happy_index', smiley4).value).toBeCloseTo(50, 12);
  });

  it("reproduces HappyOrNot's published Happy Index: 126/60/16/17 presses give 78", () => {
    // HappyOrNot's example (most to least happy button). Only thirds give 78: (12600 + 4000 + 533.3) / 219 = 78.23.
    // The rounded weights of INDICATORS.md (66.7, 33.3) give 78.24, still 78; quarters (100, 75, 25, 0) would give 79.9,
    // and the share of the two happy buttons 84.9 — so HappyOrNot's index is the mean of equally spaced weights.
    const sut = countRatings([...ratings('smiley4', 4, 126), ...ratings('smiley4', 3, 60), ...ratings('smiley4', 2, 16), ...ratings('smiley4', 1, 17)]);
    const index = figureOf('happy_index', sut).value ?? NaN;
    expect(index).toBeCloseTo(17133.333 / 219, 3);
    expect(Math.round(index)).toBe(78);
    expect(Math.round((126 * 100 + 60 * 66.7 + 16 * 33.3) / 219)).toBe(78);
    expect(Math.round((126 * 100 + 60 * 75 + 16 * 25) / 219)).not.toBe(78);
  });

  it("gives NPS and HappySignals' Happiness on nps11: % of 9–10 minus % of 0–6", () => {
    // 100 answers: 60 at 9–10, 25 at 7–8, 15 at 0–6 → 60 % − 15 % = +45
    const sut = countRatings([...ratings('nps11', 10, 35), ...ratings('nps11', 9, 25), ...ratings('nps11', 8, 25), ...ratings('nps11', 6, 10), ...ratings('nps11', 0, 5)]);
    expect(figureOf('happiness', sut).value).toBeCloseTo(45, 12);
  });
});

import type { ServiceHours } from '../catalog/catalog.types';
import { DomainException } from '../platform/errors/domain.exception';
import { countsOf, type Counts } from './indicators';
import type { RollupCounts } from './rollup-columns';
import {
  benchmark,
  objectiveCard,
  reasonShares,
  scopeCard,
  scopeCountsOf,
  sumRollups,
  watermelonSite,
  type ZoneCounts,
  type ScopedObjective,
  type ScopeZone,
} from './scorecard';
import { lookbackRanges, serviceHourBuckets, slaHourOf, siteWindow, windowRequestOf } from './scorecard-window';

const weekdays = (open: string, close: string): ServiceHours => ({
  mon: [[open, close]],
  tue: [[open, close]],
  wed: [[open, close]],
  thu: [[open, close]],
  fri: [[open, close]],
  sat: [],
  sun: [],
});

const zone = (id: string, siteKey: string, type: ScopeZone['type']): ScopeZone => ({ id, ref: `${siteKey}.${id}`, siteKey, type });
const ZONES = [zone('a', 'hq', 'restroom'), zone('b', 'branch', 'restroom'), zone('k', 'hq', 'kitchen')];

const objective = (o: Partial<ScopedObjective> & Pick<ScopedObjective, 'key' | 'kind' | 'indicator' | 'target'>): ScopedObjective => ({
  ref: `acme-fm.${o.key}`,
  minSample: 30,
  weight: 1,
  scope: {},
  ...o,
});
const restroomCsat = objective({ key: 'restroom-csat', kind: 'xla', indicator: 'csat', target: 0.85, weight: 2, scope: { zoneTypes: ['restroom'] } });
const negativeRate = objective({ key: 'negative-rate', kind: 'xla', indicator: 'negative_rate', target: 0.25 });
const kitchenHappiness = objective({ key: 'kitchen-happiness', kind: 'xla', indicator: 'happiness', target: 30, scope: { zoneTypes: ['kitchen'] } });
const cleaning = objective({ key: 'cleaning-on-time', kind: 'sla', indicator: 'cleaning_on_time', target: 0.9, minSample: 20 });

const rollup = (counts: Partial<Counts>, negativeReasons: Record<string, number> = {}): ZoneCounts => ({ totals: { counts: countsOf(counts), negativeReasons } });

/** 40 + 10 restroom ratings and 12 in the kitchen, hand-counted. */
const BY_ZONE = new Map<string, ZoneCounts>([
  ['a', rollup({ rated: 40, positive: 38, negative: 2, happyWeightSum: 3_800 }, { no_soap: 2 })],
  ['b', rollup({ rated: 10, positive: 3, neutral: 2, negative: 5, happyWeightSum: 400 }, { no_soap: 3, dirty_floor: 4 })],
  ['k', rollup({ rated: 12, positive: 6, neutral: 3, negative: 3, happyWeightSum: 700, excluded: { burst: 4 } }, { bad_smell: 3 })],
]);

describe('scorecard assembly', () => {
  it('sums numerators and denominators over zones and sites: csat 41/50, not the mean of 38/40 and 3/10', () => {
    const sut = scopeCard(ZONES, [restroomCsat], BY_ZONE, 720);
    expect(sut.objectives).toHaveLength(1);
    expect(sut.objectives[0]).toMatchObject({ key: 'restroom-csat', numerator: 41, denominator: 50, sample: 50, value: 0.82, status: 'breached' });
    expect(sut.objectives[0].budget).toMatchObject({ bad: 9, valid: 50, share: expect.closeTo(0.15, 12) as number });
    expect(sut.objectives[0].budget?.consumed).toBeCloseTo(1.2, 12);
    expect(sut.experienceIndex).toMatchObject({ numerator: 4_900, denominator: 62, n: 62, excluded: { total: 4, byReason: { burst: 4 } } });
    expect(sut.experienceIndex.value).toBeCloseTo(4_900 / 62, 12);
  });

  it('scores an objective only over the zones of the scope it covers, and leaves out objectives covering none', () => {
    const hq = scopeCard(ZONES.filter((z) => z.siteKey === 'hq'), [restroomCsat, kitchenHappiness], BY_ZONE, 720);
    expect(hq.objectives.map((o) => [o.key, o.numerator, o.denominator, o.status])).toEqual([
      ['restroom-csat', 38, 40, 'met'],
      ['kitchen-happiness', 3, 12, 'insufficient_data'],
    ]);
    const branch = scopeCard([ZONES[1]], [restroomCsat, kitchenHappiness], BY_ZONE, 720);
    expect(branch.objectives.map((o) => o.key)).toEqual(['restroom-csat']);
  });

  it('shows insufficient data with its sample and no number that looks real', () => {
    const sut = objectiveCard(kitchenHappiness, { totals: BY_ZONE.get('k')!.totals }, 720);
    expect(sut).toMatchObject({ status: 'insufficient_data', value: null, numerator: 3, denominator: 12, sample: 12, insufficientData: { sample: 12, minSample: 30 }, budget: null });
  });

  it('low traffic: every lookback burning flat out fires no alert and never breaches', () => {
    const allBad = countsOf({ rated: 12, negative: 12 });
    const lookbacks = new Map([
      [1, allBad],
      [6, allBad],
      [72, allBad],
    ]);
    const sut = objectiveCard(restroomCsat, { totals: { counts: allBad, negativeReasons: {} }, lookbacks }, 720);
    expect(sut.status).toBe('insufficient_data');
    expect(sut.alerts).toEqual([
      { name: 'fast', factor: 6, fires: false },
      { name: 'slow', factor: 1, fires: false },
    ]);
    expect(sut.burnRates.map((r) => [r.hours, r.valid, r.enoughTraffic])).toEqual([
      [1, 12, true],
      [6, 12, true],
      [72, 12, true],
    ]);
    expect(sut.burnRates[0].burn).toBeCloseTo(1 / 0.15, 12);
  });

  it('leaves objectives with insufficient data out of attainment, and lists them', () => {
    const sut = scopeCard(ZONES, [restroomCsat, negativeRate, kitchenHappiness, cleaning], new Map([...BY_ZONE, ['a', rollup({ ...BY_ZONE.get('a')!.totals.counts, tasksDue: 30, tasksOnTime: 29 })]]), 720);
    // negative_rate 10/62 = 0.161 against 0.25: consumed 10 / (0.25 × 62) = 0.645, met.
    expect(sut.objectives.map((o) => [o.key, o.status])).toEqual([
      ['restroom-csat', 'breached'],
      ['negative-rate', 'met'],
      ['kitchen-happiness', 'insufficient_data'],
      ['cleaning-on-time', 'met'],
    ]);
    expect(sut.attainment.xla).toEqual({
      kind: 'xla',
      value: 1 / 3,
      metWeight: 1,
      countedWeight: 3,
      met: ['negative-rate'],
      notMet: ['restroom-csat'],
      insufficientData: ['kitchen-happiness'],
    });
    expect(sut.attainment.sla).toMatchObject({ value: 1, met: ['cleaning-on-time'], insufficientData: [] });
  });

  it('finds a watermelon site and lists the objectives that make it one', () => {
    const byZone = new Map([['a', rollup({ rated: 40, positive: 30, negative: 10, tasksDue: 25, tasksOnTime: 25 })]]);
    const card = scopeCard([ZONES[0]], [restroomCsat, cleaning], byZone, 720);
    const sut = watermelonSite('hq', card);
    expect(sut?.site).toBe('hq');
    expect(sut?.breachedXla.map((o) => [o.key, o.numerator, o.denominator, o.status])).toEqual([['restroom-csat', 30, 40, 'breached']]);
    expect(sut?.metSla.map((o) => [o.key, o.numerator, o.denominator, o.status])).toEqual([['cleaning-on-time', 25, 25, 'met']]);
    // The same site with its SLA missed too is red all through: no watermelon.
    const red = new Map([['a', rollup({ rated: 40, positive: 30, negative: 10, tasksDue: 25, tasksOnTime: 20 })]]);
    expect(watermelonSite('hq', scopeCard([ZONES[0]], [restroomCsat, cleaning], red, 720))).toBeNull();
  });

  it('counts a lookback group once, however many of its zones a scope holds', () => {
    const hour = countsOf({ rated: 10, negative: 4 });
    const group = (key: string) => ({ key, counts: new Map([[1, hour]]) });
    const byZone = new Map<string, ZoneCounts>([
      ['a', { totals: rollup({ rated: 1 }).totals, lookbacks: group('hq|restroom') }],
      ['a2', { totals: rollup({ rated: 2 }).totals, lookbacks: group('hq|restroom') }],
      ['b', { totals: rollup({ rated: 4 }).totals, lookbacks: group('branch|restroom') }],
    ]);
    const sut = scopeCountsOf(['a', 'a2', 'b'], byZone);
    expect(sut.totals.counts.rated).toBe(7);
    expect(sut.lookbacks?.get(1)).toMatchObject({ rated: 20, negative: 8 });
  });

  it('gives reason shares as the share of negative ratings naming each reason', () => {
    expect(reasonShares(sumRollups([...BY_ZONE.values()].map((z) => z.totals)))).toEqual([
      { reason: 'no_soap', negatives: 5, of: 10, share: 0.5 },
      { reason: 'dirty_floor', negatives: 4, of: 10, share: 0.4 },
      { reason: 'bad_smell', negatives: 3, of: 10, share: 0.3 },
    ]);
  });

  it('ranks sites best first by the indicator\'s direction, ties sharing a rank, sites without data last', () => {
    const site = (rated: number, negative: number, weights: number): RollupCounts => ({ counts: countsOf({ rated, negative, positive: rated - negative, happyWeightSum: weights }), negativeReasons: {} });
    const sites = [
      { site: 'c', totals: site(10, 5, 500) },
      { site: 'a', totals: site(20, 2, 1_600) },
      { site: 'd', totals: site(0, 0, 0) },
      { site: 'b', totals: site(40, 4, 3_200) },
    ];
    expect(benchmark('happy_index', sites)).toEqual([
      { rank: 1, site: 'a', value: 80, n: 20 },
      { rank: 1, site: 'b', value: 80, n: 40 },
      { rank: 3, site: 'c', value: 50, n: 10 },
      { rank: null, site: 'd', value: null, n: 0 },
    ]);
    expect(benchmark('negative_rate', sites).map((r) => [r.rank, r.site, r.value])).toEqual([
      [1, 'a', 0.1],
      [1, 'b', 0.1],
      [3, 'c', 0.5],
      [null, 'd', null],
    ]);
  });
});

describe('scorecard windows', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('gives each site its own local month: a contract month sums its sites\' own months', () => {
    const request = windowRequestOf({ period: '2026-10' });
    const windows = ['Europe/Stockholm', 'Asia/Kolkata', 'America/New_York'].map((tz) => siteWindow(request, now, tz));
    expect(windows.map((w) => [w.window.start.toUTC().toISO(), w.window.end.toUTC().toISO(), w.dates.length, w.dates[0], w.dates[30]])).toEqual([
      ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', 31, '2026-10-01', '2026-10-31'],
      ['2026-09-30T18:30:00.000Z', '2026-10-31T18:30:00.000Z', 31, '2026-10-01', '2026-10-31'],
      ['2026-10-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z', 31, '2026-10-01', '2026-10-31'],
    ]);
    // A closed month runs to its end; the current one to now.
    expect(windows[0].asOf.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(siteWindow(windowRequestOf({}), now, 'Europe/Stockholm').asOf).toEqual(now);
  });

  it('refuses a bad period or window naming the field', () => {
    const fieldOf = (query: { period?: string; window?: string }) => {
      try {
        windowRequestOf(query);
        return undefined;
      } catch (error) {
        return error instanceof DomainException ? error.errors.map((e) => e.field) : error;
      }
    };
    expect(fieldOf({ period: '2026-13' })).toEqual(['period']);
    expect(fieldOf({ period: '0000-01' })).toEqual(['period']);
    expect(fieldOf({ period: '2026-W54' })).toEqual(['period']);
    expect(fieldOf({ period: '2026-10', window: 'rolling_7d' })).toEqual(['window']);
    expect(windowRequestOf({ window: 'rolling_28d' })).toEqual({ kind: 'rolling_28d' });
    expect(windowRequestOf({}, 'rolling_30d')).toEqual({ kind: 'rolling_30d' });
  });

  it('counts the latest service hours only, across a weekend, a holiday and the DST change', () => {
    const site = { timeZone: 'Europe/Stockholm', serviceHours: weekdays('07:00', '18:00'), holidays: [] as string[] };
    // Monday 26 October 08:30 CET (07:30Z), the day after clocks went back; Friday 23 October was CEST.
    const asOf = new Date('2026-10-26T07:30:00Z');
    expect(serviceHourBuckets(asOf, 4, site).map((b) => new Date(b).toISOString())).toEqual([
      '2026-10-26T07:00:00.000Z',
      '2026-10-26T06:00:00.000Z',
      '2026-10-23T15:00:00.000Z',
      '2026-10-23T14:00:00.000Z',
    ]);
    expect(serviceHourBuckets(asOf, 3, { ...site, holidays: ['2026-10-23'] }).map((b) => new Date(b).toISOString())).toEqual([
      '2026-10-26T07:00:00.000Z',
      '2026-10-26T06:00:00.000Z',
      '2026-10-22T15:00:00.000Z',
    ]);
    expect(serviceHourBuckets(asOf, 72, site)).toHaveLength(72);
  });

  it('gives each lookback its service hours as merged ranges, across a weekend and at a half-hour offset', () => {
    const site = { timeZone: 'Europe/Stockholm', serviceHours: weekdays('07:00', '18:00'), holidays: [] as string[] };
    const iso = (ranges: ReturnType<typeof lookbackRanges>) => ranges.map((r) => [r.hours, new Date(r.start).toISOString(), new Date(r.end).toISOString()]);
    // Monday 26 October 09:00 CET: Monday 07-09 and, for 6 hours, Friday 14-18 CEST.
    const buckets = serviceHourBuckets(new Date('2026-10-26T08:00:00Z'), 6, site);
    expect(iso(lookbackRanges(buckets, [1, 6]))).toEqual([
      [1, '2026-10-26T07:00:00.000Z', '2026-10-26T08:00:00.000Z'],
      [6, '2026-10-26T06:00:00.000Z', '2026-10-26T08:00:00.000Z'],
      [6, '2026-10-23T12:00:00.000Z', '2026-10-23T16:00:00.000Z'],
    ]);
    // Bengaluru's local hours start at :30 UTC; the SLA hour starting within each (slaHourOf) is inside its range.
    const kolkata = serviceHourBuckets(new Date('2026-10-30T08:30:00Z'), 2, { ...site, timeZone: 'Asia/Kolkata' });
    const [range] = lookbackRanges(kolkata, [2]);
    expect(iso([range])).toEqual([[2, '2026-10-30T06:30:00.000Z', '2026-10-30T08:30:00.000Z']]);
    expect(kolkata.map(slaHourOf).every((h) => h >= range.start && h < range.end)).toBe(true);
    expect(lookbackRanges([], [1, 6, 72])).toEqual([]);
  });

  it('puts an SLA facts hour (UTC) in the local hour its start is in, half an hour later at a half-hour offset', () => {
    const at = (iso: string) => new Date(slaHourOf(Date.parse(iso))).toISOString();
    expect(at('2026-10-31T13:00:00Z')).toBe('2026-10-31T13:00:00.000Z');
    expect(at('2026-10-31T13:30:00Z')).toBe('2026-10-31T14:00:00.000Z');
    expect(at('2026-10-31T13:15:00Z')).toBe('2026-10-31T14:00:00.000Z');
  });
});

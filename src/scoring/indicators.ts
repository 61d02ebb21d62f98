import { INDICATOR_KEYS, type IndicatorKey, type Scale } from '../catalog/catalog.types';
import { polarityOf } from '../feedback/reasons';
import type { HourFacts } from '../operations/zone-day-facts';

/** The indicators of INDICATORS.md; every published figure is one of these. The list lives in the catalog, which validates objectives. */
export { INDICATOR_KEYS, type IndicatorKey } from '../catalog/catalog.types';

export type IndicatorFamily = 'ratings' | 'operations';
/** A ratio has good events over valid events and so an error budget; a value is compared with its target only. */
export type IndicatorKind = 'ratio' | 'value';
export type Direction = 'higher' | 'lower';

/** Rating counts of a zone and hour (or any sum of them): additive, so scopes sum. */
export interface RatingCounts {
  rated: number;
  positive: number;
  neutral: number;
  negative: number;
  happyWeightSum: number;
  /** Ratings the misuse filter excluded, by reason; they count in no indicator. */
  excluded: Readonly<Record<string, number>>;
}

/** SLA facts of a zone and hour (or any sum of them), as the operations module records them (the ones indicators read). */
export type SlaCounts = Omit<HourFacts, 'hour' | 'inspectionsPassed'>;

export type Counts = RatingCounts & SlaCounts;
export type CountKey = Exclude<keyof Counts, 'excluded'>;

/** How consumables_available counts: visitors where a people counter exists, service-minutes otherwise. */
export type ConsumablesBasis = 'visitors' | 'service_minutes';

export interface Figure {
  indicator: IndicatorKey;
  /** null when the denominator is 0: no number that looks real without data. */
  value: number | null;
  numerator: number;
  denominator: number;
  /** Valid events the figure rests on, compared with an objective's minSample. */
  sample: number;
  excluded?: { total: number; byReason: Readonly<Record<string, number>> };
  basis?: ConsumablesBasis;
}

export interface IndicatorDefinition {
  key: IndicatorKey;
  family: IndicatorFamily;
  kind: IndicatorKind;
  direction: Direction;
  unit: string;
  /** The counts the figure reads, so rollups and audits know its inputs. */
  reads: readonly CountKey[];
  /** Value = scale × numerator ÷ denominator. */
  scale: number;
  numerator(c: Counts): number;
  denominator(c: Counts): number;
}

type Definition = Omit<IndicatorDefinition, 'key'>;

/** The common shape of a higher-is-better share. */
const share = (unit = 'share'): Pick<Definition, 'kind' | 'direction' | 'unit' | 'scale'> => ({
  kind: 'ratio',
  direction: 'higher',
  unit,
  scale: 1,
});

/** The catalogue; participation is a value (ratings can outnumber visitors), so it has no budget. */
export const INDICATORS: Readonly<Record<IndicatorKey, IndicatorDefinition>> = define({
  csat: { family: 'ratings', ...share(), reads: ['positive', 'rated'], numerator: (c) => c.positive, denominator: (c) => c.rated },
  negative_rate: {
    family: 'ratings',
    ...share(),
    direction: 'lower',
    reads: ['negative', 'rated'],
    numerator: (c) => c.negative,
    denominator: (c) => c.rated,
  },
  happiness: {
    family: 'ratings',
    kind: 'value',
    direction: 'higher',
    unit: 'points (-100..100)',
    scale: 100,
    reads: ['positive', 'negative', 'rated'],
    numerator: (c) => c.positive - c.negative,
    denominator: (c) => c.rated,
  },
  happy_index: {
    family: 'ratings',
    kind: 'value',
    direction: 'higher',
    unit: 'points (0..100)',
    scale: 1,
    reads: ['happyWeightSum', 'rated'],
    numerator: (c) => c.happyWeightSum,
    denominator: (c) => c.rated,
  },
  participation: {
    family: 'ratings',
    kind: 'value',
    direction: 'higher',
    unit: 'ratings per 100 visitors',
    scale: 100,
    reads: ['rated', 'visitors'],
    numerator: (c) => c.rated,
    denominator: (c) => c.visitors,
  },
  cleaning_on_time: {
    family: 'operations',
    ...share(),
    reads: ['tasksOnTime', 'tasksDue'],
    numerator: (c) => c.tasksOnTime,
    denominator: (c) => c.tasksDue,
  },
  incident_response: {
    family: 'operations',
    ...share(),
    reads: ['incidentsRespondedInTime', 'incidentsOpened'],
    numerator: (c) => c.incidentsRespondedInTime,
    denominator: (c) => c.incidentsOpened,
  },
  incident_resolution: {
    family: 'operations',
    ...share(),
    reads: ['incidentsResolvedInTime', 'incidentsOpened'],
    numerator: (c) => c.incidentsResolvedInTime,
    denominator: (c) => c.incidentsOpened,
  },
  consumables_available: {
    family: 'operations',
    ...share(),
    reads: ['visitors', 'visitorsWhileOut', 'serviceMinutes', 'outMinutes'],
    numerator: (c) => c.visitors - c.visitorsWhileOut,
    denominator: (c) => c.visitors,
  },
  comfort: {
    family: 'operations',
    ...share(),
    reads: ['comfortableMinutes', 'occupiedMinutes'],
    numerator: (c) => c.comfortableMinutes,
    denominator: (c) => c.occupiedMinutes,
  },
  device_uptime: {
    family: 'operations',
    ...share(),
    reads: ['deviceOnlineMinutes', 'deviceExpectedMinutes'],
    numerator: (c) => c.deviceOnlineMinutes,
    denominator: (c) => c.deviceExpectedMinutes,
  },
  inspection_score: {
    family: 'operations',
    kind: 'value',
    direction: 'higher',
    unit: 'points (0..100)',
    scale: 1,
    reads: ['inspectionScoreSum', 'inspectionsScored'],
    numerator: (c) => c.inspectionScoreSum,
    denominator: (c) => c.inspectionsScored,
  },
});

/** Adds each definition's key, in catalogue order. */
function define(defs: Record<IndicatorKey, Definition>): Record<IndicatorKey, IndicatorDefinition> {
  const entries = INDICATOR_KEYS.map((key) => [key, { key, ...defs[key] }] as const);
  return Object.fromEntries(entries) as Record<IndicatorKey, IndicatorDefinition>;
}

/** Narrows text (a YAML field, a query parameter) to an indicator key. */
export const isIndicatorKey = (text: string): text is IndicatorKey => (INDICATOR_KEYS as readonly string[]).includes(text);

/** The definition of an indicator. */
export const indicatorOf = (key: IndicatorKey): IndicatorDefinition => INDICATORS[key];

/** Happy-index weight of a score on its scale, 0–100; smiley4 uses exact thirds (HappyOrNot's 78 needs them). */
export function happyWeight(scale: Scale, score: number): number {
  switch (scale) {
    case 'smiley4':
      return ((score - 1) * 100) / 3;
    case 'smiley5':
      return (score - 1) * 25;
    case 'nps11':
      return score * 10;
  }
}

/** Zero counts, the identity of addCounts. */
export function emptyCounts(): Counts {
  return {
    rated: 0,
    positive: 0,
    neutral: 0,
    negative: 0,
    happyWeightSum: 0,
    excluded: {},
    tasksDue: 0,
    tasksOnTime: 0,
    tasksLate: 0,
    tasksMissed: 0,
    incidentsOpened: 0,
    incidentsRespondedInTime: 0,
    incidentsResolvedInTime: 0,
    visitors: 0,
    visitorsWhileOut: 0,
    serviceMinutes: 0,
    outMinutes: 0,
    occupiedMinutes: 0,
    comfortableMinutes: 0,
    deviceOnlineMinutes: 0,
    deviceExpectedMinutes: 0,
    inspections: 0,
    inspectionsScored: 0,
    inspectionScoreSum: 0,
  };
}

/** Counts with the given fields set and the rest zero (tests, partial rollups). */
export const countsOf = (partial: Partial<Counts>): Counts => ({ ...emptyCounts(), ...partial });

/** The additive numeric counts (all but the excluded map). */
const COUNT_KEYS = Object.keys(emptyCounts()).filter((k): k is CountKey => k !== 'excluded');

/** Sums the counts of scopes (zones, hours, days); a figure of a larger scope reads the sum. */
export function addCounts(a: Counts, b: Counts): Counts {
  const sum = emptyCounts();
  for (const key of COUNT_KEYS) sum[key] = a[key] + b[key];
  sum.excluded = addReasons(a.excluded, b.excluded);
  return sum;
}

/** Sums many counts. */
export const sumCounts = (all: Iterable<Counts>): Counts => [...all].reduce(addCounts, emptyCounts());

/** Sums excluded ratings reason by reason. */
function addReasons(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [reason, n] of Object.entries(b)) sum[reason] = (sum[reason] ?? 0) + n;
  return sum;
}

/** Total excluded ratings over all reasons. */
export const excludedTotal = (excluded: Readonly<Record<string, number>>): number =>
  Object.values(excluded).reduce((s, n) => s + n, 0);

/** Visitors where the scope counted any, service-minutes otherwise. */
export const consumablesBasisOf = (c: Counts): ConsumablesBasis => (c.visitors > 0 ? 'visitors' : 'service_minutes');

/** Numerator and denominator of consumables_available on a basis. */
function consumablesParts(c: Counts, basis: ConsumablesBasis): [number, number] {
  if (basis === 'visitors') return [c.visitors - c.visitorsWhileOut, c.visitors];
  return [c.serviceMinutes - c.outMinutes, c.serviceMinutes];
}

/** The figure of an indicator from additive counts; value null when the denominator is 0. */
export function figureOf(key: IndicatorKey, counts: Counts, basis?: ConsumablesBasis): Figure {
  const def = INDICATORS[key];
  const consumablesBasis = key === 'consumables_available' ? (basis ?? consumablesBasisOf(counts)) : undefined;
  const [numerator, denominator] = consumablesBasis
    ? consumablesParts(counts, consumablesBasis)
    : [def.numerator(counts), def.denominator(counts)];
  const value = denominator > 0 ? (def.scale * numerator) / denominator : null;
  const figure: Figure = { indicator: key, value, numerator, denominator, sample: denominator };
  if (def.family === 'ratings') figure.excluded = { total: excludedTotal(counts.excluded), byReason: { ...counts.excluded } };
  if (consumablesBasis) figure.basis = consumablesBasis;
  return figure;
}

/** A rating as the rollup reads it. */
export interface RatingInput {
  scale: Scale;
  score: number;
  excludedReason?: string | null;
}

/** One rating's contribution to the counts, the rollup's rule written once; an excluded rating only counts as excluded. */
export function ratingCounts(rating: RatingInput): Counts {
  if (rating.excludedReason) return countsOf({ excluded: { [rating.excludedReason]: 1 } });
  const polarity = polarityOf(rating.scale, rating.score);
  return countsOf({ rated: 1, [polarity]: 1, happyWeightSum: happyWeight(rating.scale, rating.score) });
}

/** The counts of many ratings, as an independent check on the rollups. */
export const countRatings = (ratings: Iterable<RatingInput>): Counts => sumCounts([...ratings].map(ratingCounts));

import type { ObjectiveScope, ZoneType } from '../catalog/catalog.types';
import type { Budget } from './budget';
import type { BurnAlert } from './burn-rate';
import { attainmentOf, experienceIndex, watermelonOf, type Attainment, type ObjectiveKind } from './composite';
import { emptyCounts, figureOf, INDICATORS, type Counts, type Figure, type IndicatorKey } from './indicators';
import { scoreObjective, type ObjectiveFigure, type ObjectiveSpec } from './objective';
import type { RollupCounts } from './rollup-columns';
import type { Status } from './status';

/** Pure assembly of the scorecard: sums zones' counts into scopes and reads every figure through the formula files. */

/** A zone as a scope part: enough to place it in a site and an objective's scope. */
export interface ScopeZone {
  id: string;
  ref: string;
  siteKey: string;
  type: ZoneType;
}

/** An objective of a contract with its scope, as the catalog states it. */
export interface ScopedObjective extends ObjectiveSpec {
  ref: string;
  scope: ObjectiveScope;
}

/** Counts of a scope: window to date, and (when evaluated) per burn-rate lookback in service hours. */
export interface ScopeCounts {
  totals: RollupCounts;
  lookbacks?: ReadonlyMap<number, Counts>;
}

/**
 * Lookback counts of a group of zones — one zone, or a site's zones of one type — shared by its
 * zones: a scope holding several of them counts it once. Scopes are unions of whole groups (an
 * objective covers by site and zone type), so the sums equal the zones' own.
 */
export interface LookbackGroup {
  key: string;
  counts: ReadonlyMap<number, Counts>;
}

/** A zone's counts: window to date, and its lookback group's when burn rates are evaluated. */
export interface ZoneCounts {
  totals: RollupCounts;
  lookbacks?: LookbackGroup;
}

/** Whether an objective covers a zone: its sites (if named) and zone types (if named). */
export const covers = (scope: ObjectiveScope, zone: Pick<ScopeZone, 'siteKey' | 'type'>): boolean =>
  (!scope.sites?.length || scope.sites.includes(zone.siteKey)) && (!scope.zoneTypes?.length || scope.zoneTypes.includes(zone.type));

export const emptyRollup = (): RollupCounts => ({ counts: emptyCounts(), negativeReasons: {} });

type CountKey = Exclude<keyof Counts, 'excluded'>;
const COUNT_KEYS = Object.keys(emptyCounts()).filter((k): k is CountKey => k !== 'excluded');

/** Adds counts into a running sum of our own (as addCounts does, without a new object per part: a contract sums thousands). */
function addInto(sum: Counts, part: Counts): void {
  for (let i = 0; i < COUNT_KEYS.length; i++) sum[COUNT_KEYS[i]] += part[COUNT_KEYS[i]];
  addReasonsInto(sum.excluded, part.excluded);
}

/** Adds counts by reason into a running sum (for…in: no array per part, and most parts have none). */
function addReasonsInto(sum: Record<string, number>, part: Readonly<Record<string, number>>): void {
  for (const reason in part) sum[reason] = (sum[reason] ?? 0) + part[reason];
}

/** Sums zones' counts and reasons: a larger scope adds numerators and denominators, never ratios. */
export function sumRollups(parts: Iterable<RollupCounts>): RollupCounts {
  const counts = emptyCounts();
  const reasons: Record<string, number> = {};
  for (const part of parts) {
    addInto(counts, part.counts);
    addReasonsInto(reasons, part.negativeReasons);
  }
  return { counts, negativeReasons: reasons };
}

/** Sums lookback counts hour-length by hour-length. */
export function sumLookbacks(parts: Iterable<ReadonlyMap<number, Counts> | undefined>): Map<number, Counts> | undefined {
  let sum: Map<number, Counts> | undefined;
  for (const part of parts) {
    if (!part) continue;
    sum ??= new Map();
    for (const [hours, counts] of part) {
      const running = sum.get(hours) ?? emptyCounts();
      addInto(running, counts);
      sum.set(hours, running);
    }
  }
  return sum;
}

/** Sums the counts of some zones (missing ones count zero), each lookback group once. */
export function scopeCountsOf(zoneIds: Iterable<string>, byZone: ReadonlyMap<string, ZoneCounts>): ScopeCounts {
  const parts = [...zoneIds].map((id) => byZone.get(id)).filter((p): p is ZoneCounts => p !== undefined);
  const groups = new Map(parts.flatMap((p) => (p.lookbacks ? [[p.lookbacks.key, p.lookbacks.counts] as const] : [])));
  return { totals: sumRollups(parts.map((p) => p.totals)), lookbacks: sumLookbacks(groups.values()) };
}

/**
 * scopeCountsOf, once per set of zones: a scope's objectives mostly cover the same zones (every
 * restroom objective its restrooms), and a contract sums thousands. The result is shared: read only.
 */
function memoCounts(byZone: ReadonlyMap<string, ZoneCounts>): (zoneIds: readonly string[]) => ScopeCounts {
  const memo = new Map<string, ScopeCounts>();
  return (zoneIds) => {
    const key = zoneIds.join(',');
    let found = memo.get(key);
    if (!found) memo.set(key, (found = scopeCountsOf(zoneIds, byZone)));
    return found;
  };
}

export interface ReasonShare {
  reason: string;
  negatives: number;
  /** The scope's negative ratings: the share's denominator. */
  of: number;
  /** Share of the scope's negative ratings that name the reason; a rating may name several, so shares may add up past 1. */
  share: number;
}

/** Share of negative ratings naming each reason, most named first. */
export function reasonShares(rollup: RollupCounts): ReasonShare[] {
  const negatives = rollup.counts.negative;
  return Object.entries(rollup.negativeReasons)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => ({ reason, negatives: n, of: negatives, share: negatives > 0 ? n / negatives : 0 }))
    .sort((a, b) => b.negatives - a.negatives || a.reason.localeCompare(b.reason));
}

export interface PublishedFigure {
  indicator: IndicatorKey;
  /** null without data, and null when below the objective's minimum sample: no number that looks real. */
  value: number | null;
  numerator: number;
  denominator: number;
  sample: number;
  excluded?: Figure['excluded'];
  basis?: Figure['basis'];
}

export interface LookbackRate {
  hours: number;
  burn: number | null;
  valid: number;
  enoughTraffic: boolean;
}

export interface ObjectiveCard extends PublishedFigure {
  ref: string;
  key: string;
  kind: ObjectiveKind;
  target: number;
  minSample: number;
  weight: number;
  status: Status;
  /** Set with status insufficient_data: the sample and what it needed. */
  insufficientData?: { sample: number; minSample: number };
  budget: Budget | null;
  /** Burn rate per lookback of service hours (1, 6, 72), ratio objectives only. */
  burnRates: LookbackRate[];
  alerts: Array<Pick<BurnAlert, 'name' | 'factor' | 'fires'>>;
}

/** A figure as published: its value hidden below minSample. */
function published(figure: Figure, status: Status): PublishedFigure {
  return { ...figure, value: status === 'insufficient_data' ? null : figure.value };
}

/** Burn per lookback length, once each, from an objective's alerts. */
function lookbackRates(alerts: readonly BurnAlert[]): LookbackRate[] {
  const rates = new Map<number, LookbackRate>();
  for (const a of alerts) for (const l of [a.short, a.long]) rates.set(l.hours, { hours: l.hours, burn: l.burn, valid: l.valid, enoughTraffic: l.enoughTraffic });
  return [...rates.values()].sort((a, b) => a.hours - b.hours);
}

/** One objective scored over a scope's counts (formulas from objective.ts), as the API shows it. */
export function objectiveCard(objective: ScopedObjective, counts: ScopeCounts, windowHours: number): ObjectiveCard {
  const scored: ObjectiveFigure = scoreObjective({ objective, counts: counts.totals.counts, windowHours, lookbacks: counts.lookbacks });
  const insufficient = scored.status === 'insufficient_data';
  return {
    ...published(scored.figure, scored.status),
    ref: objective.ref,
    key: objective.key,
    kind: objective.kind,
    target: objective.target,
    minSample: objective.minSample,
    weight: objective.weight ?? 1,
    status: scored.status,
    ...(insufficient ? { insufficientData: { sample: scored.figure.sample, minSample: objective.minSample } } : {}),
    budget: insufficient ? null : scored.budget,
    burnRates: lookbackRates(scored.burn),
    alerts: scored.burn.map((a) => ({ name: a.name, factor: a.factor, fires: a.fires })),
  };
}

export interface ScopeCard {
  experienceIndex: PublishedFigure & { n: number };
  attainment: { xla: Attainment; sla: Attainment };
  objectives: ObjectiveCard[];
  reasons: ReasonShare[];
  /** Service delivery and sensor coverage over every zone of the scope, objective or not (the report's sections). */
  operations: OperationsFigures;
}

/** The operations indicators of a scope, every zone's facts summed: tasks, incidents and sensors. */
export interface OperationsFigures {
  cleaningOnTime: PublishedFigure;
  incidentResponse: PublishedFigure;
  incidentResolution: PublishedFigure;
  deviceUptime: PublishedFigure;
}

const OPERATIONS: ReadonlyArray<[keyof OperationsFigures, IndicatorKey]> = [
  ['cleaningOnTime', 'cleaning_on_time'],
  ['incidentResponse', 'incident_response'],
  ['incidentResolution', 'incident_resolution'],
  ['deviceUptime', 'device_uptime'],
];

/** A scope's operations figures from its summed counts (figureOf: no value without a denominator). */
export const operationsOf = (rollup: RollupCounts): OperationsFigures =>
  Object.fromEntries(OPERATIONS.map(([name, indicator]) => [name, figureOf(indicator, rollup.counts)])) as unknown as OperationsFigures;

/** Experience index of a scope: happy_index over its counted ratings, n beside it. */
export function experienceOf(rollup: RollupCounts): ScopeCard['experienceIndex'] {
  const figure = experienceIndex(rollup.counts);
  return { ...figure, n: figure.sample };
}

/**
 * Every figure of one scope (a contract, a site, a zone): each objective over the zones it covers
 * within the scope (objectives covering none of them left out), attainment, experience index, reasons.
 */
export function scopeCard(zones: readonly ScopeZone[], objectives: readonly ScopedObjective[], byZone: ReadonlyMap<string, ZoneCounts>, windowHours: number): ScopeCard {
  const countsOf = memoCounts(byZone);
  const all = countsOf(zones.map((z) => z.id));
  const cards = objectives.flatMap((o) => {
    const covered = zones.filter((z) => covers(o.scope, z));
    return covered.length ? [objectiveCard(o, countsOf(covered.map((z) => z.id)), windowHours)] : [];
  });
  return {
    experienceIndex: experienceOf(all.totals),
    attainment: { xla: attainmentOf('xla', cards), sla: attainmentOf('sla', cards) },
    objectives: cards,
    reasons: reasonShares(all.totals),
    operations: operationsOf(all.totals),
  };
}

/** An objective's figure and status without its budget and burn series: what a contract scorecard shows per site. */
export type ObjectiveSummary = Pick<ObjectiveCard, 'key' | 'kind' | 'indicator' | 'status' | 'value' | 'numerator' | 'denominator' | 'sample'>;

/** A scope's card in brief: experience index, attainment and each objective's summary (its full card is on the site route). */
export type ScopeSummary = Pick<ScopeCard, 'experienceIndex' | 'attainment'> & { objectives: ObjectiveSummary[] };

export const objectiveSummary = (o: ObjectiveCard): ObjectiveSummary => ({
  key: o.key,
  kind: o.kind,
  indicator: o.indicator,
  status: o.status,
  value: o.value,
  numerator: o.numerator,
  denominator: o.denominator,
  sample: o.sample,
});

export const scopeSummary = (card: ScopeCard): ScopeSummary => ({
  experienceIndex: card.experienceIndex,
  attainment: card.attainment,
  objectives: card.objectives.map(objectiveSummary),
});

export interface WatermelonSite {
  site: string;
  /** The XLA objectives breached (red inside) and the SLA objectives met (green outside), with their figures. */
  breachedXla: ObjectiveCard[];
  metSla: ObjectiveCard[];
}

/** A site's watermelon verdict (composite.ts) with the objectives that make it one. */
export function watermelonSite(site: string, card: ScopeCard): WatermelonSite | null {
  const verdict = watermelonOf(site, card.objectives);
  if (!verdict) return null;
  const pick = (keys: readonly string[]) => card.objectives.filter((o) => keys.includes(o.key));
  return { site, breachedXla: pick(verdict.breachedXla), metSla: pick(verdict.metSla) };
}

export interface BenchmarkRow {
  rank: number | null;
  site: string;
  value: number | null;
  n: number;
}

/**
 * Sites ranked by an indicator over all their zones (happy_index: the experience index), best
 * first by the indicator's direction; sites without data last, unranked. Ties share a rank.
 */
export function benchmark(indicator: IndicatorKey, sites: ReadonlyArray<{ site: string; totals: RollupCounts }>): BenchmarkRow[] {
  const lowerIsBetter = INDICATORS[indicator].direction === 'lower';
  const rows = sites.map(({ site, totals }) => {
    const figure = figureOf(indicator, totals.counts);
    return { site, value: figure.value, n: figure.sample };
  });
  const withData = rows.filter((r) => r.value !== null).sort((a, b) => (lowerIsBetter ? a.value! - b.value! : b.value! - a.value!) || a.site.localeCompare(b.site));
  const ranked: BenchmarkRow[] = [];
  withData.forEach((r, i) => {
    const previous = ranked[i - 1];
    ranked.push({ ...r, rank: previous && previous.value === r.value ? previous.rank : i + 1 });
  });
  const without = rows.filter((r) => r.value === null).sort((a, b) => a.site.localeCompare(b.site));
  return [...ranked, ...without.map((r) => ({ ...r, rank: null }))];
}

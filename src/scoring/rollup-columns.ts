import { SLA_FACT_COLUMNS } from '../operations/sla-fact-columns';
import { emptyCounts, type Counts, type SlaCounts } from './indicators';

/** Why the misuse filter excluded a rating, as ratings.excluded_reason stores it. */
export const EXCLUSION_REASONS = ['kiosk_repeat', 'burst', 'daily_cap'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Rating count columns of the rollups (excluded by reason and the reason map aside). */
export const RATING_COLUMNS = [
  ['rated', 'rated'],
  ['positive', 'positive'],
  ['neutral', 'neutral'],
  ['negative', 'negative'],
] as const satisfies ReadonlyArray<readonly [keyof Counts, string]>;

/** The additive SLA columns of sla_facts_hourly and sla_rollup_daily that indicators read, and their counts field: operations' list. */
export const SLA_COLUMNS = SLA_FACT_COLUMNS.filter((c): c is Exclude<(typeof SLA_FACT_COLUMNS)[number], readonly ['inspectionsPassed', string]> => c[0] !== 'inspectionsPassed') satisfies ReadonlyArray<
  readonly [keyof SlaCounts, string]
>;

/** sla_facts_hourly columns kept in the daily rows that no indicator reads yet. */
export const SLA_EXTRA_COLUMNS = SLA_FACT_COLUMNS.filter((c) => c[0] === 'inspectionsPassed').map((c) => c[1]);

/** Columns of real minutes and score sums, summed as double precision (exact for these values); the rest are counts. */
export const SLA_REAL_COLUMNS: ReadonlySet<string> = new Set([
  'service_minutes',
  'out_minutes',
  'inspection_score_sum',
  'occupied_minutes',
  'comfortable_minutes',
  'device_online_minutes',
  'device_expected_minutes',
]);

/** A rollup row as the read queries return it: every column summed, named by its SQL column. */
export type RollupRow = Readonly<Record<string, string | number | null | Readonly<Record<string, number>>>>;

/** Counts and reasons of a zone (or any sum of zones) over some hours or days. */
export interface RollupCounts {
  counts: Counts;
  /** Negative ratings that name each reason (a rating naming two counts once for each). */
  negativeReasons: Readonly<Record<string, number>>;
}

/** A database number (bigint and numeric arrive as text) as a JS number; null as 0. */
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** Counts from a row of summed rollup columns; the happiness weights come back from thirds of a point. */
export function countsOfRow(row: RollupRow): RollupCounts {
  const counts = emptyCounts();
  for (const [field, column] of RATING_COLUMNS) counts[field] = num(row[column]);
  for (const [field, column] of SLA_COLUMNS) counts[field] = num(row[column]);
  counts.happyWeightSum = num(row.happy_thirds) / 3;
  const excluded: Record<string, number> = {};
  for (const reason of EXCLUSION_REASONS) {
    const n = num(row[`excluded_${reason}`]);
    if (n) excluded[reason] = n;
  }
  counts.excluded = excluded;
  const reasons = (row.negative_reasons ?? {}) as Readonly<Record<string, number | string>>;
  return { counts, negativeReasons: Object.fromEntries(Object.entries(reasons).map(([reason, n]) => [reason, Number(n)])) };
}

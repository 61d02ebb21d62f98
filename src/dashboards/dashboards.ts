import type { Language } from '../catalog/catalog.types';
import { INDICATORS, type IndicatorKey } from '../scoring/indicators';
import type { SqlFormat } from './sql-query';
import type { TextKey } from './texts';

/**
 * The dashboards as data: every panel's SQL over the reporting schema, its panel type, unit and
 * thresholds, and the variables it reads. Pure; rendered through the foundation SDK by render.ts,
 * run by the tests and bench:dashboards through grafana-macros.ts. No panel computes a figure: the
 * scorecard's come from the published figures, the rest are counts, instants and readings.
 */

export interface ObjectiveInput {
  key: string;
  kind: 'xla' | 'sla';
  indicator: IndicatorKey;
  target: number;
}

export interface ContractInput {
  key: string;
  name: string;
  language: Language;
  objectives: readonly ObjectiveInput[];
}

export type PanelKind = 'stat' | 'table' | 'timeseries' | 'bargauge';

export interface ThresholdStep {
  value: number | null;
  color: string;
}

export interface PanelSpec {
  id: number;
  /** Stable within its dashboard, for tests and the bench. */
  key: string;
  title: TextKey | { text: TextKey; suffix: string };
  kind: PanelKind;
  format: SqlFormat;
  sql: string;
  unit?: string;
  thresholds?: ThresholdStep[];
  w: number;
  h: number;
  /** An objective's figure, shown against its target: the test compares it with the scorecard API's. */
  objective?: string;
}

export interface VariableSpec {
  name: string;
  label: TextKey;
  query: string;
  multi?: boolean;
  includeAll?: boolean;
}

export interface DashboardSpec {
  uid: string;
  title: TextKey;
  /** The contract in the title (none for data health). */
  contract?: ContractInput;
  tags: string[];
  variables: VariableSpec[];
  panels: PanelSpec[];
  /** Drill-down links: dashboards carrying this tag. */
  linkTags: string[];
  /** Only in the provider's organisation. */
  providerOnly: boolean;
  /** The default time range, back from now: a contract's month, or data health's last hours. */
  timeFrom: 'now-30d' | 'now-6h';
}

/** The provider's and each client's data source uid: uids are per organisation, so every dashboard names the same. */
export const DATASOURCE_UID = 'xla-monitor-pg';

/** Grafana uids are at most 40 characters: a long contract key is cut and given a hash of the whole. */
export function dashboardUid(prefix: string, key: string): string {
  const uid = `xla-${prefix}-${key}`;
  if (uid.length <= 40) return uid;
  let hash = 2166136261;
  for (const ch of key) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  const suffix = hash.toString(36);
  return `${uid.slice(0, 39 - suffix.length)}-${suffix}`;
}

/** A contract key as an SQL literal: keys are slugs, checked at contract sync; quoted here all the same. */
const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Grafana's unit of an indicator's value. */
export function unitOf(indicator: IndicatorKey): string {
  return INDICATORS[indicator].unit === 'share' ? 'percentunit' : 'none';
}

/** Red below the target and green from it, or the other way round for a lower-is-better indicator. */
export function thresholdsOf(objective: ObjectiveInput): ThresholdStep[] {
  return INDICATORS[objective.indicator].direction === 'lower'
    ? [
        { value: null, color: 'green' },
        { value: objective.target, color: 'red' },
      ]
    : [
        { value: null, color: 'red' },
        { value: objective.target, color: 'green' },
      ];
}

const PERIOD = (contract: string): VariableSpec => ({
  name: 'period',
  label: 'period',
  query: `SELECT period FROM reporting.publications WHERE contract = ${lit(contract)} ORDER BY period DESC`,
});

const CONTRACT_TAGS = ['xla-monitor', 'contract'];

export function contractOverview(contract: ContractInput): DashboardSpec {
  const k = lit(contract.key);
  const ofMonth = `contract = ${k} AND period = '$period'`;
  const objectivesTable = (kind: 'xla' | 'sla', id: number): PanelSpec => ({
    id,
    key: `${kind}-objectives`,
    title: kind === 'xla' ? 'xlaObjectives' : 'slaObjectives',
    kind: 'table',
    format: 'table',
    sql: `SELECT objective, indicator, value, target, status, budget_remaining, numerator, denominator, sample
FROM reporting.objective_figures WHERE ${ofMonth} AND scope = 'contract' AND kind = '${kind}' ORDER BY objective`,
    w: 12,
    h: 8,
  });
  const scope = (key: string, id: number, title: TextKey, column: string, unit: string): PanelSpec => ({
    id,
    key,
    title,
    kind: 'stat',
    format: 'table',
    sql: `SELECT ${column} FROM reporting.scope_figures WHERE ${ofMonth} AND scope = 'contract'`,
    unit,
    w: 4,
    h: 4,
  });
  const objectiveStats = contract.objectives.map(
    (o, i): PanelSpec => ({
      id: 20 + i,
      key: `objective-${o.key}`,
      title: { text: o.kind === 'xla' ? 'xlaObjectives' : 'slaObjectives', suffix: o.key },
      kind: 'stat',
      format: 'table',
      sql: `SELECT value, numerator, denominator, sample FROM reporting.objective_figures WHERE ${ofMonth} AND scope = 'contract' AND objective = ${lit(o.key)}`,
      unit: unitOf(o.indicator),
      thresholds: thresholdsOf(o),
      w: 4,
      h: 4,
      objective: o.key,
    }),
  );
  return {
    uid: dashboardUid('contract', contract.key),
    title: 'contractOverview',
    contract,
    tags: [...CONTRACT_TAGS, `contract:${contract.key}`],
    variables: [PERIOD(contract.key)],
    linkTags: [`contract:${contract.key}`],
    providerOnly: false,
    timeFrom: 'now-30d',
    panels: [
      scope('experience-index', 1, 'experienceIndex', 'experience_index, experience_numerator, experience_denominator, experience_sample', 'none'),
      scope('xla-attainment', 2, 'xlaAttainment', 'xla_attainment, xla_met_weight, xla_counted_weight', 'percentunit'),
      scope('sla-attainment', 3, 'slaAttainment', 'sla_attainment, sla_met_weight, sla_counted_weight', 'percentunit'),
      objectivesTable('xla', 4),
      objectivesTable('sla', 5),
      {
        id: 6,
        key: 'by-day',
        title: 'byDay',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT "time", experience_index AS "Experience index", sla_attainment * 100 AS "SLA attainment %"
FROM reporting.daily_figures WHERE contract = ${k} AND period = to_char(local_date, 'YYYY-MM') AND $__timeFilter("time") ORDER BY 1`,
        unit: 'none',
        w: 24,
        h: 8,
      },
      {
        id: 7,
        key: 'watermelons',
        title: 'watermelons',
        kind: 'table',
        format: 'table',
        sql: `SELECT site, site_name, experience_index, xla_attainment, sla_attainment, breached_xla
FROM reporting.scope_figures WHERE ${ofMonth} AND watermelon ORDER BY site`,
        w: 12,
        h: 8,
      },
      {
        id: 8,
        key: 'site-ranking',
        title: 'siteRanking',
        kind: 'table',
        format: 'table',
        sql: `SELECT rank, site, site_name, experience_index, experience_sample AS n
FROM reporting.scope_figures WHERE ${ofMonth} AND scope = 'site' ORDER BY rank NULLS LAST, site LIMIT 100`,
        w: 12,
        h: 8,
      },
      {
        id: 9,
        key: 'top-reasons',
        title: 'topReasons',
        kind: 'bargauge',
        format: 'table',
        sql: `SELECT reason, share, negatives, negatives_total FROM reporting.reason_shares WHERE ${ofMonth} ORDER BY negatives DESC, reason LIMIT 10`,
        unit: 'percentunit',
        w: 8,
        h: 8,
      },
      {
        id: 10,
        key: 'comment-themes',
        title: 'commentThemes',
        kind: 'table',
        format: 'table',
        sql: `SELECT theme, sum(comments) AS comments FROM reporting.comment_themes
WHERE contract = ${k} AND theme <> '*' AND $__timeFilter("time") GROUP BY theme ORDER BY 2 DESC, 1 LIMIT 10`,
        w: 8,
        h: 8,
      },
      {
        id: 11,
        key: 'burn-rates',
        title: 'burnRates',
        kind: 'table',
        format: 'table',
        sql: `SELECT objective, lookback_hours, burn_rate, valid, enough_traffic FROM reporting.burn_rates WHERE ${ofMonth} ORDER BY objective, lookback_hours`,
        w: 8,
        h: 8,
      },
      ...objectiveStats,
    ],
  };
}

export function siteDrillDown(contract: ContractInput): DashboardSpec {
  const k = lit(contract.key);
  const where = `contract = ${k} AND site = '$site' AND zone IN ($zone) AND $__timeFilter("time")`;
  const sensor = (id: number, key: string, title: TextKey, signals: string[], unit: string): PanelSpec => ({
    id,
    key,
    title,
    kind: 'timeseries',
    format: 'time_series',
    sql: `SELECT $__timeGroupAlias("time", '1h'), signal AS metric, avg(mean) AS value
FROM reporting.sensor_hourly WHERE ${where} AND signal IN (${signals.map(lit).join(', ')}) GROUP BY 1, 2 ORDER BY 1`,
    unit,
    w: 8,
    h: 8,
  });
  const cleaning = contract.objectives.find((o) => o.indicator === 'cleaning_on_time');
  return {
    uid: dashboardUid('site', contract.key),
    title: 'siteDrillDown',
    contract,
    tags: [...CONTRACT_TAGS, `contract:${contract.key}`, 'site'],
    linkTags: [`contract:${contract.key}`],
    providerOnly: false,
    timeFrom: 'now-30d',
    variables: [
      PERIOD(contract.key),
      { name: 'site', label: 'site', query: `SELECT site FROM reporting.sites WHERE contract = ${k} AND NOT retired ORDER BY site` },
      { name: 'zone', label: 'zone', query: `SELECT zone FROM reporting.zones WHERE contract = ${k} AND site = '$site' ORDER BY zone`, multi: true, includeAll: true },
    ],
    panels: [
      {
        id: 1,
        key: 'ratings-by-polarity',
        title: 'ratingsByPolarity',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT $__timeGroupAlias("time", '1h'), sum(positive) AS positive, sum(neutral) AS neutral, sum(negative) AS negative
FROM reporting.ratings_hourly WHERE ${where} GROUP BY 1 ORDER BY 1`,
        w: 16,
        h: 8,
      },
      {
        id: 2,
        key: 'cleaning-on-time',
        title: 'cleaningOnTime',
        kind: 'stat',
        format: 'table',
        sql: `SELECT value, numerator, denominator, sample FROM reporting.objective_figures
WHERE contract = ${k} AND period = '$period' AND site = '$site' AND indicator = 'cleaning_on_time' ORDER BY objective LIMIT 1`,
        unit: 'percentunit',
        ...(cleaning ? { thresholds: thresholdsOf(cleaning), objective: cleaning.key } : {}),
        w: 8,
        h: 8,
      },
      {
        id: 3,
        key: 'hour-of-week',
        title: 'hourOfWeek',
        kind: 'table',
        format: 'table',
        sql: `SELECT local_weekday AS weekday, local_hour AS hour, sum(rated) AS rated, sum(negative) AS negative
FROM reporting.ratings_hourly WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
        w: 8,
        h: 8,
      },
      {
        id: 4,
        key: 'reasons',
        title: 'reasons',
        kind: 'bargauge',
        format: 'table',
        sql: `SELECT r.key AS reason, sum(r.value::int) AS negatives
FROM reporting.ratings_hourly h CROSS JOIN LATERAL jsonb_each_text(h.negative_reasons) AS r WHERE ${where.replace(/\b(contract|site|zone) /g, 'h.$1 ').replace('"time"', 'h."time"')}
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
        w: 8,
        h: 8,
      },
      {
        id: 5,
        key: 'recent-comments',
        title: 'recentComments',
        kind: 'table',
        format: 'table',
        sql: `SELECT "time", zone, score, polarity, comment, language FROM reporting.ratings
WHERE ${where} AND comment <> '' AND NOT excluded ORDER BY "time" DESC LIMIT 50`,
        w: 8,
        h: 8,
      },
      sensor(6, 'occupancy', 'occupancy', ['people_count', 'visits'], 'none'),
      sensor(7, 'consumables', 'consumables', ['soap_level', 'paper_level', 'bin_fill'], 'percent'),
      sensor(8, 'co2', 'co2', ['co2'], 'ppm'),
      {
        id: 9,
        key: 'tasks',
        title: 'tasks',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT $__timeGroupAlias("time", '1d'), sum(tasks_on_time) AS on_time, sum(tasks_late) AS late, sum(tasks_missed) AS missed
FROM reporting.sla_hourly WHERE ${where} GROUP BY 1 ORDER BY 1`,
        w: 12,
        h: 8,
      },
      {
        id: 10,
        key: 'incidents',
        title: 'incidents',
        kind: 'table',
        format: 'table',
        sql: `SELECT opened_at, zone, category, priority, state, response_s, respond_target_s, resolution_s, resolve_target_s, report_count
FROM reporting.incidents WHERE ${where} ORDER BY opened_at DESC LIMIT 100`,
        w: 12,
        h: 8,
      },
      {
        id: 11,
        key: 'devices',
        title: 'devices',
        kind: 'table',
        format: 'table',
        sql: `SELECT device, zone, model, last_seen_at, expected_interval_s, last_battery FROM reporting.devices
WHERE contract = ${k} AND site = '$site' AND zone IN ($zone) AND NOT retired ORDER BY last_seen_at NULLS FIRST, device`,
        w: 24,
        h: 8,
      },
    ],
  };
}

export function feedbackExplorer(contract: ContractInput): DashboardSpec {
  const k = lit(contract.key);
  // One site at a time: the newest ratings of a site come by its index, of every site only by reading the month.
  const where = `contract = ${k} AND site = '$site' AND zone IN ($zone) AND polarity IN ($polarity) AND $__timeFilter("time")`;
  return {
    uid: dashboardUid('feedback', contract.key),
    title: 'feedbackExplorer',
    contract,
    tags: [...CONTRACT_TAGS, `contract:${contract.key}`, 'feedback'],
    linkTags: [`contract:${contract.key}`],
    providerOnly: false,
    timeFrom: 'now-30d',
    variables: [
      { name: 'site', label: 'site', query: `SELECT site FROM reporting.sites WHERE contract = ${k} ORDER BY site` },
      { name: 'zone', label: 'zone', query: `SELECT zone FROM reporting.zones WHERE contract = ${k} AND site = '$site' ORDER BY zone`, multi: true, includeAll: true },
      { name: 'polarity', label: 'polarity', query: `SELECT unnest(ARRAY['positive', 'neutral', 'negative'])`, multi: true, includeAll: true },
    ],
    panels: [
      {
        id: 1,
        key: 'ratings',
        title: 'ratings',
        kind: 'table',
        format: 'table',
        sql: `SELECT "time", site, zone, touchpoint, score, scale, polarity, reasons, comment, language, origin, excluded_reason
FROM reporting.ratings WHERE ${where} ORDER BY "time" DESC LIMIT 500`,
        w: 24,
        h: 14,
      },
      {
        id: 2,
        key: 'excluded-by-reason',
        title: 'excludedByReason',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT $__timeGroupAlias("time", '1d'), sum(excluded_kiosk_repeat) AS kiosk_repeat, sum(excluded_burst) AS burst, sum(excluded_daily_cap) AS daily_cap
FROM reporting.ratings_daily WHERE contract = ${k} AND site = '$site' AND $__timeFilter("time") GROUP BY 1 ORDER BY 1`,
        w: 24,
        h: 8,
      },
    ],
  };
}

export function dataHealth(): DashboardSpec {
  return {
    uid: 'xla-data-health',
    title: 'dataHealth',
    tags: ['xla-monitor', 'data-health'],
    linkTags: ['contract'],
    providerOnly: true,
    // The fleet's ingest, hour by hour: the last hours, not a month of every site's sensors.
    timeFrom: 'now-6h',
    variables: [],
    panels: [
      {
        id: 1,
        key: 'readings-per-hour',
        title: 'readingsPerHour',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT $__timeGroupAlias("time", '1h'), sum(n) AS readings FROM reporting.readings_per_hour WHERE $__timeFilter("time") GROUP BY 1 ORDER BY 1`,
        w: 12,
        h: 8,
      },
      {
        id: 2,
        key: 'ratings-per-hour',
        title: 'ratingsPerHour',
        kind: 'timeseries',
        format: 'time_series',
        sql: `SELECT $__timeGroupAlias("time", '1h'), sum(rated) AS counted FROM reporting.ratings_site_hourly WHERE $__timeFilter("time") GROUP BY 1 ORDER BY 1`,
        w: 12,
        h: 8,
      },
      {
        id: 3,
        key: 'dead-letters',
        title: 'deadLetters',
        kind: 'table',
        format: 'table',
        sql: `SELECT reason, count(*) AS messages, max("time") AS last_at FROM reporting.dead_letters WHERE $__timeFilter("time") GROUP BY 1 ORDER BY 2 DESC, 1`,
        w: 8,
        h: 8,
      },
      {
        id: 4,
        key: 'devices-offline',
        title: 'devicesOffline',
        kind: 'table',
        format: 'table',
        sql: `SELECT contract, site, zone, device, last_seen_at, expected_interval_s FROM reporting.devices
WHERE NOT retired AND (last_seen_at IS NULL OR last_seen_at < $__timeTo()::timestamptz - 3 * expected_interval_s * interval '1 second')
ORDER BY last_seen_at NULLS FIRST, contract, site, device LIMIT 200`,
        w: 16,
        h: 8,
      },
      {
        id: 5,
        key: 'rollup-backlog',
        title: 'rollupBacklog',
        kind: 'stat',
        format: 'table',
        sql: `SELECT count(*) AS zone_days FROM reporting.rollup_backlog`,
        w: 6,
        h: 4,
      },
      {
        id: 6,
        key: 'rollup-lag',
        title: 'rollupLag',
        kind: 'stat',
        format: 'table',
        sql: `SELECT COALESCE(extract(epoch FROM now() - min(marked_at)), 0) AS lag_s FROM reporting.rollup_backlog`,
        unit: 's',
        thresholds: [
          { value: null, color: 'green' },
          { value: 60, color: 'red' },
        ],
        w: 6,
        h: 4,
      },
      {
        id: 7,
        key: 'publications',
        title: 'publications',
        kind: 'table',
        format: 'table',
        sql: `SELECT contract, period, published_at, rollup_version FROM reporting.publications ORDER BY published_at DESC, contract, period LIMIT 100`,
        w: 12,
        h: 8,
      },
    ],
  };
}

/** Every dashboard of a set of contracts: each contract's three, and data health for the provider. */
export function dashboardSpecs(contracts: readonly ContractInput[], provider: boolean): DashboardSpec[] {
  return [
    ...[...contracts].sort((a, b) => a.key.localeCompare(b.key)).flatMap((c) => [contractOverview(c), siteDrillDown(c), feedbackExplorer(c)]),
    ...(provider ? [dataHealth()] : []),
  ];
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { dayCommentsOf, insertDriverRollups, INSERT_THEME_ROLLUPS, selectBaselineDays, selectBaselineVisitors, selectDayComments } from './insight-rollups';
import { crowdingThresholds, themeRollupRows } from './insights';
import { countsOfRow, EXCLUSION_REASONS, RATING_COLUMNS, SLA_COLUMNS, SLA_EXTRA_COLUMNS, SLA_REAL_COLUMNS, type RollupCounts, type RollupRow } from './rollup-columns';
import { dateSpan } from './periods';

/** A zone-day whose facts changed, with the generation of its mark (bigint, as text). */
export interface DirtyDay {
  clientId: string;
  zoneId: string;
  localDate: string;
  generation: string;
}

/** Marks of the figures' rollups (hourly and daily counts), set by triggers on the facts; and of the insights' (drivers, themes), set by the figures' job. */
export type MarkKind = 'figures' | 'insights';
const MARKS: Record<MarkKind, string> = { figures: 'scoring_dirty_days', insights: 'insight_dirty_days' };
export type Marks = Record<MarkKind, DirtyDay[]>;

/** Sites to rebuild, optionally only some local dates (inclusive, YYYY-MM-DD). */
export interface SiteScope {
  sites: ReadonlyArray<{ clientId: string; siteId: string }>;
  from?: string;
  to?: string;
}

export interface RecomputeStats {
  /** Ratings read from the raw rows, excluded ones included. */
  ratings: number;
  zoneHours: number;
  ratingDays: number;
  slaDays: number;
}

export interface ZoneDayCounts extends RollupCounts {
  zoneId: string;
  localDate: string;
}

export interface ZoneHourCounts extends RollupCounts {
  zoneId: string;
  hour: Date;
}

/**
 * How a recomputation finds its rows: `t` is a CTE of targets, and the fragments join raw and
 * rollup rows to it. Zone-days for the incremental job, sites (and a date range) for a rebuild.
 */
interface Targets {
  with: string;
  params: unknown[];
  /** Whole sites (a rebuild): their raw ratings are read by a bitmap scan, each page once, not row by row through the index. */
  bulk: boolean;
  /** Join of raw ratings r (and sla_facts_hourly f) to t: by key and a time range the index can use. */
  ratings: string;
  sla: string;
  /** Whether a local date (an SQL expression) belongs to the target. */
  date(expr: string): string;
  /** Join of rollup rows h to t; `hourly` adds the hour range the primary key can use. */
  rollup(hourly: boolean): string;
  /** A CTE `sd` of the targets' sites and their local dates: (client_id, site_id, time_zone, lo, hi), lo and hi bounding the instants. */
  siteDays: string;
  /** Whether a local date (an SQL expression) is one of sd's row. */
  siteDate(expr: string): string;
  /** Whether a month (the first local date, an SQL expression) holds one of sd's row's dates. */
  siteMonth(expr: string): string;
}

/** Rows of selectBaselineDays and selectBaselineVisitors: epoch milliseconds come as numeric text. */
type BaselineRow = { zoneId: string; localDate: string; from: string; to: string };
type VisitorsRow = { zoneId: string; hour: string; visitors: number };

/** The tables a rebuild rewrites. */
const ROLLUP_TABLES = [
  'rating_rollup_hourly',
  'rating_rollup_daily',
  'sla_rollup_daily',
  'scope_rollup_hourly',
  'scope_rollup_daily',
  'scope_rollup_monthly',
  'driver_rollup_daily',
  'comment_theme_daily',
];

/** Rollup tables a rebuild vacuums as well as analyzes: read by index-only scans (burn-rate lookbacks). */
const VACUUMED: ReadonlySet<string> = new Set(['rating_rollup_hourly']);

/**
 * The sites of zones $2 of client $1, as an array the primary key's site column can probe: the zone
 * rollups are keyed by site first (client, site, date or hour, zone).
 */
const SITES_OF_ZONES = `h.site_id = ANY(ARRAY(SELECT z.site_id FROM zones z WHERE z.client_id = $1 AND z.id = ANY($2::uuid[])))`;

/** Local midnight of a date can fall in a DST gap; raw rows are pre-filtered this much wider, then by their exact local date. */
const SLACK = `interval '3 hours'`;

/**
 * The targets' raw ratings r with their touchpoint's scale and their instant in the site's local
 * time `lt`, computed once per rating: the fence (OFFSET 0) keeps the planner from inlining it into
 * the hour, the date and the group keys, three time-zone conversions (a lookup of the zone by name
 * each) per rating (bench:scoring: a tenth of the zone-hour statement).
 */
const localRatings = (t: Targets) => `(
  SELECT r.client_id, r.zone_id, r.site_id, r.rated_at, r.excluded_reason, r.polarity, r.score, r.reasons, tp.scale, l.lt
  FROM t JOIN ratings r ON ${t.ratings} JOIN touchpoints tp ON tp.id = r.touchpoint_id
  CROSS JOIN LATERAL (SELECT r.rated_at AT TIME ZONE t.time_zone AS lt) AS l
  WHERE ${t.date('l.lt::date')}
  OFFSET 0) AS r
  CROSS JOIN LATERAL (SELECT r.rated_at - (r.lt - date_trunc('hour', r.lt)) AS hour, r.lt::date AS local_date) AS b`;

/**
 * Rollup rows h of a set of local dates, from parameter $3 on: a window's dates (they follow one
 * another) as one range of the (…, local_date) keys per zone or site, where the list made the index
 * look each date up (2,778 buffers for a site's month, 960 as a range); any other set as the list.
 */
function ofDates(dates: readonly string[]): { sql: string; params: unknown[] } {
  const span = dateSpan(dates);
  return span ? { sql: 'h.local_date BETWEEN $3::date AND $4::date', params: span } : { sql: 'h.local_date = ANY($3::date[])', params: [dates] };
}

/** Merges a jsonb array of {reason: n} maps into one map (an empty one when there are none, without running the subquery: most groups have none). */
const mergedReasons = (maps: string) => `CASE WHEN ${maps} IS NULL THEN '{}'::jsonb ELSE COALESCE((
  SELECT jsonb_object_agg(e.key, e.n) FROM (
    SELECT e.key, sum(e.value::int)::int AS n FROM jsonb_array_elements(${maps}) AS m(map) CROSS JOIN LATERAL jsonb_each_text(m.map) AS e
    GROUP BY e.key) AS e), '{}'::jsonb) END`;

const EXCLUDED_COLUMNS = EXCLUSION_REASONS.map((reason) => `excluded_${reason}`);
const RATING_SUM_COLUMNS = [...RATING_COLUMNS.map(([, column]) => column), 'happy_thirds', ...EXCLUDED_COLUMNS];
const SLA_ALL_COLUMNS = [...SLA_COLUMNS.map(([, column]) => column), ...SLA_EXTRA_COLUMNS];
/** Sums of the rating columns of rollup rows h, and their reason maps as a jsonb array `maps`. */
const RATING_SUMS = `${RATING_SUM_COLUMNS.map((c) => `sum(h.${c})::bigint AS ${c}`).join(', ')},
  jsonb_agg(h.negative_reasons) FILTER (WHERE h.negative_reasons <> '{}'::jsonb) AS maps`;
/** Sums of the SLA columns of rows f; minutes are float4 in the hourly rows, summed exactly in double precision. */
const slaSums = (f: string, columns: readonly string[] = SLA_ALL_COLUMNS) =>
  columns.map((c) => (SLA_REAL_COLUMNS.has(c) ? `sum(${f}.${c}::float8) AS ${c}` : `sum(${f}.${c})::bigint AS ${c}`)).join(', ');
/** The columns of scope_rollup_hourly, which burn-rate lookbacks read: counted ratings and the SLA counts indicators read. */
const HOURLY_RATING_COLUMNS = [...RATING_COLUMNS.map(([, column]) => column), 'happy_thirds'];
const SLA_SUM_COLUMNS = SLA_COLUMNS.map(([, column]) => column);

/**
 * The scoring rollups. Raw SQL over the input modules' fact tables, read-only (the one dependency
 * exception of ARCHITECTURE.md): set-based INSERT … SELECT … GROUP BY is where a rebuild's speed is.
 * Every recomputation replaces its rows from the facts, so it equals a rebuild.
 */
@Injectable()
export class RollupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The zone-days marked first (and not yet recomputed) of the figures' rollups, or of the insights' (drivers, themes). */
  async dirtyDays(limit: number, kind: MarkKind = 'figures'): Promise<DirtyDay[]> {
    return this.dataSource.query(
      `SELECT client_id AS "clientId", zone_id AS "zoneId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", generation::text AS generation
       FROM ${MARKS[kind]} ORDER BY queued LIMIT $1`,
      [limit],
    );
  }

  /** The marked zone-days of sites, of both kinds (a rebuild forgets them once it has recomputed them). */
  async dirtyDaysOf(scope: SiteScope): Promise<Marks> {
    const params: unknown[] = [scope.sites.map((s) => s.clientId), scope.sites.map((s) => s.siteId)];
    const range = [scope.from ? `AND d.local_date >= $${params.push(scope.from)}::date` : '', scope.to ? `AND d.local_date <= $${params.push(scope.to)}::date` : ''].join(' ');
    const read = (kind: MarkKind) =>
      this.dataSource.query<DirtyDay[]>(
        `SELECT d.client_id AS "clientId", d.zone_id AS "zoneId", to_char(d.local_date, 'YYYY-MM-DD') AS "localDate", d.generation::text AS generation
         FROM ${MARKS[kind]} d JOIN unnest($1::uuid[], $2::uuid[]) AS c(client_id, site_id) ON d.client_id = c.client_id AND d.site_id = c.site_id ${range}`,
        params,
      );
    return { figures: await read('figures'), insights: await read('insights') };
  }

  /**
   * Recomputes the figures' rollups of marked zone-days from the facts and forgets their marks, unless
   * marked again meanwhile, and marks the zone-days for the insights job; one transaction.
   */
  async recomputeDays(days: readonly DirtyDay[]): Promise<RecomputeStats> {
    return this.dataSource.transaction(async (tx) => {
      await writerLock(tx, 'figures');
      await noJit(tx);
      const targets = dayTargets(days);
      const stats = await this.recompute(tx, targets);
      await tx.query(
        `${targets.with} INSERT INTO insight_dirty_days (client_id, zone_id, local_date, site_id)
         SELECT DISTINCT t.client_id, t.zone_id, t.local_date, t.site_id FROM t ORDER BY 1, 2, 3
         ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET generation = nextval('scoring_dirty_generation')`,
        targets.params,
      );
      await this.forget(tx, 'figures', days);
      await bumpVersion(tx);
      return stats;
    });
  }

  /** Recomputes the drivers and comment themes of zone-days the figures' job handed on, and forgets their marks; one transaction. */
  async recomputeInsightDays(days: readonly DirtyDay[]): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await writerLock(tx, 'insights');
      await noJit(tx);
      await this.recomputeInsights(tx, dayTargets(days));
      await this.forget(tx, 'insights', days);
    });
  }

  /** Recomputes every rollup row of these sites (in the date range) from the facts, insights too; forgets the given marks. One transaction. */
  async rebuildSites(scope: SiteScope, marks: Marks): Promise<RecomputeStats> {
    return this.dataSource.transaction(async (tx) => {
      // Shared: a rebuild's batches (other sites each) run side by side; the jobs wait for them.
      await writerLock(tx, 'figures', true);
      await writerLock(tx, 'insights', true);
      await noJit(tx);
      const targets = siteTargets(scope);
      const stats = await this.recompute(tx, targets);
      await this.recomputeInsights(tx, targets);
      await this.forget(tx, 'figures', marks.figures);
      await this.forget(tx, 'insights', marks.insights);
      await bumpVersion(tx);
      return stats;
    });
  }

  /** Sites to rebuild: a contract's (retired ones too: their history counts), or every site. */
  async sitesOf(contractKey?: string): Promise<Array<{ clientId: string; siteId: string; key: string }> | undefined> {
    if (contractKey) {
      const [contract] = await this.dataSource.query<Array<{ id: string }>>(`SELECT id FROM contracts WHERE key = $1`, [contractKey]);
      if (!contract) return undefined;
      return this.dataSource.query(`SELECT client_id AS "clientId", id AS "siteId", key FROM sites WHERE contract_id = $1 ORDER BY key`, [contract.id]);
    }
    return this.dataSource.query(`SELECT client_id AS "clientId", id AS "siteId", key FROM sites ORDER BY client_id, key`);
  }

  /**
   * Fresh planner statistics for the rollup tables: after a rebuild from empty ones, the planner
   * took a month's 300,000 daily rows for a handful and read a site's zones through the client's
   * whole index (bench:scoring, site scorecard p95 99 ms); analyzed, it reads them by the primary key.
   * The hourly rating rows are vacuumed too, as autovacuum would a while later: burn-rate lookbacks
   * read them from the primary key alone where the visibility map says so (migration 1765000000019),
   * and a rebuild's rows are in none of it yet (10 million ratings' zone-hours: under a second).
   */
  async analyze(): Promise<void> {
    // A table each, side by side (the rebuild's cores are free by now): one statement analyzed them one after another.
    await Promise.all(ROLLUP_TABLES.map((table) => this.dataSource.query(VACUUMED.has(table) ? `VACUUM (ANALYZE) ${table}` : `ANALYZE ${table}`)));
  }

  async version(): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ version: string }>>(`SELECT version::text AS version FROM scoring_rollup_version`);
    return row.version;
  }

  /** The rollups' version and the catalog's, in one statement: what a scoring route's reads are kept under. */
  async versions(): Promise<{ rollups: string; catalog: string }> {
    const [row] = await this.dataSource.query<Array<{ rollups: string; catalog: string }>>(
      `SELECT r.version::text AS rollups, c.version::text AS catalog FROM scoring_rollup_version r CROSS JOIN catalog_version c`,
    );
    return row;
  }

  /**
   * Sites' counts per zone type over a calendar month (the monthly scope rows) or a set of local
   * dates (the daily ones): one row per site and zone type, keyed `siteId|zoneType`.
   */
  async scopeTotals(clientId: string, siteIds: readonly string[], over: { month: string } | { dates: readonly string[] }): Promise<Map<string, RollupCounts>> {
    const read = 'month' in over ? { table: 'scope_rollup_monthly', sql: 'h.month = $3::date', params: [over.month] } : { table: 'scope_rollup_daily', ...ofDates(over.dates) };
    const rows = await this.dataSource.query<RollupRow[]>(
      `SELECT g.site_id, g.zone_type, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].map((c) => `g.${c}`).join(', ')}, ${mergedReasons('g.maps')} AS negative_reasons
       FROM (SELECT h.site_id, h.zone_type, ${RATING_SUMS}, ${slaSums('h')}
             FROM ${read.table} h WHERE h.client_id = $1 AND h.site_id = ANY($2::uuid[]) AND ${read.sql} GROUP BY 1, 2) AS g`,
      [clientId, siteIds, ...read.params],
    );
    return new Map(rows.map((row) => [`${row.site_id as string}|${row.zone_type as string}`, countsOfRow(row)]));
  }

  /** Sites' counts per zone type and local date (daily series), keyed `siteId|zoneType`. */
  async scopeDaily(clientId: string, siteIds: readonly string[], dates: readonly string[]): Promise<Array<{ unit: string; localDate: string } & RollupCounts>> {
    const within = ofDates(dates);
    const rows = await this.dataSource.query<RollupRow[]>(
      `SELECT h.site_id, h.zone_type, to_char(h.local_date, 'YYYY-MM-DD') AS local_date, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].map((c) => `h.${c}`).join(', ')}, h.negative_reasons
       FROM scope_rollup_daily h WHERE h.client_id = $1 AND h.site_id = ANY($2::uuid[]) AND ${within.sql}
       ORDER BY h.local_date, h.site_id, h.zone_type`,
      [clientId, siteIds, ...within.params],
    );
    return rows.map((row) => ({ unit: `${row.site_id as string}|${row.zone_type as string}`, localDate: row.local_date as string, ...countsOfRow(row) }));
  }

  /**
   * Zones' counts summed over a set of local dates (each zone's own site dates): one row per zone, from
   * the daily rows, by their primary key (client, site, date, zone): a site's month in a few pages,
   * where a zone-first key took a descent per zone (bench:scoring, a site's ten zones cold: 18 pages
   * read, 7 by the site). Without the sites given, they are looked up from the zones.
   */
  async dailyTotals(clientId: string, zoneIds: readonly string[], dates: readonly string[], siteIds?: readonly string[]): Promise<Map<string, RollupCounts>> {
    const rows = await this.dailyQuery(clientId, zoneIds, dates, false, siteIds);
    return new Map(rows.map((row) => [row.zone_id as string, countsOfRow(row)]));
  }

  /** Zones' daily counts over a set of local dates, by zone and date (days without any row left out). */
  async daily(clientId: string, zoneIds: readonly string[], dates: readonly string[]): Promise<ZoneDayCounts[]> {
    const rows = await this.dailyQuery(clientId, zoneIds, dates, true);
    return rows.map((row) => ({ zoneId: row.zone_id as string, localDate: row.local_date as string, ...countsOfRow(row) }));
  }

  /**
   * Zones' hourly counts in [from, to), for burn-rate lookbacks: ratings by the site's local hour,
   * SLA facts by UTC hour (the same instants except at half-hour offsets, where they are two rows).
   */
  async hourly(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<ZoneHourCounts[]> {
    const params = [clientId, zoneIds, from.toISOString(), to.toISOString()];
    const rows = await this.dataSource.query<RollupRow[]>(
      `WITH r AS (
         SELECT h.zone_id, h.hour, ${RATING_SUMS} FROM rating_rollup_hourly h
         WHERE h.client_id = $1 AND ${SITES_OF_ZONES} AND h.zone_id = ANY($2::uuid[]) AND h.hour >= $3 AND h.hour < $4 GROUP BY h.zone_id, h.hour),
       s AS (
         SELECT f.zone_id, f.hour, ${slaSums('f')} FROM sla_facts_hourly f
         WHERE f.client_id = $1 AND f.zone_id = ANY($2::uuid[]) AND f.hour >= $3 AND f.hour < $4 GROUP BY f.zone_id, f.hour)
       SELECT COALESCE(r.zone_id, s.zone_id) AS zone_id, COALESCE(r.hour, s.hour) AS hour,
              ${RATING_SUM_COLUMNS.map((c) => `r.${c}`).join(', ')}, ${mergedReasons('r.maps')} AS negative_reasons, ${SLA_ALL_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM r FULL JOIN s ON s.zone_id = r.zone_id AND s.hour = r.hour
       ORDER BY 2, 1`,
      params,
    );
    return rows.map((row) => ({ zoneId: row.zone_id as string, hour: new Date(row.hour as string), ...countsOfRow(row) }));
  }

  /** Daily rows of both families, summed per zone (and per date when `byDate`). */
  private dailyQuery(clientId: string, zoneIds: readonly string[], dates: readonly string[], byDate: boolean, siteIds?: readonly string[]): Promise<RollupRow[]> {
    const keys = byDate ? 'h.zone_id, h.local_date' : 'h.zone_id';
    const on = byDate ? 's.zone_id = r.zone_id AND s.local_date = r.local_date' : 's.zone_id = r.zone_id';
    const within = ofDates(dates);
    const params: unknown[] = [clientId, zoneIds, ...within.params];
    const scope = `h.client_id = $1 AND ${siteIds ? `h.site_id = ANY($${params.push(siteIds)}::uuid[])` : SITES_OF_ZONES} AND h.zone_id = ANY($2::uuid[]) AND ${within.sql}`;
    return this.dataSource.query<RollupRow[]>(
      `WITH r AS (SELECT ${keys}, ${RATING_SUMS} FROM rating_rollup_daily h WHERE ${scope} GROUP BY ${keys}),
       s AS (SELECT ${keys}, ${slaSums('h')} FROM sla_rollup_daily h WHERE ${scope} GROUP BY ${keys})
       SELECT COALESCE(r.zone_id, s.zone_id) AS zone_id${byDate ? `, to_char(COALESCE(r.local_date, s.local_date), 'YYYY-MM-DD') AS local_date` : ''},
              ${RATING_SUM_COLUMNS.map((c) => `r.${c}`).join(', ')}, ${mergedReasons('r.maps')} AS negative_reasons, ${SLA_ALL_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM r FULL JOIN s ON ${on}
       ORDER BY 1${byDate ? ', 2' : ''}`,
      params,
    );
  }

  /**
   * Replaces the rollup rows of the targets with ones computed from the facts: ratings by local hour,
   * then by day; SLA facts by day. Zone-hours are grouped by site, hour and zone: sorted by a client
   * first (one value in a batch) every comparison went on to a second uuid, and the sort was a quarter
   * of the zone-hour statement (bench:scoring, perf); by site (50 in a batch) most end at the first,
   * and the groups come out in the order they are written, without a second sort: a site's hours
   * together, as its burn-rate lookbacks read them (a site's latest hours, every zone). The daily
   * rows are written in site and key order: a hash aggregate's order
   * scattered a site's month over as many pages as it had rows, and a site's scorecard read cold from
   * disk read each (bench:scoring, the site's SLA days: 288 pages for 220 rows, 47 ms).
   */
  private async recompute(tx: EntityManager, t: Targets): Promise<RecomputeStats> {
    await tx.query(`${t.with} DELETE FROM rating_rollup_hourly h USING t WHERE ${t.rollup(true)}`, t.params);
    // A batch of sites reads half a million ratings: by a plain index scan, one heap page visit per
    // rating (the planner takes the batch for one site); a bitmap scan visits each page once
    // (bench:scoring, a 50-site batch's zone-hour statement: 3.8 s → 3.1 s, 3.2 s → 2.8 s).
    if (t.bulk) await tx.query(`SET LOCAL enable_indexscan = off`);
    const [hours] = await tx.query<Array<{ rows: string; ratings: string | null }>>(
      `${t.with}, ins AS (
         INSERT INTO rating_rollup_hourly (client_id, zone_id, hour, site_id, local_date, ${RATING_SUM_COLUMNS.join(', ')}, negative_reasons)
         SELECT g.client_id, g.zone_id, g.hour, g.site_id, g.local_date, ${RATING_SUM_COLUMNS.map((c) => `g.${c}`).join(', ')}, ${reasonsOfLists('g.lists')}
         FROM (
           SELECT r.client_id, r.zone_id, b.hour, r.site_id, b.local_date,
             count(*) FILTER (WHERE r.excluded_reason IS NULL) AS rated,
             count(*) FILTER (WHERE r.excluded_reason IS NULL AND r.polarity = 'positive') AS positive,
             count(*) FILTER (WHERE r.excluded_reason IS NULL AND r.polarity = 'neutral') AS neutral,
             count(*) FILTER (WHERE r.excluded_reason IS NULL AND r.polarity = 'negative') AS negative,
             COALESCE(sum(${HAPPY_THIRDS}) FILTER (WHERE r.excluded_reason IS NULL), 0) AS happy_thirds,
             ${EXCLUSION_REASONS.map((reason) => `count(*) FILTER (WHERE r.excluded_reason = '${reason}') AS excluded_${reason}`).join(', ')},
             jsonb_agg(r.reasons) FILTER (WHERE r.excluded_reason IS NULL AND r.polarity = 'negative' AND jsonb_typeof(r.reasons) = 'array' AND r.reasons <> '[]'::jsonb) AS lists
           FROM ${localRatings(t)}
           GROUP BY r.site_id, b.hour, r.zone_id, r.client_id, b.local_date) AS g
         ORDER BY g.site_id, g.hour, g.zone_id
         RETURNING rated + ${EXCLUDED_COLUMNS.join(' + ')} AS ratings)
       SELECT count(*) AS rows, sum(ratings) AS ratings FROM ins`,
      t.params,
    );
    if (t.bulk) await tx.query(`RESET enable_indexscan`);
    await tx.query(`${t.with} DELETE FROM rating_rollup_daily h USING t WHERE ${t.rollup(false)}`, t.params);
    const [days] = await tx.query<Array<{ rows: string }>>(
      `${t.with}, ins AS (
         INSERT INTO rating_rollup_daily (client_id, zone_id, local_date, site_id, ${RATING_SUM_COLUMNS.join(', ')}, negative_reasons)
         SELECT g.client_id, g.zone_id, g.local_date, g.site_id, ${RATING_SUM_COLUMNS.map((c) => `g.${c}`).join(', ')}, ${mergedReasons('g.maps')}
         FROM (SELECT h.client_id, h.zone_id, h.local_date, h.site_id, ${RATING_SUMS}
               FROM t JOIN rating_rollup_hourly h ON ${t.rollup(true)} GROUP BY h.zone_id, h.local_date, h.client_id, h.site_id) AS g
         ORDER BY g.site_id, g.zone_id, g.local_date
         RETURNING 1)
       SELECT count(*) AS rows FROM ins`,
      t.params,
    );
    await tx.query(`${t.with} DELETE FROM sla_rollup_daily h USING t WHERE ${t.rollup(false)}`, t.params);
    const [slaDays] = await tx.query<Array<{ rows: string }>>(
      `${t.with}, ins AS (
         INSERT INTO sla_rollup_daily (client_id, zone_id, local_date, site_id, ${SLA_ALL_COLUMNS.join(', ')})
         SELECT f.client_id, f.zone_id, b.local_date, f.site_id, ${slaSums('f')}
         FROM t JOIN sla_facts_hourly f ON ${t.sla} CROSS JOIN LATERAL (SELECT (f.hour AT TIME ZONE t.time_zone)::date AS local_date) AS b
         WHERE ${t.date('b.local_date')}
         GROUP BY f.zone_id, b.local_date, f.client_id, f.site_id
         ORDER BY f.site_id, f.zone_id, b.local_date
         RETURNING 1)
       SELECT count(*) AS rows FROM ins`,
      t.params,
    );
    await this.recomputeScopes(tx, t);
    return { ratings: Number(hours.ratings ?? 0), zoneHours: Number(hours.rows), ratingDays: Number(days.rows), slaDays: Number(slaDays.rows) };
  }

  /**
   * The scope rows (per site, zone type and local hour, date and month) of the targets' site-days,
   * from the zone rows just recomputed and every other zone of those sites: all zone types of a
   * site-day together, so a zone that changed type leaves its old type's rows. SLA facts are kept
   * per local hour already (operations' zone-day facts): only their local date is computed.
   */
  private async recomputeScopes(tx: EntityManager, t: Targets): Promise<void> {
    const head = `${t.with}, ${t.siteDays}`;
    // The sites' zone types as one map for the hourly rows: looked up by index per row they took a
    // third of the statement, and a join the planner may run as a nested loop (its estimates of the
    // targets are one row) compared every row with every zone.
    const types = `zt AS MATERIALIZED (
      SELECT jsonb_object_agg(z.id::text, z.type) AS types FROM (SELECT DISTINCT z.id, z.type FROM sd JOIN zones z ON z.client_id = sd.client_id AND z.site_id = sd.site_id) AS z)`;
    const typeOf = (zoneId: string) => `(SELECT types FROM zt) ->> ${zoneId}::text`;
    const ofSiteDay = (a: string) => `${a}.client_id = sd.client_id AND ${a}.site_id = sd.site_id AND ${t.siteDate(`${a}.local_date`)}`;
    // The hour range first: the primary key has no local date.
    await tx.query(`${head} DELETE FROM scope_rollup_hourly h USING sd WHERE h.hour >= sd.lo AND h.hour < sd.hi AND ${ofSiteDay('h')}`, t.params);
    await tx.query(
      `${head}, ${types},
       r AS (
         SELECT h.client_id, h.site_id, ${typeOf('h.zone_id')} AS zone_type, h.hour, h.local_date, ${HOURLY_RATING_COLUMNS.map((c) => `sum(h.${c})::bigint AS ${c}`).join(', ')}
         FROM sd JOIN rating_rollup_hourly h ON h.hour >= sd.lo AND h.hour < sd.hi AND ${ofSiteDay('h')}
         GROUP BY 1, 2, 3, 4, 5),
       s AS (
         SELECT f.client_id, f.site_id, ${typeOf('f.zone_id')} AS zone_type, f.hour, b.local_date, ${slaSums('f', SLA_SUM_COLUMNS)}
         FROM sd JOIN sla_facts_hourly f ON f.client_id = sd.client_id AND f.site_id = sd.site_id AND f.hour >= sd.lo AND f.hour < sd.hi
         CROSS JOIN LATERAL (SELECT (f.hour AT TIME ZONE sd.time_zone)::date AS local_date) AS b
         WHERE ${t.siteDate('b.local_date')}
         GROUP BY 1, 2, 3, 4, 5)
       INSERT INTO scope_rollup_hourly (client_id, site_id, zone_type, hour, local_date, ${[...HOURLY_RATING_COLUMNS, ...SLA_SUM_COLUMNS].join(', ')})
       SELECT client_id, site_id, zone_type, hour, local_date, ${[...HOURLY_RATING_COLUMNS, ...SLA_SUM_COLUMNS].map((c) => `COALESCE(${c}, 0)`).join(', ')}
       FROM r FULL JOIN s USING (client_id, site_id, zone_type, hour, local_date)
       ORDER BY site_id, hour, zone_type`,
      t.params,
    );
    await tx.query(`${head} DELETE FROM scope_rollup_daily h USING sd WHERE ${ofSiteDay('h')}`, t.params);
    await tx.query(
      `${head},
       r AS (
         SELECT h.client_id, h.site_id, z.type AS zone_type, h.local_date, ${RATING_SUMS}
         FROM sd JOIN rating_rollup_daily h ON ${ofSiteDay('h')} JOIN zones z ON z.id = h.zone_id GROUP BY 1, 2, 3, 4),
       s AS (
         SELECT h.client_id, h.site_id, z.type AS zone_type, h.local_date, ${slaSums('h')}
         FROM sd JOIN sla_rollup_daily h ON ${ofSiteDay('h')} JOIN zones z ON z.id = h.zone_id GROUP BY 1, 2, 3, 4)
       INSERT INTO scope_rollup_daily (client_id, site_id, zone_type, local_date, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].join(', ')}, negative_reasons)
       SELECT client_id, site_id, zone_type, local_date, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].map((c) => `COALESCE(${c}, 0)`).join(', ')}, ${mergedReasons('maps')}
       FROM r FULL JOIN s USING (client_id, site_id, zone_type, local_date)
       ORDER BY site_id, local_date, zone_type`,
      t.params,
    );
    const ofSiteMonth = (a: string, month: string) => `${a}.client_id = sd.client_id AND ${a}.site_id = sd.site_id AND ${t.siteMonth(month)}`;
    await tx.query(`${head} DELETE FROM scope_rollup_monthly h USING sd WHERE ${ofSiteMonth('h', 'h.month')}`, t.params);
    await tx.query(
      `${head}
       INSERT INTO scope_rollup_monthly (client_id, site_id, zone_type, month, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].join(', ')}, negative_reasons)
       SELECT g.client_id, g.site_id, g.zone_type, g.month, ${[...RATING_SUM_COLUMNS, ...SLA_ALL_COLUMNS].map((c) => `g.${c}`).join(', ')}, ${mergedReasons('g.maps')}
       FROM (
         SELECT h.client_id, h.site_id, h.zone_type, date_trunc('month', h.local_date)::date AS month, ${RATING_SUMS}, ${slaSums('h')}
         FROM scope_rollup_daily h
         WHERE EXISTS (SELECT 1 FROM sd WHERE ${ofSiteMonth('h', `date_trunc('month', h.local_date)::date`)})
         GROUP BY 1, 2, 3, 4) AS g
       ORDER BY g.site_id, g.month, g.zone_type`,
      t.params,
    );
  }

  /** Drivers (set-based SQL, insight-rollups.ts, over the daily rating rows) and comment themes (stemmed in JS, themes.ts) of the targets. */
  private async recomputeInsights(tx: EntityManager, t: Targets): Promise<void> {
    await tx.query(`${t.with} DELETE FROM driver_rollup_daily h USING t WHERE ${t.rollup(false)}`, t.params);
    const [days, visitors] = [await tx.query<BaselineRow[]>(selectBaselineDays(t), t.params), await tx.query<VisitorsRow[]>(selectBaselineVisitors(t), t.params)];
    const thresholds = crowdingThresholds(
      days.map((d) => ({ ...d, from: Number(d.from), to: Number(d.to) })),
      visitors.map((v) => ({ ...v, hour: Number(v.hour) })),
    );
    // The planner takes the day and threshold CTEs for one row each and joins them by nested loops,
    // rescanning every zone-day per zone-day: hash joins made a 50-site batch 23.6 s → 2.5 s (bench:scoring).
    await tx.query(`SET LOCAL enable_nestloop = off`);
    await tx.query(insertDriverRollups(t, t.params.length + 1), [
      ...t.params,
      thresholds.map((th) => th.zoneId),
      thresholds.map((th) => th.localDate),
      thresholds.map((th) => th.threshold),
    ]);
    await tx.query(`RESET enable_nestloop`);
    await tx.query(`${t.with} DELETE FROM comment_theme_daily h USING t WHERE ${t.rollup(false)}`, t.params);
    const rows = themeRollupRows(dayCommentsOf(await tx.query(selectDayComments(t), t.params)));
    if (!rows.length) return;
    await tx.query(INSERT_THEME_ROLLUPS, [JSON.stringify(rows)]);
  }

  /** Forgets marks, except those marked again since they were read (a newer generation). */
  /**
   * Forgets marks not marked again since they were read. The rows are locked in key order first, the
   * order in which the ratings' and facts' triggers upsert them (ORDER BY in their INSERT … ON
   * CONFLICT): a DELETE taking them in its join's order deadlocked with a rating's insert (seen in
   * bench:scoring at 1,000 ratings/s), and the rating was refused.
   */
  private async forget(tx: EntityManager, kind: MarkKind, marks: readonly DirtyDay[]): Promise<void> {
    if (!marks.length) return;
    await tx.query(
      `WITH locked AS (
         SELECT d.ctid FROM ${MARKS[kind]} d
         JOIN unnest($1::uuid[], $2::uuid[], $3::date[], $4::bigint[]) AS m(client_id, zone_id, local_date, generation)
           ON d.client_id = m.client_id AND d.zone_id = m.zone_id AND d.local_date = m.local_date AND d.generation <= m.generation
         ORDER BY d.client_id, d.zone_id, d.local_date
         FOR UPDATE OF d)
       DELETE FROM ${MARKS[kind]} d USING locked WHERE d.ctid = locked.ctid`,
      [marks.map((m) => m.clientId), marks.map((m) => m.zoneId), marks.map((m) => m.localDate), marks.map((m) => m.generation)],
    );
  }
}

/**
 * One writer of each kind of rollup at a time (job, rebuild, a test's catch-up): two replacing the
 * same rows would both insert them. A rebuild's batches take the figures' lock, then the insights',
 * shared: each replaces other sites' rows.
 */
const writerLock = (tx: EntityManager, kind: MarkKind, shared = false) =>
  tx.query(`SELECT pg_advisory_xact_lock${shared ? '_shared' : ''}($1, hashtext($2))`, [ADVISORY_LOCKS.leaderJob, `scoring:${kind}:write`]);

/**
 * JIT off for a recomputation's statements: their plans cost enough to be compiled, and compiling
 * took longer than it saved (bench:scoring, a batch of 50 sites: 0.5 s of the zone-hour statement's
 * 3.7 s, 1.3 s of the drivers' 3.1 s).
 */
const noJit = (tx: EntityManager) => tx.query(`SET LOCAL jit = off`);

/** Moves the rollup version on, last in a transaction that changed the figures' rollups (its row lock is held until the commit). */
const bumpVersion = (tx: EntityManager) => tx.query(`UPDATE scoring_rollup_version SET version = version + 1`);

/** A rating's happy-index weight in thirds of a point (as happyWeight in indicators.ts, times 3: exact for smiley4). */
const HAPPY_THIRDS = `CASE r.scale WHEN 'smiley4' THEN (r.score - 1) * 100 WHEN 'smiley5' THEN (r.score - 1) * 75 ELSE r.score * 30 END`;

/** Negative ratings per reason from a jsonb array of the ratings' reason lists; a reason named twice in one rating counts once. */
const reasonsOfLists = (lists: string) => `CASE WHEN ${lists} IS NULL THEN '{}'::jsonb ELSE COALESCE((
  SELECT jsonb_object_agg(e.reason, e.n) FROM (
    SELECT x.reason, count(DISTINCT l.i)::int AS n FROM jsonb_array_elements(${lists}) WITH ORDINALITY AS l(list, i)
    CROSS JOIN LATERAL jsonb_array_elements_text(l.list) AS x(reason) GROUP BY x.reason) AS e), '{}'::jsonb) END`;

/**
 * Targets of the incremental job: marked zone-days, each with its local day as instants.
 * MATERIALIZED: inlined, the planner joined the sites after the ratings and could not bound their
 * index scan by the day (a batch of 1,000 zone-days read every rating of their sites: 4.4 s → 22 ms).
 */
function dayTargets(days: readonly DirtyDay[]): Targets {
  return {
    with: `WITH t AS MATERIALIZED (
      SELECT d.client_id, d.zone_id, d.local_date, z.site_id, s.time_zone,
             (d.local_date::timestamp AT TIME ZONE s.time_zone) - ${SLACK} AS lo, ((d.local_date + 1)::timestamp AT TIME ZONE s.time_zone) + ${SLACK} AS hi
      FROM unnest($1::uuid[], $2::uuid[], $3::date[]) AS d(client_id, zone_id, local_date)
      JOIN zones z ON z.client_id = d.client_id AND z.id = d.zone_id JOIN sites s ON s.id = z.site_id)`,
    params: [days.map((d) => d.clientId), days.map((d) => d.zoneId), days.map((d) => d.localDate)],
    bulk: false,
    ratings: 'r.client_id = t.client_id AND r.site_id = t.site_id AND r.zone_id = t.zone_id AND r.rated_at >= t.lo AND r.rated_at < t.hi',
    sla: 'f.client_id = t.client_id AND f.zone_id = t.zone_id AND f.hour >= t.lo AND f.hour < t.hi',
    date: (expr) => `${expr} = t.local_date`,
    // The site too: the zone rollups are keyed by site first (client, site, date or hour, zone).
    rollup: (hourly) =>
      `h.client_id = t.client_id AND h.site_id = t.site_id AND h.zone_id = t.zone_id AND h.local_date = t.local_date${hourly ? ' AND h.hour >= t.lo AND h.hour < t.hi' : ''}`,
    siteDays: `sd AS (SELECT DISTINCT client_id, site_id, time_zone, local_date, lo, hi FROM t)`,
    siteDate: (expr) => `${expr} = sd.local_date`,
    siteMonth: (expr) => `${expr} = date_trunc('month', sd.local_date)::date`,
  };
}

/** Targets of a rebuild: whole sites, in a range of local dates if given (a local date lies within a day of its UTC date). */
function siteTargets(scope: SiteScope): Targets {
  const params: unknown[] = [scope.sites.map((s) => s.clientId), scope.sites.map((s) => s.siteId)];
  const from = scope.from ? `$${params.push(scope.from)}::date` : undefined;
  const to = scope.to ? `$${params.push(scope.to)}::date` : undefined;
  const within = (at: string) =>
    [from ? ` AND ${at} >= (${from} - 1)::timestamp AT TIME ZONE 'UTC'` : '', to ? ` AND ${at} < (${to} + 2)::timestamp AT TIME ZONE 'UTC'` : ''].join('');
  const date = (expr: string) => [from ? `${expr} >= ${from}` : 'true', to ? `${expr} <= ${to}` : 'true'].join(' AND ');
  return {
    with: `WITH t AS MATERIALIZED (
      SELECT s.client_id, s.id AS site_id, s.time_zone FROM unnest($1::uuid[], $2::uuid[]) AS c(client_id, site_id)
      JOIN sites s ON s.client_id = c.client_id AND s.id = c.site_id)`,
    params,
    bulk: true,
    ratings: `r.client_id = t.client_id AND r.site_id = t.site_id${within('r.rated_at')}`,
    sla: `f.client_id = t.client_id AND f.site_id = t.site_id${within('f.hour')}`,
    date,
    rollup: (hourly) => `h.client_id = t.client_id AND h.site_id = t.site_id AND ${date('h.local_date')}${hourly ? within('h.hour') : ''}`,
    siteDays: `sd AS (SELECT client_id, site_id, time_zone,
      ${from ? `(${from} - 1)::timestamp AT TIME ZONE 'UTC'` : `'-infinity'::timestamptz`} AS lo, ${to ? `(${to} + 2)::timestamp AT TIME ZONE 'UTC'` : `'infinity'::timestamptz`} AS hi FROM t)`,
    siteDate: date,
    siteMonth: (expr) => [from ? `${expr} >= date_trunc('month', ${from})::date` : 'true', to ? `${expr} <= ${to}` : 'true'].join(' AND '),
  };
}

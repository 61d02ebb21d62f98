import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addCounts, emptyCounts, type Counts } from './indicators';
import { countsOfRow, RATING_COLUMNS, SLA_COLUMNS, SLA_REAL_COLUMNS, type RollupRow } from './rollup-columns';

/** One lookback's service hours of a site: the instants [start, end) its hourly rows count in. */
export interface SiteLookbackRange {
  siteId: string;
  hours: number;
  start: number;
  end: number;
}

/** A zone of the scope and the group its lookback counts are summed into (the zone itself, or its site's zones of its type). */
export interface LookbackZone {
  id: string;
  group: number;
}

const RATING_SUM_COLUMNS = [...RATING_COLUMNS.map(([, column]) => column), 'happy_thirds'];
const SLA_SUM_COLUMNS = SLA_COLUMNS.map(([, column]) => column);
/** Sum of a column of rows `alias`: minutes (float4 in the hourly rows) exactly in double precision, counts as bigint once summed up. */
const sumOf = (alias: string, column: string, last: boolean) =>
  SLA_REAL_COLUMNS.has(column) ? `sum(${alias}.${column}::float8) AS ${column}` : `sum(${alias}.${column})${last ? '::bigint' : ''} AS ${column}`;

/**
 * A range r's hourly rows of its site, by the (client, site, hour) index (the rating rollups' primary
 * key, the SLA facts' site-hour index): the fence (OFFSET 0) keeps the planner
 * from merging every range with all of a client's rows (a month of 1,000 sites' scope rows for 9,000
 * ranges, 8 s in bench:scoring) instead of probing the index once per range. Both indexes carry
 * the columns the sums read (migration 1765000000019): the planner drops the rest of `h.*`, and the
 * rows come from the index alone.
 */
const HOURS_OF_RANGE = (table: string) => `SELECT h.* FROM ${table} h WHERE h.client_id = $1 AND h.site_id = r.site_id AND h.hour >= r.lo AND h.hour < r.hi OFFSET 0`;

/**
 * One family's sums per zone and lookback length: rows h of the sites' hour ranges (by the site-hour
 * index), summed per zone first so that the groups join a few thousand rows, not every hourly row.
 */
const zoneSums = (name: string, table: 'rating_rollup_hourly' | 'sla_facts_hourly', columns: readonly string[]) => `${name} AS MATERIALIZED (
  SELECT h.zone_id, r.n, ${columns.map((c) => sumOf('h', c, false)).join(', ')}
  FROM r CROSS JOIN LATERAL (${HOURS_OF_RANGE(table)}) AS h
  GROUP BY h.zone_id, r.n)`;

/**
 * Both families' sums per group and lookback length, one statement (one round trip): a row per
 * family, the other family's columns null (counted 0). JIT is off for the service's connections
 * (database-options.ts): the row estimates of unnest made it compile for longer than this runs.
 */
const LOOKBACK_SUMS = `WITH g AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS g(zone_id, grp)),
  r AS (SELECT * FROM unnest($4::uuid[], $5::int[], $6::timestamptz[], $7::timestamptz[]) AS r(site_id, n, lo, hi)),
  ${zoneSums('zr', 'rating_rollup_hourly', RATING_SUM_COLUMNS)},
  ${zoneSums('zs', 'sla_facts_hourly', SLA_SUM_COLUMNS)}
  SELECT g.grp, z.n, ${RATING_SUM_COLUMNS.map((c) => sumOf('z', c, true)).join(', ')}, ${SLA_SUM_COLUMNS.map((c) => `NULL AS ${c}`).join(', ')}
  FROM zr z JOIN g ON g.zone_id = z.zone_id GROUP BY g.grp, z.n
  UNION ALL
  SELECT g.grp, z.n, ${RATING_SUM_COLUMNS.map((c) => `NULL AS ${c}`).join(', ')}, ${SLA_SUM_COLUMNS.map((c) => sumOf('z', c, true)).join(', ')}
  FROM zs z JOIN g ON g.zone_id = z.zone_id GROUP BY g.grp, z.n`;

/**
 * Burn-rate lookbacks from the hourly rollups, summed in SQL per group and lookback length.
 * Raw SQL: one set-based statement, each site's hour ranges read through a (client, site, hour) index.
 */
@Injectable()
export class LookbacksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts per group and lookback length (every group and length present, zero where nothing happened). */
  async lookbackCounts(clientId: string, zones: readonly LookbackZone[], ranges: readonly SiteLookbackRange[], lengths: readonly number[]): Promise<Map<number, Map<number, Counts>>> {
    const result = new Map<number, Map<number, Counts>>();
    for (const zone of zones) if (!result.has(zone.group)) result.set(zone.group, new Map(lengths.map((n) => [n, emptyCounts()])));
    if (!ranges.length || !zones.length) return result;
    const iso = (ms: number) => new Date(ms).toISOString();
    const params = [clientId, zones.map((z) => z.id), zones.map((z) => z.group), ranges.map((r) => r.siteId), ranges.map((r) => r.hours), ranges.map((r) => iso(r.start)), ranges.map((r) => iso(r.end))];
    // A row holds one family's columns (the other's count 0), so a group's two rows add up.
    for (const row of await this.dataSource.query<RollupRow[]>(LOOKBACK_SUMS, params)) {
      const byLength = result.get(Number(row.grp))!;
      byLength.set(Number(row.n), addCounts(byLength.get(Number(row.n))!, countsOfRow(row).counts));
    }
    return result;
  }

  /**
   * Counts per site and zone type (keyed `siteId|zoneType`) and lookback length, from the scope rows
   * (scope_rollup_hourly: both families in one row per site, type and local hour).
   */
  async scopeLookbackCounts(clientId: string, ranges: readonly SiteLookbackRange[], lengths: readonly number[]): Promise<Map<string, Map<number, Counts>>> {
    const result = new Map<string, Map<number, Counts>>();
    if (!ranges.length) return result;
    const iso = (ms: number) => new Date(ms).toISOString();
    const columns = [...RATING_SUM_COLUMNS, ...SLA_SUM_COLUMNS];
    const rows = await this.dataSource.query<RollupRow[]>(
      `SELECT h.site_id, h.zone_type, r.n, ${columns.map((c) => sumOf('h', c, true)).join(', ')}
       FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS r(site_id, n, lo, hi)
       CROSS JOIN LATERAL (${HOURS_OF_RANGE('scope_rollup_hourly')}) AS h
       GROUP BY 1, 2, 3`,
      [clientId, ranges.map((r) => r.siteId), ranges.map((r) => r.hours), ranges.map((r) => iso(r.start)), ranges.map((r) => iso(r.end))],
    );
    for (const row of rows) {
      const key = `${row.site_id as string}|${row.zone_type as string}`;
      const byLength = result.get(key) ?? new Map(lengths.map((n) => [n, emptyCounts()]));
      byLength.set(Number(row.n), countsOfRow(row).counts);
      result.set(key, byLength);
    }
    return result;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Counts } from './indicators';
import { countsOfRow, RATING_COLUMNS, SLA_COLUMNS, SLA_REAL_COLUMNS, type RollupRow } from './rollup-columns';

/** One service hour of a site: its local hour start, the UTC hour of SLA facts that starts in it, and its rank (0 = latest). */
export interface ServiceBucket {
  siteId: string;
  bucket: number;
  slaHour: number;
  rank: number;
}

const RATING_SUM_COLUMNS = [...RATING_COLUMNS.map(([, column]) => column), 'happy_thirds'];
const SLA_SUM_COLUMNS = SLA_COLUMNS.map(([, column]) => column);
const sum = (alias: string, column: string) => (SLA_REAL_COLUMNS.has(column) ? `sum(${alias}.${column}::float8) AS ${column}` : `sum(${alias}.${column})::bigint AS ${column}`);

/**
 * Burn-rate lookbacks from the hourly rollups: each zone's counts over its site's latest N service
 * hours, summed in SQL (set-based: a contract's thousands of zone-hours come back as three rows a zone).
 * Raw SQL: one statement over both hourly tables, read by their site indexes.
 */
@Injectable()
export class LookbacksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts per zone and lookback length, over the service buckets of rank below the length; zones without any left out. */
  async lookbackCounts(
    clientId: string,
    zones: ReadonlyArray<{ id: string; siteId: string }>,
    buckets: readonly ServiceBucket[],
    lengths: readonly number[],
  ): Promise<Map<string, Map<number, Counts>>> {
    const result = new Map<string, Map<number, Counts>>();
    if (!buckets.length || !zones.length) return result;
    const iso = (ms: number) => new Date(ms).toISOString();
    // Ratings: each site's days through their site index, hashed against its service hours; SLA facts: each service hour through its site index.
    const rows = await this.dataSource.query<RollupRow[]>(
      `WITH b AS (SELECT * FROM unnest($3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::int[]) AS b(site_id, bucket, sla_hour, rank)),
       l AS (SELECT n FROM unnest($7::int[]) AS l(n)),
       site AS (SELECT site_id, min(bucket) AS lo, max(bucket) + interval '1 hour' AS hi FROM b GROUP BY site_id),
       rh AS MATERIALIZED (
         SELECT h.* FROM site JOIN rating_rollup_hourly h ON h.client_id = $1 AND h.site_id = site.site_id
           AND h.local_date >= (site.lo AT TIME ZONE 'UTC')::date - 1 AND h.local_date <= (site.hi AT TIME ZONE 'UTC')::date + 1
         WHERE h.zone_id = ANY($2::uuid[])),
       r AS (
         SELECT h.zone_id, l.n, ${RATING_SUM_COLUMNS.map((c) => sum('h', c)).join(', ')}
         FROM rh h JOIN b ON b.site_id = h.site_id AND b.bucket = h.hour JOIN l ON b.rank < l.n GROUP BY h.zone_id, l.n),
       s AS (
         SELECT f.zone_id, l.n, ${SLA_SUM_COLUMNS.map((c) => sum('f', c)).join(', ')}
         FROM b CROSS JOIN LATERAL (
           SELECT * FROM sla_facts_hourly f WHERE f.client_id = $1 AND f.site_id = b.site_id AND f.hour = b.sla_hour AND f.zone_id = ANY($2::uuid[])) AS f
         JOIN l ON b.rank < l.n GROUP BY f.zone_id, l.n)
       SELECT COALESCE(r.zone_id, s.zone_id) AS zone_id, COALESCE(r.n, s.n) AS n,
              ${RATING_SUM_COLUMNS.map((c) => `r.${c}`).join(', ')}, ${SLA_SUM_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM r FULL JOIN s ON s.zone_id = r.zone_id AND s.n = r.n`,
      [
        clientId,
        zones.map((z) => z.id),
        buckets.map((b) => b.siteId),
        buckets.map((b) => iso(b.bucket)),
        buckets.map((b) => iso(b.slaHour)),
        buckets.map((b) => b.rank),
        lengths,
      ],
    );
    for (const row of rows) {
      const zoneId = row.zone_id as string;
      const byLength = result.get(zoneId) ?? new Map<number, Counts>();
      byLength.set(Number(row.n), countsOfRow(row).counts);
      result.set(zoneId, byLength);
    }
    return result;
  }
}

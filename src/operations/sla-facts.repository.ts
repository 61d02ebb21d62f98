import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../platform/database/sql-params';
import { SLA_FACT_COLUMNS as FACT_COLUMNS } from './sla-fact-columns';
import type { HourFacts, KindInterval } from './zone-day-facts';
import { ZoneIntervalsRepository } from './zone-intervals.repository';


export interface DirtyDay {
  clientId: string;
  zoneId: string;
  localDate: string;
  /**
   * When it was last marked, as PostgreSQL's text (microseconds): a Date keeps milliseconds, and
   * `marked_at <= ` a Date never held for a mark with microseconds, so no mark was ever forgotten
   * and a backlog over one batch recomputed its first batch for ever.
   */
  markedAt: string;
}

@Injectable()
export class SlaFactsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly intervals: ZoneIntervalsRepository,
  ) {}

  /**
   * Replaces a zone-day's hours and intervals with these, in one transaction: a recomputation from
   * scratch. Only the hours that differ are written: the statement triggers mark the days of written
   * rows for the scoring rollups, and today's and yesterday's hours, recomputed every few minutes,
   * mostly come out the same (rewriting them all had the rollups recomputed and their version moved
   * every minute for nothing). The rows left are those a delete-all-and-insert would leave.
   */
  async replaceDay(
    zone: { clientId: string; siteId: string; zoneId: string },
    day: { start: number; end: number },
    hours: readonly HourFacts[],
    intervals: readonly KindInterval[] = [],
  ): Promise<void> {
    const columns = FACT_COLUMNS.map(([, column]) => column);
    const params: unknown[] = [
      zone.clientId,
      zone.zoneId,
      zone.siteId,
      new Date(day.start).toISOString(),
      new Date(day.end).toISOString(),
      hours.map((h) => new Date(h.hour).toISOString()),
      ...FACT_COLUMNS.map(([field]) => hours.map((h) => h[field])),
    ];
    const rows = `unnest($6::timestamptz[], ${FACT_COLUMNS.map((_, i) => `$${i + 7}::real[]`).join(', ')}) AS u(hour, ${columns.join(', ')})`;
    // Equal as stored: every column compared in double precision (exact for integers and reals alike).
    const same = `f.site_id = $3 AND (${columns.map((c) => `f.${c}::float8`).join(', ')}) IS NOT DISTINCT FROM (${columns.map((c) => `u.${c}::float8`).join(', ')})`;
    const ofDay = `f.client_id = $1 AND f.zone_id = $2 AND f.hour >= $4 AND f.hour < $5`;
    await this.dataSource.transaction(async (tx) => {
      await this.intervals.replaceDay(tx, zone, day, intervals);
      await tx.query(`DELETE FROM sla_facts_hourly f WHERE ${ofDay} AND NOT EXISTS (SELECT 1 FROM ${rows} WHERE u.hour = f.hour AND ${same})`, params);
      if (!hours.length) return;
      // The hours still there are equal to theirs: the others go in.
      await tx.query(
        `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, ${columns.join(', ')})
         SELECT $1, $2, $3, u.* FROM ${rows} WHERE NOT EXISTS (SELECT 1 FROM sla_facts_hourly f WHERE ${ofDay} AND f.hour = u.hour)`,
        params,
      );
    });
  }

  /** Marks the local days of these instants (in each zone's site time zone) for recomputation. */
  async markDirty(entries: ReadonlyArray<{ clientId: string; zoneId: string; at: Date }>): Promise<void> {
    if (!entries.length) return;
    await this.dataSource.query(
      `INSERT INTO sla_dirty_days (client_id, zone_id, local_date)
       SELECT DISTINCT e.client_id, e.zone_id, (e.at AT TIME ZONE s.time_zone)::date
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS e(client_id, zone_id, at)
       JOIN zones z ON z.client_id = e.client_id AND z.id = e.zone_id JOIN sites s ON s.id = z.site_id
       ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET marked_at = clock_timestamp()`,
      [entries.map((e) => e.clientId), entries.map((e) => e.zoneId), entries.map((e) => e.at.toISOString())],
    );
  }

  /** Today and yesterday at every active zone's site: statuses move with time (a task falls due, is missed) without new facts. */
  async markRecentDays(now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sla_dirty_days (client_id, zone_id, local_date)
       SELECT z.client_id, z.id, d.day FROM zones z JOIN sites s ON s.id = z.site_id
       CROSS JOIN LATERAL (VALUES (($1::timestamptz AT TIME ZONE s.time_zone)::date), (($1::timestamptz AT TIME ZONE s.time_zone)::date - 1)) AS d(day)
       WHERE z.retired_at IS NULL AND s.retired_at IS NULL
       ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET marked_at = clock_timestamp()`,
      [now.toISOString()],
    );
  }

  async dirty(limit: number): Promise<DirtyDay[]> {
    return this.dataSource.query(
      `SELECT client_id AS "clientId", zone_id AS "zoneId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", marked_at::text AS "markedAt"
       FROM sla_dirty_days ORDER BY marked_at LIMIT $1`,
      [limit],
    );
  }

  /** Done with these days, except those marked again while they were being recomputed. */
  async clean(days: readonly DirtyDay[]): Promise<void> {
    if (!days.length) return;
    await this.dataSource.query(
      `DELETE FROM sla_dirty_days d USING unnest($1::uuid[], $2::uuid[], $3::date[], $4::timestamptz[]) AS m(client_id, zone_id, local_date, marked_at)
       WHERE d.client_id = m.client_id AND d.zone_id = m.zone_id AND d.local_date = m.local_date AND d.marked_at <= m.marked_at`,
      [days.map((d) => d.clientId), days.map((d) => d.zoneId), days.map((d) => d.localDate), days.map((d) => d.markedAt)],
    );
  }

  async list(clientId: string | null, q: { site?: string; zone?: string; from: Date; to: Date }) {
    const sql = new SqlParams();
    const where = [`f.hour >= ${sql.bind(q.from.toISOString())}`, `f.hour < ${sql.bind(q.to.toISOString())}`];
    if (clientId) where.push(`f.client_id = ${sql.bind(clientId)}`);
    if (q.site) where.push(`s.key = ${sql.bind(q.site)}`);
    if (q.zone) where.push(`s.key || '.' || z.key = ${sql.bind(q.zone)}`);
    return this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT s.key || '.' || z.key AS zone, f.hour, ${FACT_COLUMNS.map(([field, column]) => `f.${column} AS "${field}"`).join(', ')}
       FROM sla_facts_hourly f JOIN zones z ON z.id = f.zone_id JOIN sites s ON s.id = f.site_id ${whereAll(where)} ORDER BY f.hour, 1 LIMIT 20000`,
      sql.values,
    );
  }
}

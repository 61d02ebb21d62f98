import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { SqlParams, whereAll } from '../platform/database/sql-params';
import { SLA_FACT_COLUMNS as FACT_COLUMNS } from './sla-fact-columns';
import type { HourFacts, KindInterval } from './zone-day-facts';
import { ZoneIntervalsRepository, type ZoneDayIntervals } from './zone-intervals.repository';

/** A zone's recomputed hours and intervals of one day. */
export interface ZoneDay extends ZoneDayIntervals {
  hours: readonly HourFacts[];
}

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

  /** Replaces a zone-day's hours and intervals with these (replaceDays of one zone). */
  replaceDay(zone: ZoneDay['zone'], day: { start: number; end: number }, hours: readonly HourFacts[], intervals: readonly KindInterval[] = []): Promise<void> {
    return this.replaceDays([{ zone, hours, intervals }], day);
  }

  /**
   * Replaces zones' hours and intervals of one day (one window: the zones share a time zone) with
   * these, in one transaction: a recomputation from scratch, a few statements for all the zones. Only
   * the hours that differ are written: the statement triggers mark the days of written rows for the
   * scoring rollups, and today's and yesterday's hours, recomputed every few minutes, mostly come out
   * the same (rewriting them all had the rollups recomputed and their version moved every minute for
   * nothing). The rows left are those a delete-all-and-insert would leave.
   */
  async replaceDays(zones: readonly ZoneDay[], day: { start: number; end: number }): Promise<void> {
    if (!zones.length) return;
    const columns = FACT_COLUMNS.map(([, column]) => column);
    const rows = zones.flatMap(({ zone, hours }) => hours.map((h) => ({ zone, h })));
    const params: unknown[] = [
      zones.map((z) => z.zone.clientId),
      zones.map((z) => z.zone.zoneId),
      new Date(day.start).toISOString(),
      new Date(day.end).toISOString(),
      rows.map((r) => r.zone.clientId),
      rows.map((r) => r.zone.zoneId),
      rows.map((r) => r.zone.siteId),
      rows.map((r) => new Date(r.h.hour).toISOString()),
      ...FACT_COLUMNS.map(([field]) => rows.map((r) => r.h[field])),
    ];
    // The recomputed hours from parameter $first on (the delete also takes the zones and the day first).
    const fresh = (first: number) => `u AS MATERIALIZED (
      SELECT * FROM unnest(${['uuid', 'uuid', 'uuid', 'timestamptz', ...FACT_COLUMNS.map(() => 'real')].map((type, i) => `$${first + i}::${type}[]`).join(', ')})
      AS u(client_id, zone_id, site_id, hour, ${columns.join(', ')}))`;
    const zonesOf = `z AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS z(client_id, zone_id))`;
    // Equal as stored: every column compared in double precision (exact for integers and reals alike).
    const same = `f.site_id = u.site_id AND (${columns.map((c) => `f.${c}::float8`).join(', ')}) IS NOT DISTINCT FROM (${columns.map((c) => `u.${c}::float8`).join(', ')})`;
    await this.dataSource.transaction(async (tx) => {
      // A concurrent recomputation of the client (the job's and a caller's catch-up) waits for this one; in order, so two never deadlock.
      for (const clientId of [...new Set(zones.map((z) => z.zone.clientId))].sort()) {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCKS.slaFacts, clientId]);
      }
      await this.intervals.replaceDays(tx, zones, day);
      await tx.query(
        `WITH ${zonesOf}, ${fresh(5)}
         DELETE FROM sla_facts_hourly f USING z WHERE f.client_id = z.client_id AND f.zone_id = z.zone_id AND f.hour >= $3 AND f.hour < $4
           AND NOT EXISTS (SELECT 1 FROM u WHERE u.client_id = f.client_id AND u.zone_id = f.zone_id AND u.hour = f.hour AND ${same})`,
        params,
      );
      if (!rows.length) return;
      // The hours still there are equal to theirs: the others go in.
      await tx.query(
        `WITH ${fresh(1)}
         INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, ${columns.join(', ')})
         SELECT u.* FROM u WHERE NOT EXISTS (SELECT 1 FROM sla_facts_hourly f WHERE f.client_id = u.client_id AND f.zone_id = u.zone_id AND f.hour = u.hour)`,
        params.slice(4),
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

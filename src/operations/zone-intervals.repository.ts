import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlParams } from '../platform/database/sql-params';
import type { IntervalKind, KindInterval } from './zone-day-facts';

/** An interval never spans more than its local day (25 hours on a DST change; a margin for odd zones): overlap queries bound its start. */
const LONGEST_DAY_MS = 26 * 3_600_000;

/** A zone's intervals of one day, as recomputed. */
export interface ZoneDayIntervals {
  zone: { clientId: string; siteId: string; zoneId: string };
  intervals: readonly KindInterval[];
}

export interface StoredZoneInterval {
  zoneId: string;
  /** "siteKey.zoneKey" */
  zone: string;
  /** The site's local date the interval belongs to. */
  date: string;
  kind: IntervalKind;
  start: Date;
  end: Date;
  visitors: number;
}

@Injectable()
export class ZoneIntervalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Replaces zones' intervals of one day (one window: the zones share a time zone) with these, within
   * the caller's transaction (the one that replaces the day's hours). A day's intervals start within
   * it: its local date is the site's date of the start.
   */
  async replaceDays(tx: EntityManager, zones: readonly ZoneDayIntervals[], day: { start: number; end: number }): Promise<void> {
    if (!zones.length) return;
    const bounds = [new Date(day.start).toISOString(), new Date(day.end).toISOString()];
    await tx.query(
      `DELETE FROM zone_intervals i USING unnest($1::uuid[], $2::uuid[]) AS z(client_id, zone_id)
       WHERE i.client_id = z.client_id AND i.zone_id = z.zone_id AND i.start_at >= $3 AND i.start_at < $4`,
      [zones.map((z) => z.zone.clientId), zones.map((z) => z.zone.zoneId), ...bounds],
    );
    const rows = zones.flatMap(({ zone, intervals }) => intervals.map((i) => ({ zone, i })));
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO zone_intervals (client_id, zone_id, site_id, local_date, kind, start_at, end_at, visitors)
       SELECT u.client_id, u.zone_id, s.id, (u.start_at AT TIME ZONE s.time_zone)::date, u.kind, u.start_at, u.end_at, u.visitors
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::real[]) AS u(client_id, zone_id, site_id, kind, start_at, end_at, visitors)
       JOIN sites s ON s.id = u.site_id`,
      [
        rows.map((r) => r.zone.clientId),
        rows.map((r) => r.zone.zoneId),
        rows.map((r) => r.zone.siteId),
        rows.map((r) => r.i.kind),
        rows.map((r) => new Date(r.i.start).toISOString()),
        rows.map((r) => new Date(r.i.end).toISOString()),
        rows.map((r) => r.i.visitors),
      ],
    );
  }

  /** Intervals of these zones of one client that overlap [from, to), in start order. */
  async overlapping(clientId: string, zoneIds: readonly string[], from: Date, to: Date, kinds?: readonly IntervalKind[]): Promise<StoredZoneInterval[]> {
    if (!zoneIds.length) return [];
    const sql = new SqlParams(clientId, zoneIds, from.toISOString(), to.toISOString(), new Date(from.getTime() - LONGEST_DAY_MS).toISOString());
    const ofKinds = kinds ? `AND i.kind = ANY(${sql.bind(kinds)}::text[])` : '';
    const rows = await this.dataSource.query<Array<Omit<StoredZoneInterval, 'visitors'> & { visitors: number | string }>>(
      `SELECT i.zone_id AS "zoneId", s.key || '.' || z.key AS zone, to_char(i.local_date, 'YYYY-MM-DD') AS date, i.kind,
              i.start_at AS start, i.end_at AS "end", i.visitors
       FROM zone_intervals i JOIN zones z ON z.id = i.zone_id JOIN sites s ON s.id = i.site_id
       WHERE i.client_id = $1 AND i.zone_id = ANY($2::uuid[]) AND i.end_at > $3 AND i.start_at < $4 AND i.start_at > $5 ${ofKinds}
       ORDER BY i.start_at, zone, i.kind LIMIT 20000`,
      sql.values,
    );
    return rows.map((r) => ({ ...r, start: new Date(r.start), end: new Date(r.end), visitors: Number(r.visitors) }));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Language } from '../catalog/catalog.types';
import type { ConditionCounts } from './drivers';
import { DAY_TOTALS } from './insight-rollups';
import { ALL_COMMENTS, DRIVER_CONDITION_KEYS, type DriverCondition, type HourOfWeekCounts } from './insights';

/** The condition whose driver rows are dense over the zone-days with a baseline (the others are sparse). */
const CROWDING_CONDITION: DriverCondition = 'crowding';

/** Zones of one client whose sites share the same local dates: one read each. */
export interface ZoneDays {
  clientId: string;
  siteIds: string[];
  zoneIds: string[];
  dates: string[];
}

/** The rows of a scope: the client's sites (the index) narrowed to its zones, on their local dates. */
const SCOPE = `h.client_id = $1 AND h.site_id = ANY($2::uuid[]) AND h.zone_id = ANY($3::uuid[]) AND h.local_date = ANY($4::date[])`;
/** The hours around a scope's local dates (a local date lies within a day of its UTC date): the site-hour index's range. */
const HOURS_OF_DATES = `h.hour >= (SELECT min(d) - 1 FROM unnest($4::date[]) AS d)::timestamp AT TIME ZONE 'UTC'
  AND h.hour < (SELECT max(d) + 2 FROM unnest($4::date[]) AS d)::timestamp AT TIME ZONE 'UTC'`;
const paramsOf = (g: ZoneDays) => [g.clientId, g.siteIds, g.zoneIds, g.dates];

/** Reads of the driver, theme and hourly rating rollups: one row per zone-day (or zone-hour) at most, never raw ratings. */
@Injectable()
export class InsightsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * n1, k1, n0, k0 per condition, summed over the zones and dates. The driver rows are sparse
   * (insight-rollups.ts): an interval condition's n0 and k0 are the zone-days' totals (the '*' rows)
   * less its n1 and k1, present once the scope has a zone-day with counted ratings; crowding's are
   * its rows' own (zone-days with a baseline), present with a row.
   */
  async driverCounts(g: ZoneDays): Promise<ConditionCounts[]> {
    const rows = await this.dataSource.query<Array<Record<string, string>>>(
      `WITH c AS (
         SELECT h.condition, sum(h.n1)::int AS n1, sum(h.k1)::int AS k1, sum(h.n0)::int AS n0, sum(h.k0)::int AS k0
         FROM driver_rollup_daily h WHERE ${SCOPE} GROUP BY h.condition)
       SELECT k.condition, COALESCE(c.n1, 0) AS n1, COALESCE(c.k1, 0) AS k1,
              CASE WHEN k.condition = '${CROWDING_CONDITION}' THEN c.n0 ELSE d.n0 - COALESCE(c.n1, 0) END AS n0,
              CASE WHEN k.condition = '${CROWDING_CONDITION}' THEN c.k0 ELSE d.k0 - COALESCE(c.k1, 0) END AS k0
       FROM (VALUES ${DRIVER_CONDITION_KEYS.map((c) => `('${c}')`).join(', ')}) AS k(condition)
       LEFT JOIN c ON c.condition = k.condition LEFT JOIN c AS d ON d.condition = '${DAY_TOTALS}'
       WHERE CASE WHEN k.condition = '${CROWDING_CONDITION}' THEN c.condition IS NOT NULL ELSE d.condition IS NOT NULL END
       ORDER BY k.condition`,
      paramsOf(g),
    );
    return rows.map((r) => ({ condition: r.condition, n1: Number(r.n1), k1: Number(r.k1), n0: Number(r.n0), k0: Number(r.k0) }));
  }

  /** Comments per language and theme ('*': all comments), summed over the zones and dates. */
  async themeCounts(g: ZoneDays): Promise<Array<{ language: Language; theme: string; comments: number }>> {
    const rows = await this.dataSource.query<Array<{ language: Language; theme: string; comments: string }>>(
      `SELECT h.language, h.theme, sum(h.comments)::int AS comments FROM comment_theme_daily h WHERE ${SCOPE} GROUP BY h.language, h.theme`,
      paramsOf(g),
    );
    return rows.map((r) => ({ ...r, comments: Number(r.comments) }));
  }

  /** The newest example comments per theme (the latest days' kept examples), `per` zone-days' worth per theme at most. */
  async themeExamples(g: ZoneDays, per: number): Promise<Array<{ theme: string; text: string; localDate: string }>> {
    return this.dataSource.query(
      `SELECT e.theme, x.text, to_char(e.local_date, 'YYYY-MM-DD') AS "localDate"
       FROM (SELECT h.theme, h.local_date, h.zone_id, h.language, h.examples,
                    row_number() OVER (PARTITION BY h.theme ORDER BY h.local_date DESC, h.zone_id, h.language) AS i
             FROM comment_theme_daily h WHERE ${SCOPE} AND h.theme <> '${ALL_COMMENTS}') AS e
       CROSS JOIN LATERAL unnest(e.examples) WITH ORDINALITY AS x(text, o)
       WHERE e.i <= $5
       ORDER BY e.theme, e.local_date DESC, e.zone_id, e.language, x.o`,
      [...paramsOf(g), per],
    );
  }

  /** Rating counts per local weekday (ISO) and local hour of each zone's site, from the hourly rollups (their hour is the local hour's start). */
  async hourOfWeek(g: ZoneDays): Promise<HourOfWeekCounts[]> {
    const rows = await this.dataSource.query<Array<Record<string, string>>>(
      `SELECT extract(isodow FROM l.lt)::int AS weekday, extract(hour FROM l.lt)::int AS hour,
              sum(h.rated)::bigint AS rated, sum(h.positive)::bigint AS positive, sum(h.negative)::bigint AS negative, sum(h.happy_thirds)::bigint AS happy_thirds
       FROM rating_rollup_hourly h JOIN sites s ON s.id = h.site_id
       CROSS JOIN LATERAL (SELECT h.hour AT TIME ZONE s.time_zone AS lt) AS l
       WHERE ${SCOPE} AND ${HOURS_OF_DATES}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      paramsOf(g),
    );
    return rows.map((r) => ({
      weekday: Number(r.weekday),
      hour: Number(r.hour),
      rated: Number(r.rated),
      positive: Number(r.positive),
      negative: Number(r.negative),
      happyWeightSum: Number(r.happy_thirds) / 3,
    }));
  }
}

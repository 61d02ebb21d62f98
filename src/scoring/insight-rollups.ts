import { LANGUAGES, type Language } from '../catalog/catalog.types';
import { CROWDING, DRIVER_CONDITIONS, DRIVER_CONDITION_KEYS, type DayComment } from './insights';

/** The fragments of a rollup recomputation's targets (see rollups.repository.ts) that the driver and theme rollups use. */
export interface InsightTargets {
  with: string;
  /** Join of raw ratings r to t. */
  ratings: string;
  date(expr: string): string;
  /** Join of rollup rows h to t. */
  rollup(hourly: boolean): string;
}

/** The condition of a zone-day's totals row in driver_rollup_daily: its counted (n0) and negative (k0) ratings. */
export const DAY_TOTALS = '*';

/** An interval is clipped to its local day (at most 25 hours): one holding on a day started at most this long before it. */
const LONGEST_INTERVAL = `interval '25 hours'`;

/** zone_intervals kinds and the condition each makes hold. */
const KIND_CONDITIONS = DRIVER_CONDITION_KEYS.flatMap((condition) => DRIVER_CONDITIONS[condition].map((kind) => `('${kind}', '${condition}')`)).join(', ');
const CONDITIONS = DRIVER_CONDITION_KEYS.map((c) => `('${c}')`).join(', ');

/**
 * Rows a of the targets' sites, by their (client, site, …) index: joined to t alone, with nested loops off, the
 * planner hashes the whole table for each batch.
 */
const ofTargetSites = (a: string) => `${a}.client_id = ANY(ARRAY(SELECT DISTINCT client_id FROM t)) AND ${a}.site_id = ANY(ARRAY(SELECT DISTINCT site_id FROM t))`;

/** The targets' zone-days with counted ratings (the daily rows, recomputed just before in the same transaction): `days`. */
const daysOf = (t: InsightTargets) => `${t.with},
  days AS (
    SELECT h.client_id, h.zone_id, h.local_date, h.site_id, h.rated, h.negative, t.time_zone,
           h.local_date::timestamp AT TIME ZONE t.time_zone AS lo, (h.local_date + 1)::timestamp AT TIME ZONE t.time_zone AS hi
    FROM t JOIN rating_rollup_daily h ON ${t.rollup(false)} WHERE ${ofTargetSites('h')} AND h.rated > 0)`;

/** The hours of the targets' sites with visitors, over their zone-days and the baselines before them. */
const VISITORS = `
    SELECT f.client_id, f.zone_id, f.site_id, f.hour, f.visitors FROM sla_facts_hourly f
    WHERE ${ofTargetSites('f')} AND f.hour >= (SELECT min(lo) FROM days) - interval '${CROWDING.baselineDays + 1} days' AND f.hour < (SELECT max(hi) FROM days) AND f.visitors > 0`;

/** The targets' zone-days with counted ratings and their crowding baselines' instants (BaselineDay rows). */
export const selectBaselineDays = (t: InsightTargets) => `${daysOf(t)}
  SELECT d.zone_id AS "zoneId", to_char(d.local_date, 'YYYY-MM-DD') AS "localDate",
         extract(epoch FROM (d.local_date - ${CROWDING.baselineDays})::timestamp AT TIME ZONE d.time_zone) * 1000 AS "from", extract(epoch FROM d.lo) * 1000 AS "to"
  FROM days d`;

/** The hourly visitors the baselines of selectBaselineDays read (HourVisitors rows). */
export const selectBaselineVisitors = (t: InsightTargets) => `${daysOf(t)}
  SELECT v.zone_id AS "zoneId", extract(epoch FROM v.hour) * 1000 AS hour, v.visitors FROM (${VISITORS}) AS v`;

/**
 * Inserts the targets' driver counts per zone, local date and condition (their old rows deleted
 * first), driven by the spans when a condition held rather than by every rating, so a rebuild
 * probes the ratings index once per span: an interval of zone_intervals, or for crowding the hour
 * after a crowded UTC hour (a rating's preceding full hour). n1 and k1 count the distinct counted
 * ratings of the zone-day inside a span, n0 and k0 the rest of the day's counted ratings, read from
 * rating_rollup_daily. A crowded hour's span joins the one or two local days it falls in. Crowding
 * rows exist only for zone-days with a baseline: the thresholds, given
 * as parameters $p (zone ids), $p+1 (local dates) and $p+2 (thresholds, null without a baseline),
 * come from crowdingThresholds (insights.ts) over selectBaselineDays and selectBaselineVisitors;
 * computed in SQL, an ordered-set percentile over every zone-day's 28 days of hours, they took two
 * thirds of the statement (bench:scoring). The targets' daily rows and hourly visitors are read
 * once, by the site index. A span's ratings are a lateral subquery, so the probe per span holds
 * whatever the statistics: as a join, with nested loops off, an analyzed database had the planner
 * hash all 10 million ratings for each batch (bench:scoring: 6–8 s a batch instead of 1 s). A
 * crowded hour is first compared with its zone's lowest threshold, so only those that may pass
 * have their local dates computed (two time-zone conversions each).
 *
 * Rows are sparse: a zone-day's counted and negative ratings are one row (condition '*', as n0 and
 * k0), and an interval condition has a row only on zone-days it held for a counted rating (n1 > 0);
 * elsewhere its n0 and k0 are the day's (InsightsRepository.driverCounts). Crowding has a row on
 * every zone-day with a baseline, as one without counts on neither side. Dense, four conditions in
 * five were rows of n1 = 0 on most days: 1.4 million rows in bench:scoring, 0.5 million sparse.
 */
export const insertDriverRollups = (t: InsightTargets, p: number) => `${daysOf(t)},
  visitors AS MATERIALIZED (${VISITORS}),
  thresholds AS (SELECT * FROM unnest($${p}::uuid[], $${p + 1}::date[], $${p + 2}::float8[]) AS th(zone_id, local_date, threshold)),
  spans AS (
    SELECT d.client_id, d.zone_id, d.site_id, d.local_date, d.time_zone, k.condition, i.start_at AS lo, i.end_at AS hi
    FROM days d JOIN zone_intervals i ON i.client_id = d.client_id AND i.zone_id = d.zone_id
      AND i.start_at >= d.lo - ${LONGEST_INTERVAL} AND i.start_at < d.hi AND i.end_at > d.lo
    JOIN (VALUES ${KIND_CONDITIONS}) AS k(kind, condition) ON k.kind = i.kind
    UNION ALL
    SELECT d.client_id, d.zone_id, d.site_id, d.local_date, d.time_zone, 'crowding', f.hour + interval '1 hour', f.hour + interval '2 hours'
    FROM (
      SELECT f.client_id, f.zone_id, f.hour, f.visitors, x.local_date
      FROM visitors f
      JOIN (SELECT zone_id, min(threshold) AS lowest FROM thresholds GROUP BY zone_id) AS m ON m.zone_id = f.zone_id AND f.visitors > m.lowest
      JOIN (SELECT DISTINCT site_id, time_zone FROM t) AS tz ON tz.site_id = f.site_id
      CROSS JOIN LATERAL (SELECT ((f.hour + interval '1 hour') AT TIME ZONE tz.time_zone)::date AS first,
                                 ((f.hour + interval '2 hours' - interval '1 microsecond') AT TIME ZONE tz.time_zone)::date AS last) AS b
      CROSS JOIN LATERAL (VALUES (1, b.first), (2, b.last)) AS x(i, local_date)
      WHERE x.i = 1 OR b.last <> b.first
      OFFSET 0) AS f
    JOIN thresholds th ON th.zone_id = f.zone_id AND th.local_date = f.local_date
    JOIN days d ON d.client_id = f.client_id AND d.zone_id = f.zone_id AND d.local_date = f.local_date
    WHERE f.visitors > th.threshold),
  held AS (
    SELECT DISTINCT s.client_id, s.zone_id, s.local_date, s.condition, r.id, r.negative
    FROM spans s CROSS JOIN LATERAL (
      SELECT r.id, r.polarity = 'negative' AS negative FROM ratings r
      WHERE r.client_id = s.client_id AND r.site_id = s.site_id AND r.rated_at >= s.lo AND r.rated_at < s.hi
        AND r.zone_id = s.zone_id AND r.excluded_reason IS NULL AND (r.rated_at AT TIME ZONE s.time_zone)::date = s.local_date
      OFFSET 0) AS r),
  ones AS (
    SELECT client_id, zone_id, local_date, condition, count(*) AS n1, count(*) FILTER (WHERE negative) AS k1
    FROM held GROUP BY client_id, zone_id, local_date, condition),
  ins AS (
    INSERT INTO driver_rollup_daily (client_id, zone_id, local_date, condition, site_id, n1, k1, n0, k0)
    SELECT d.client_id, d.zone_id, d.local_date, c.condition, d.site_id,
           COALESCE(o.n1, 0), COALESCE(o.k1, 0), d.rated - COALESCE(o.n1, 0), d.negative - COALESCE(o.k1, 0)
    FROM days d LEFT JOIN thresholds th ON th.zone_id = d.zone_id AND th.local_date = d.local_date
    CROSS JOIN (VALUES ('${DAY_TOTALS}'), ${CONDITIONS}) AS c(condition)
    LEFT JOIN ones o ON o.client_id = d.client_id AND o.zone_id = d.zone_id AND o.local_date = d.local_date AND o.condition = c.condition
    WHERE CASE c.condition WHEN '${DAY_TOTALS}' THEN true WHEN 'crowding' THEN th.threshold IS NOT NULL ELSE o.n1 IS NOT NULL END
    RETURNING 1)
  SELECT count(*) AS rows FROM ins`;

/** The counted ratings of the targets with a comment, newest first, in their language (the site's when the rating names none). */
export const selectDayComments = (t: InsightTargets) => `${t.with}
  SELECT r.client_id AS "clientId", r.zone_id AS "zoneId", r.site_id AS "siteId", to_char(b.local_date, 'YYYY-MM-DD') AS "localDate",
         r.comment AS text, COALESCE(r.language, s.language) AS language
  FROM t JOIN ratings r ON ${t.ratings} JOIN sites s ON s.id = r.site_id
  CROSS JOIN LATERAL (SELECT (r.rated_at AT TIME ZONE t.time_zone)::date AS local_date) AS b
  WHERE ${t.date('b.local_date')} AND r.excluded_reason IS NULL AND r.comment IS NOT NULL AND r.comment <> ''
  ORDER BY r.rated_at DESC, r.id`;

/** Comments of a language the stemmers do not know are read as English. */
export const commentLanguage = (language: string): Language => ((LANGUAGES as readonly string[]).includes(language) ? (language as Language) : 'en');

/** Rows of selectDayComments as DayComments. */
export const dayCommentsOf = (rows: ReadonlyArray<Omit<DayComment, 'language'> & { language: string }>): DayComment[] =>
  rows.map((row) => ({ ...row, language: commentLanguage(row.language) }));

/** Inserts ThemeRollupRows given as one jsonb array ($1): examples are arrays of differing length, which unnest cannot take. */
export const INSERT_THEME_ROLLUPS = `
  INSERT INTO comment_theme_daily (client_id, zone_id, local_date, language, theme, site_id, comments, examples)
  SELECT x."clientId", x."zoneId", x."localDate", x.language, x.theme, x."siteId", x.comments, ARRAY(SELECT jsonb_array_elements_text(x.examples))
  FROM jsonb_to_recordset($1::jsonb) AS x("clientId" uuid, "zoneId" uuid, "localDate" date, language text, theme text, "siteId" uuid, comments int, examples jsonb)`;

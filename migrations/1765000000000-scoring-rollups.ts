import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rating counts of a zone and a local hour or day; happiness weights in thirds of a point, so smiley4's 100/3 steps stay exact. */
const RATING_COUNTS = `
        rated integer NOT NULL DEFAULT 0,
        positive integer NOT NULL DEFAULT 0,
        neutral integer NOT NULL DEFAULT 0,
        negative integer NOT NULL DEFAULT 0,
        happy_thirds bigint NOT NULL DEFAULT 0,
        excluded_kiosk_repeat integer NOT NULL DEFAULT 0,
        excluded_burst integer NOT NULL DEFAULT 0,
        excluded_daily_cap integer NOT NULL DEFAULT 0,
        negative_reasons jsonb NOT NULL DEFAULT '{}'`;

/** Marks the local days of the changed rows of `table` (its instant column `at`) for the rollup job. */
function markFunction(name: string, at: string, sources: string[]): string {
  const rows = sources.map((source) => `SELECT client_id, zone_id, site_id, ${at} AS at FROM ${source}`).join(' UNION ALL ');
  return `
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Sorted, so that two writers marking the same days lock them in the same order.
        INSERT INTO scoring_dirty_days (client_id, zone_id, local_date, site_id)
        SELECT DISTINCT c.client_id, c.zone_id, (c.at AT TIME ZONE s.time_zone)::date, c.site_id
        FROM (${rows}) AS c JOIN sites s ON s.id = c.site_id
        ORDER BY 1, 2, 3
        ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET generation = nextval('scoring_dirty_generation');
        RETURN NULL;
      END $$;`;
}

/** The three statement triggers (transition tables allow one event per trigger) that mark a fact table's days. */
function markTriggers(table: string, at: string): string {
  return `
      ${markFunction(`scoring_mark_${table}_new`, at, ['scoring_new_rows'])}
      ${markFunction(`scoring_mark_${table}_old`, at, ['scoring_old_rows'])}
      ${markFunction(`scoring_mark_${table}_both`, at, ['scoring_new_rows', 'scoring_old_rows'])}
      CREATE TRIGGER scoring_mark_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS scoring_new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION scoring_mark_${table}_new();
      CREATE TRIGGER scoring_mark_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS scoring_old_rows NEW TABLE AS scoring_new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION scoring_mark_${table}_both();
      CREATE TRIGGER scoring_mark_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS scoring_old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION scoring_mark_${table}_old();`;
}

/**
 * Scoring rollups (issue 13): ratings per zone and local hour, and ratings and SLA facts per zone
 * and local date, kept by scoring's leader job from zone-days that statement triggers on the input
 * tables mark dirty. Derived data, rebuilt from the facts: no foreign keys (they would cost a check
 * per row in a rebuild), but client_id and site_id on every row and client_id first in every key.
 */
export class ScoringRollups1765000000000 implements MigrationInterface {
  name = 'ScoringRollups1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rating_rollup_hourly (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        site_id uuid NOT NULL,
        local_date date NOT NULL,${RATING_COUNTS},
        PRIMARY KEY (client_id, zone_id, hour)
      );
      CREATE INDEX ix_rating_rollup_hourly_site_date ON rating_rollup_hourly (client_id, site_id, local_date);
      COMMENT ON COLUMN rating_rollup_hourly.hour IS 'Start of the local hour at the site (the UTC hour except at half-hour offsets such as Asia/Kolkata).';
      CREATE TABLE rating_rollup_daily (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL,${RATING_COUNTS},
        PRIMARY KEY (client_id, zone_id, local_date)
      );
      CREATE INDEX ix_rating_rollup_daily_site_date ON rating_rollup_daily (client_id, site_id, local_date);
      CREATE TABLE sla_rollup_daily (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL,
        tasks_due integer NOT NULL DEFAULT 0,
        tasks_on_time integer NOT NULL DEFAULT 0,
        tasks_late integer NOT NULL DEFAULT 0,
        tasks_missed integer NOT NULL DEFAULT 0,
        incidents_opened integer NOT NULL DEFAULT 0,
        incidents_responded_in_time integer NOT NULL DEFAULT 0,
        incidents_resolved_in_time integer NOT NULL DEFAULT 0,
        visitors integer NOT NULL DEFAULT 0,
        visitors_while_out integer NOT NULL DEFAULT 0,
        service_minutes double precision NOT NULL DEFAULT 0,
        out_minutes double precision NOT NULL DEFAULT 0,
        inspections integer NOT NULL DEFAULT 0,
        inspections_scored integer NOT NULL DEFAULT 0,
        inspection_score_sum double precision NOT NULL DEFAULT 0,
        inspections_passed integer NOT NULL DEFAULT 0,
        occupied_minutes double precision NOT NULL DEFAULT 0,
        comfortable_minutes double precision NOT NULL DEFAULT 0,
        device_online_minutes double precision NOT NULL DEFAULT 0,
        device_expected_minutes double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (client_id, zone_id, local_date)
      );
      CREATE INDEX ix_sla_rollup_daily_site_date ON sla_rollup_daily (client_id, site_id, local_date);

      CREATE SEQUENCE scoring_dirty_generation;
      CREATE TABLE scoring_dirty_days (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL,
        -- Bumped at every mark: the job forgets a day only if nobody marked it again meanwhile.
        generation bigint NOT NULL DEFAULT nextval('scoring_dirty_generation'),
        PRIMARY KEY (client_id, zone_id, local_date)
      );
      CREATE INDEX ix_scoring_dirty_days_generation ON scoring_dirty_days (generation);
      ${markTriggers('ratings', 'rated_at')}
      ${markTriggers('sla_facts_hourly', 'hour')}
      -- Everything already stored, for the job's first runs.
      INSERT INTO scoring_dirty_days (client_id, zone_id, local_date, site_id)
      SELECT DISTINCT c.client_id, c.zone_id, (c.at AT TIME ZONE s.time_zone)::date, c.site_id
      FROM (SELECT client_id, zone_id, site_id, rated_at AS at FROM ratings UNION ALL SELECT client_id, zone_id, site_id, hour FROM sla_facts_hourly) AS c
      JOIN sites s ON s.id = c.site_id
      ON CONFLICT DO NOTHING;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    const drop = (table: string) => `
      DROP TRIGGER scoring_mark_insert ON ${table};
      DROP TRIGGER scoring_mark_update ON ${table};
      DROP TRIGGER scoring_mark_delete ON ${table};
      DROP FUNCTION scoring_mark_${table}_new();
      DROP FUNCTION scoring_mark_${table}_old();
      DROP FUNCTION scoring_mark_${table}_both();`;
    await q.query(`
      ${drop('sla_facts_hourly')}
      ${drop('ratings')}
      DROP TABLE scoring_dirty_days;
      DROP SEQUENCE scoring_dirty_generation;
      DROP TABLE sla_rollup_daily;
      DROP TABLE rating_rollup_daily;
      DROP TABLE rating_rollup_hourly;
    `);
  }
}

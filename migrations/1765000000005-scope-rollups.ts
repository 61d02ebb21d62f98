import type { MigrationInterface, QueryRunner } from 'typeorm';

const RATING_COUNTS = `
        rated integer NOT NULL DEFAULT 0,
        positive integer NOT NULL DEFAULT 0,
        neutral integer NOT NULL DEFAULT 0,
        negative integer NOT NULL DEFAULT 0,
        happy_thirds bigint NOT NULL DEFAULT 0`;
const EXCLUDED = `
        excluded_kiosk_repeat integer NOT NULL DEFAULT 0,
        excluded_burst integer NOT NULL DEFAULT 0,
        excluded_daily_cap integer NOT NULL DEFAULT 0,
        negative_reasons jsonb NOT NULL DEFAULT '{}'`;
const SLA_COUNTS = `
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
        occupied_minutes double precision NOT NULL DEFAULT 0,
        comfortable_minutes double precision NOT NULL DEFAULT 0,
        device_online_minutes double precision NOT NULL DEFAULT 0,
        device_expected_minutes double precision NOT NULL DEFAULT 0`;

/** A scope rollup per site, zone type and local date or month (`period`): every count, reasons too. */
const periodTable = (name: string, period: string) => `
      CREATE TABLE ${name} (
        client_id uuid NOT NULL,
        site_id uuid NOT NULL,
        ${period} date NOT NULL,
        zone_type text NOT NULL,${RATING_COUNTS},${EXCLUDED},${SLA_COUNTS},
        inspections_passed integer NOT NULL DEFAULT 0,
        PRIMARY KEY (client_id, site_id, ${period}, zone_type)
      );`;

/**
 * Scoring at contract scale (issue 13's benchmark):
 * - Scope rollups: ratings and SLA facts per site, zone type and local hour, date and month — what
 *   objectives' scopes (sites, zone types) tell apart — so that a contract of 1,000 sites reads a row
 *   per site and type, not one per zone and day. Kept by the figures' job with the zone rows.
 * - A rollup version, bumped in every transaction that changes the figures' rollups: cached
 *   scorecard counts are good while it stands.
 * - Marked zone-days are taken in the order they were first marked.
 * - Driver and comment-theme rollups get marks of their own: the figures' job hands each zone-day it
 *   recomputed on to the insights job (every minute), so the costly joins with zone_intervals never
 *   hold the figures' freshness back.
 * Derived data: no foreign keys, client_id first in every key.
 */
export class ScopeRollups1765000000005 implements MigrationInterface {
  name = 'ScopeRollups1765000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The jobs take marked days in the order they were first marked: a day marked again keeps its
      -- place (ordered by generation, a zone rated every few seconds went to the back each time and
      -- waited for the stream to stop).
      ALTER TABLE scoring_dirty_days ADD COLUMN queued bigint;
      UPDATE scoring_dirty_days SET queued = generation;
      ALTER TABLE scoring_dirty_days ALTER COLUMN queued SET NOT NULL, ALTER COLUMN queued SET DEFAULT nextval('scoring_dirty_generation');
      DROP INDEX ix_scoring_dirty_days_generation;
      CREATE INDEX ix_scoring_dirty_days_queued ON scoring_dirty_days (queued);

      CREATE TABLE insight_dirty_days (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL,
        -- Bumped at every mark: the job forgets a day only if nobody marked it again meanwhile.
        generation bigint NOT NULL DEFAULT nextval('scoring_dirty_generation'),
        queued bigint NOT NULL DEFAULT nextval('scoring_dirty_generation'),
        PRIMARY KEY (client_id, zone_id, local_date)
      );
      CREATE INDEX ix_insight_dirty_days_queued ON insight_dirty_days (queued);

      CREATE TABLE scoring_rollup_version (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version bigint NOT NULL DEFAULT 0
      );
      INSERT INTO scoring_rollup_version DEFAULT VALUES;

      CREATE TABLE scope_rollup_hourly (
        client_id uuid NOT NULL,
        site_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        zone_type text NOT NULL,
        local_date date NOT NULL,${RATING_COUNTS},${SLA_COUNTS},
        PRIMARY KEY (client_id, site_id, hour, zone_type)
      );
      COMMENT ON COLUMN scope_rollup_hourly.hour IS 'Start of the local hour at the site; an SLA facts hour counts in the local hour its start is in.';
      ${periodTable('scope_rollup_daily', 'local_date')}
      ${periodTable('scope_rollup_monthly', 'month')}
      COMMENT ON COLUMN scope_rollup_monthly.month IS 'The first local date of the calendar month at the site.';

      -- A zone that changes type moves its counts to the other type's scope rows: its days are recomputed.
      CREATE FUNCTION scoring_mark_zone_type() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO scoring_dirty_days (client_id, zone_id, local_date, site_id)
        SELECT DISTINCT d.client_id, d.zone_id, d.local_date, d.site_id
        FROM (SELECT client_id, zone_id, local_date, site_id FROM rating_rollup_daily WHERE zone_id = NEW.id
              UNION ALL SELECT client_id, zone_id, local_date, site_id FROM sla_rollup_daily WHERE zone_id = NEW.id) AS d
        ORDER BY 1, 2, 3
        ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET generation = nextval('scoring_dirty_generation');
        RETURN NULL;
      END $$;
      CREATE TRIGGER scoring_mark_zone_type AFTER UPDATE OF type ON zones
        FOR EACH ROW WHEN (OLD.type IS DISTINCT FROM NEW.type) EXECUTE FUNCTION scoring_mark_zone_type();

      -- The scope rows of everything already rolled up, at the job's next runs.
      INSERT INTO scoring_dirty_days (client_id, zone_id, local_date, site_id)
      SELECT client_id, zone_id, local_date, site_id FROM rating_rollup_daily
      UNION SELECT client_id, zone_id, local_date, site_id FROM sla_rollup_daily
      ON CONFLICT DO NOTHING;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER scoring_mark_zone_type ON zones;
      DROP FUNCTION scoring_mark_zone_type();
      DROP TABLE scope_rollup_monthly;
      DROP TABLE scope_rollup_daily;
      DROP TABLE scope_rollup_hourly;
      DROP TABLE scoring_rollup_version;
      DROP TABLE insight_dirty_days;
      DROP INDEX ix_scoring_dirty_days_queued;
      CREATE INDEX ix_scoring_dirty_days_generation ON scoring_dirty_days (generation);
      ALTER TABLE scoring_dirty_days DROP COLUMN queued;
    `);
  }
}

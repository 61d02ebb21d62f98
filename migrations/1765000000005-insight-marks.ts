import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Driver and comment-theme rollups get marks of their own: the scoring job recomputes a marked
 * zone-day's figures every 15 s and hands the zone-day on here, for the insights job (every minute),
 * so that the costly joins with zone_intervals never hold the figures' freshness back.
 */
export class InsightMarks1765000000005 implements MigrationInterface {
  name = 'InsightMarks1765000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE insight_dirty_days (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL,
        -- Bumped at every mark: the job forgets a day only if nobody marked it again meanwhile.
        generation bigint NOT NULL DEFAULT nextval('scoring_dirty_generation'),
        PRIMARY KEY (client_id, zone_id, local_date)
      );
      CREATE INDEX ix_insight_dirty_days_generation ON insight_dirty_days (generation);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE insight_dirty_days`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Burn-rate lookbacks read each site's hourly rating rollups by hour ranges (its latest service
 * hours); the site index by local date cannot bound them by hour. sla_facts_hourly has its own.
 */
export class ScoringLookupIndexes1765000000004 implements MigrationInterface {
  name = 'ScoringLookupIndexes1765000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_rating_rollup_hourly_site_hour ON rating_rollup_hourly (client_id, site_id, hour)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_rating_rollup_hourly_site_hour`);
  }
}

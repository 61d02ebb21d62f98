import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Comfort and device uptime in the SLA facts per zone and hour (issue 12), and each contract's
 * comfort thresholds. Hours computed before stay at 0/0 until their day is recomputed.
 */
export class SlaFactsComfortUptime1764900000000 implements MigrationInterface {
  name = 'SlaFactsComfortUptime1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contracts ADD COLUMN comfort jsonb NOT NULL DEFAULT '{"co2Max": 1000, "temperature": [20, 24]}'::jsonb;
      ALTER TABLE sla_facts_hourly
        ADD COLUMN occupied_minutes real NOT NULL DEFAULT 0,
        ADD COLUMN comfortable_minutes real NOT NULL DEFAULT 0,
        ADD COLUMN device_online_minutes real NOT NULL DEFAULT 0,
        ADD COLUMN device_expected_minutes real NOT NULL DEFAULT 0;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sla_facts_hourly DROP COLUMN occupied_minutes, DROP COLUMN comfortable_minutes, DROP COLUMN device_online_minutes, DROP COLUMN device_expected_minutes;
      ALTER TABLE contracts DROP COLUMN comfort;
    `);
  }
}

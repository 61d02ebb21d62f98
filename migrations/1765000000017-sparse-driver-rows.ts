import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The interval conditions (every driver condition but crowding), whose rows become sparse. */
const INTERVAL_CONDITIONS = ['consumable_out', 'bin_full', 'clean_overdue', 'co2_high'];

/**
 * Driver rows made sparse (src/scoring/insight-rollups.ts): a zone-day's counted and negative
 * ratings in one row (condition '*', n0 and k0), and an interval condition's row only where it held
 * for a counted rating (n1 > 0). Every dense zone-day had a row for each interval condition, with
 * n1 + n0 its counted ratings and k1 + k0 its negatives: the day's row is taken from one of them.
 */
export class SparseDriverRows1765000000017 implements MigrationInterface {
  name = 'SparseDriverRows1765000000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO driver_rollup_daily (client_id, zone_id, local_date, condition, site_id, n1, k1, n0, k0)
      SELECT client_id, zone_id, local_date, '*', site_id, 0, 0, n1 + n0, k1 + k0 FROM driver_rollup_daily WHERE condition = 'clean_overdue'`);
    await q.query(`DELETE FROM driver_rollup_daily WHERE condition IN (${INTERVAL_CONDITIONS.map((c) => `'${c}'`).join(', ')}) AND n1 = 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO driver_rollup_daily (client_id, zone_id, local_date, condition, site_id, n1, k1, n0, k0)
      SELECT d.client_id, d.zone_id, d.local_date, c.condition, d.site_id, 0, 0, d.n0, d.k0
      FROM driver_rollup_daily d CROSS JOIN (VALUES ${INTERVAL_CONDITIONS.map((c) => `('${c}')`).join(', ')}) AS c(condition)
      WHERE d.condition = '*'
      ON CONFLICT DO NOTHING`);
    await q.query(`DELETE FROM driver_rollup_daily WHERE condition = '*'`);
  }
}

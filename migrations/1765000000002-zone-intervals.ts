import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The intervals of each zone-day when a consumable was out, comfort out of range or a planned clean
 * overdue, with the people counted meanwhile (issue 12): replaced with the day's SLA facts, read by
 * scoring for drivers. Intervals are clipped to their local day, so one starts within it.
 */
export class ZoneIntervals1765000000002 implements MigrationInterface {
  name = 'ZoneIntervals1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE zone_intervals (
        client_id uuid NOT NULL REFERENCES clients(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        kind text NOT NULL CHECK (kind IN ('soap_out', 'paper_out', 'bin_full', 'co2_high', 'temperature_out', 'uncomfortable', 'clean_overdue')),
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        local_date date NOT NULL,
        site_id uuid NOT NULL REFERENCES sites(id),
        visitors integer NOT NULL DEFAULT 0 CHECK (visitors >= 0),
        CHECK (end_at > start_at),
        PRIMARY KEY (client_id, zone_id, kind, start_at)
      );
      CREATE INDEX zone_intervals_zone_start ON zone_intervals (client_id, zone_id, start_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE zone_intervals`);
  }
}

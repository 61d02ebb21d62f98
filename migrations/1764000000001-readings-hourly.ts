import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReadingsHourly1764000000001 implements MigrationInterface {
  name = 'ReadingsHourly1764000000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Hourly aggregates per zone and signal (UTC hours), maintained as readings are stored and kept
      -- past raw retention. For people_count, sum is the number of people (counter increments).
      CREATE TABLE readings_hourly (
        -- No foreign keys: rows come only from stored readings, and the checks cost every batch.
        client_id uuid NOT NULL,
        site_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        signal text NOT NULL,
        hour timestamptz NOT NULL,
        n integer NOT NULL,
        sum double precision NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        PRIMARY KEY (zone_id, signal, hour)
      );
      CREATE INDEX ix_readings_hourly_client_site_hour ON readings_hourly (client_id, site_id, hour);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE readings_hourly`);
  }
}

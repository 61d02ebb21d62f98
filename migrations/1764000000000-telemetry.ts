import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Telemetry1764000000000 implements MigrationInterface {
  name = 'Telemetry1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Raw readings, one partition per month (created ahead by the partition job; the default
      -- partition only catches what arrives before its month exists). A redelivery or replay
      -- cannot double: the natural key is (device, signal, time).
      CREATE TABLE readings (
        client_id uuid NOT NULL,
        site_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        device_id uuid NOT NULL,
        signal text NOT NULL,
        ts timestamptz NOT NULL,
        value double precision NOT NULL,
        tag text,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (device_id, signal, ts)
      ) PARTITION BY RANGE (ts);
      CREATE TABLE readings_default PARTITION OF readings DEFAULT;
      -- No further index: reads go by device (the key) or to the hourly aggregates, and every index costs ingest.

      -- Per device: when it was last heard from, and its battery.
      CREATE TABLE device_health (
        device_id uuid PRIMARY KEY REFERENCES devices(id),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        last_seen_at timestamptz NOT NULL,
        last_battery double precision,
        last_battery_at timestamptz
      );
      CREATE INDEX ix_device_health_client ON device_health (client_id);

      ALTER TABLE dead_letters ADD COLUMN device_ref text;
      CREATE INDEX ix_dead_letters_reason ON dead_letters (client_id, reason, received_at);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters DROP COLUMN device_ref; DROP TABLE device_health; DROP TABLE readings;`);
  }
}

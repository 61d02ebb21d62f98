import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the provider did in a zone: cleaning check-ins, refills and quality inspections (issue 12). */
export class ServiceEvents1764600000000 implements MigrationInterface {
  name = 'ServiceEvents1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_events (
        client_id uuid NOT NULL REFERENCES clients(id),
        event_id uuid NOT NULL,
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        device_id uuid REFERENCES devices(id),
        kind text NOT NULL CHECK (kind IN ('checkin', 'refill', 'inspection')),
        tag text NOT NULL,
        consumable text CHECK (consumable IN ('soap', 'paper', 'bin')),
        score real CHECK (score >= 0 AND score <= 100),
        passed boolean,
        note text,
        ts timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL CHECK (source IN ('api', 'mqtt')),
        PRIMARY KEY (client_id, event_id),
        CHECK ((kind = 'refill') = (consumable IS NOT NULL)),
        CHECK (kind = 'inspection' OR (score IS NULL AND passed IS NULL)),
        CHECK (kind <> 'inspection' OR score IS NOT NULL OR passed IS NOT NULL)
      );
      CREATE INDEX service_events_zone_ts ON service_events (client_id, zone_id, ts);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_events`);
  }
}

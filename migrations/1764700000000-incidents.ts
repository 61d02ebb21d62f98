import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Incidents with their lifecycle, the contract's targets per category, and the QR reports that joined them (issue 12). */
export class Incidents1764700000000 implements MigrationInterface {
  name = 'Incidents1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contracts ADD COLUMN incident_policy jsonb NOT NULL DEFAULT '{}'::jsonb;
      CREATE TABLE incidents (
        client_id uuid NOT NULL REFERENCES clients(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        category text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
        respond_target_s integer NOT NULL CHECK (respond_target_s > 0),
        resolve_target_s integer NOT NULL CHECK (resolve_target_s > 0),
        origin text NOT NULL CHECK (origin IN ('report', 'sensor', 'api')),
        opened_at timestamptz NOT NULL,
        report_count integer NOT NULL DEFAULT 0,
        acknowledged_at timestamptz,
        acknowledged_by text,
        resolved_at timestamptz,
        resolved_by text,
        resolution text CHECK (resolution IN ('manual', 'auto')),
        PRIMARY KEY (client_id, id),
        CHECK ((resolved_at IS NULL) = (resolution IS NULL))
      );
      -- Reports of the same zone and category join the one open incident.
      CREATE UNIQUE INDEX incidents_one_open ON incidents (client_id, zone_id, category) WHERE resolved_at IS NULL;
      CREATE INDEX incidents_site_opened ON incidents (client_id, site_id, opened_at);
      ALTER TABLE incident_reports ADD COLUMN incident_id uuid;
      CREATE INDEX incident_reports_unlinked ON incident_reports (client_id, reported_at) WHERE incident_id IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE incident_reports DROP COLUMN incident_id;
      DROP TABLE incidents;
      ALTER TABLE contracts DROP COLUMN incident_policy;
    `);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SLA facts per zone and hour, additive, recomputed per zone-day from the facts; and the zone-days to recompute (issue 12). */
export class SlaFacts1764800000000 implements MigrationInterface {
  name = 'SlaFacts1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_facts_hourly (
        client_id uuid NOT NULL REFERENCES clients(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        hour timestamptz NOT NULL,
        site_id uuid NOT NULL REFERENCES sites(id),
        tasks_due integer NOT NULL DEFAULT 0,
        tasks_on_time integer NOT NULL DEFAULT 0,
        tasks_late integer NOT NULL DEFAULT 0,
        tasks_missed integer NOT NULL DEFAULT 0,
        incidents_opened integer NOT NULL DEFAULT 0,
        incidents_responded_in_time integer NOT NULL DEFAULT 0,
        incidents_resolved_in_time integer NOT NULL DEFAULT 0,
        visitors integer NOT NULL DEFAULT 0,
        visitors_while_out integer NOT NULL DEFAULT 0,
        service_minutes real NOT NULL DEFAULT 0,
        out_minutes real NOT NULL DEFAULT 0,
        inspections integer NOT NULL DEFAULT 0,
        inspections_scored integer NOT NULL DEFAULT 0,
        inspection_score_sum real NOT NULL DEFAULT 0,
        inspections_passed integer NOT NULL DEFAULT 0,
        PRIMARY KEY (client_id, zone_id, hour)
      );
      CREATE INDEX sla_facts_hourly_site_hour ON sla_facts_hourly (client_id, site_id, hour);
      CREATE TABLE sla_dirty_days (
        client_id uuid NOT NULL REFERENCES clients(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        local_date date NOT NULL,
        marked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (client_id, zone_id, local_date)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sla_dirty_days; DROP TABLE sla_facts_hourly;`);
  }
}

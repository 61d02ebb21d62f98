import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security computed once per query: each policy's client is an uncorrelated scalar
 * subquery (an InitPlan), not the role-name test inlined into every row. Inlined, a client's panel
 * paid a regular-expression match per row it read: 29,000 theme rows of a month took 250 ms as the
 * client against 60 ms once per query (bench:dashboards). Comment themes read their zone by a
 * scalar subquery, so a panel that shows no zone reads no zone, and a contract's theme rows come
 * through a partial index that skips the per-zone-day totals ('*'). The data health chart of readings
 * per hour reads a summary per client, signal and hour (readings_client_hourly).
 */
export class ReportingPolicyOnce1765000000009 implements MigrationInterface {
  name = 'ReportingPolicyOnce1765000000009';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      const column = table === 'clients' ? 'id' : 'client_id';
      await q.query(`ALTER POLICY reporting_tenant ON ${table}
        USING (${column} = (SELECT reporting.client_of_role(current_user)) OR current_user NOT LIKE 'xla\\_client\\_%')`);
    }
    // Readings per client, signal and hour (telemetry's summary job): the data health chart read every zone's hours of every site.
    await q.query(`CREATE TABLE readings_client_hourly (
      client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE, hour timestamptz NOT NULL, signal text NOT NULL, n bigint NOT NULL,
      PRIMARY KEY (client_id, hour, signal))`);
    await q.query(`ALTER TABLE readings_client_hourly ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY reporting_tenant ON readings_client_hourly FOR SELECT TO xla_reporting
      USING (client_id = (SELECT reporting.client_of_role(current_user)) OR current_user NOT LIKE 'xla\\_client\\_%')`);
    await q.query(`GRANT SELECT ON readings_client_hourly TO xla_reporting`);
    await q.query(`DROP VIEW reporting.readings_per_hour`);
    await q.query(`CREATE VIEW reporting.readings_per_hour AS SELECT x.client_id, x.signal, x.hour AS "time", x.n FROM readings_client_hourly x`);
    await q.query(`ALTER VIEW reporting.readings_per_hour OWNER TO xla_reporting`);
    await q.query(`GRANT SELECT ON reporting.readings_per_hour TO xla_grafana, xla_clients`);
    await q.query(`CREATE INDEX ix_comment_theme_daily_themes ON comment_theme_daily (client_id, site_id, local_date) WHERE theme <> '*'`);
    await q.query(`CREATE OR REPLACE VIEW reporting.comment_themes AS
      SELECT x.client_id, c.key AS contract, s.key AS site, (SELECT z.key FROM zones z WHERE z.client_id = x.client_id AND z.id = x.zone_id) AS zone,
             x.local_date, x.local_date::timestamp AT TIME ZONE s.time_zone AS "time", x.language, x.theme, x.comments, x.examples
      FROM comment_theme_daily x
      JOIN sites s ON s.client_id = x.client_id AND s.id = x.site_id JOIN contracts c ON c.client_id = s.client_id AND c.id = s.contract_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW reporting.readings_per_hour`);
    await q.query(`CREATE VIEW reporting.readings_per_hour AS
      SELECT x.client_id, s.key AS site, x.site_id, x.signal, x.hour AS "time", x.n
      FROM sites s JOIN readings_hourly x ON x.client_id = s.client_id AND x.site_id = s.id`);
    await q.query(`ALTER VIEW reporting.readings_per_hour OWNER TO xla_reporting`);
    await q.query(`GRANT SELECT ON reporting.readings_per_hour TO xla_grafana, xla_clients`);
    await q.query(`DROP TABLE readings_client_hourly`);
    await q.query(`CREATE OR REPLACE VIEW reporting.comment_themes AS
      SELECT x.client_id, c.key AS contract, s.key AS site, z.key AS zone, x.local_date, x.local_date::timestamp AT TIME ZONE s.time_zone AS "time",
             x.language, x.theme, x.comments, x.examples
      FROM comment_theme_daily x
      JOIN sites s ON s.client_id = x.client_id AND s.id = x.site_id JOIN contracts c ON c.client_id = s.client_id AND c.id = s.contract_id
      LEFT JOIN zones z ON z.client_id = x.client_id AND z.id = x.zone_id AND z.site_id = s.id`);
    await q.query(`DROP INDEX ix_comment_theme_daily_themes`);
    for (const table of TENANT_TABLES) {
      const column = table === 'clients' ? 'id' : 'client_id';
      await q.query(`ALTER POLICY reporting_tenant ON ${table}
        USING (${column} = reporting.client_of_role(current_user) OR current_user NOT LIKE 'xla\\_client\\_%')`);
    }
  }
}

/** The tables under the reporting policy (as of migration 1765000000008; a frozen snapshot). */
const TENANT_TABLES = [
  'clients',
  'contracts',
  'sites',
  'zones',
  'touchpoints',
  'devices',
  'device_health',
  'ratings',
  'rating_rollup_hourly',
  'scope_rollup_daily',
  'scope_rollup_hourly',
  'comment_theme_daily',
  'readings_hourly',
  'sla_facts_hourly',
  'incidents',
  'scoring_dirty_days',
  'published_scorecards',
  'published_scope_figures',
  'published_objective_figures',
  'published_burn_rates',
  'published_reason_shares',
  'published_daily_figures',
  'dead_letters',
];

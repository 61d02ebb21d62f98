import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `reporting` schema: the views dashboards and reports read, the stable contract between
 * storage and them (ARCHITECTURE.md). Every view carries client_id, and reads its tables as
 * xla_reporting, a role of no login that owns the views: row-level security on those tables shows
 * it only the rows of the clients the caller may see (current_user is the caller inside a view). A client's role, xla_client_<its id without dashes>, sees its
 * own client; every other role that may reach the schema (xla_grafana, the provider's Grafana; the
 * service itself) sees all. The service owns the tables, so its own queries are not limited.
 * Figures come from published_* (the scoring module's published scorecards): no view computes one.
 */
export class ReportingSchema1765000000008 implements MigrationInterface {
  name = 'ReportingSchema1765000000008';

  async up(q: QueryRunner): Promise<void> {
    // Roles are the cluster's, not the database's: another database's migration may be making them at the same moment.
    for (const role of ['xla_reporting', 'xla_grafana', 'xla_clients']) {
      await q.query(`DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    }
    await q.query(`DO $$ BEGIN
      IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN EXECUTE format('GRANT xla_reporting TO %I', current_user); END IF;
    END $$`);
    // When a zone-day was first marked for the rollups: the data health dashboard's rollup lag.
    await q.query(`ALTER TABLE scoring_dirty_days ADD COLUMN marked_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE SCHEMA reporting`);
    // Inlined into each policy (an immutable SQL function, no table read): a policy's function is
    // called again in every correlated subquery of a view, and one reading clients cost seconds.
    await q.query(`
      CREATE FUNCTION reporting.client_of_role(role_name name) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN role_name::text ~ '^xla_client_[0-9a-f]{32}$' THEN substr(role_name::text, 12)::uuid END
      $$;
      COMMENT ON FUNCTION reporting.client_of_role(name) IS 'The client a client role (xla_client_<id without dashes>) sees; null for any other role.';
    `);
    for (const table of TENANT_TABLES) {
      const column = table === 'clients' ? 'id' : 'client_id';
      // A client's role sees its client's rows; any other role all (dead letters of no client too).
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY reporting_tenant ON ${table} FOR SELECT TO xla_reporting
        USING (${column} = reporting.client_of_role(current_user) OR current_user NOT LIKE 'xla\\_client\\_%')`);
      await q.query(`GRANT SELECT ON ${table} TO xla_reporting`);
    }
    for (const [name, sql] of Object.entries(VIEWS)) {
      // No security_barrier: the views filter nothing themselves, and the policies' quals are barriers already
      // (a leaky function in a caller's query sees no row they hide); as barriers, a panel's zone filter waited
      // for every zone's readings of the month (18 s).
      await q.query(`CREATE VIEW reporting.${name} AS ${sql}`);
      await q.query(`ALTER VIEW reporting.${name} OWNER TO xla_reporting`);
    }
    await q.query(`GRANT USAGE ON SCHEMA reporting TO xla_grafana, xla_clients`);
    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO xla_grafana, xla_clients`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA reporting CASCADE`);
    await q.query(`ALTER TABLE scoring_dirty_days DROP COLUMN marked_at`);
    for (const table of TENANT_TABLES) {
      await q.query(`DROP POLICY reporting_tenant ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE SELECT ON ${table} FROM xla_reporting`);
    }
  }
}

/** Tables the reporting views read, each limited by client_id (clients by id). */
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

/** A fact row's site s and contract c (panels filter by their keys: the site index leads to the facts), and its zone z. */
const SITE = `JOIN sites s ON s.client_id = x.client_id AND s.id = x.site_id JOIN contracts c ON c.client_id = s.client_id AND c.id = s.contract_id`;
/**
 * The zone of the site (zone keys repeat from site to site: said so, the planner goes site, its
 * zones, their rows). Left joined: a panel that reads no zone column does not read zones at all.
 */
const ZONE = `LEFT JOIN zones z ON z.client_id = x.client_id AND z.id = x.zone_id AND z.site_id = s.id`;
/**
 * A rating's touchpoint, as a scalar subquery: joined, the planner walked a client's touchpoints
 * into every rating of the month by their submission index (over a minute for two sites).
 */
const TOUCHPOINT = (column: string) => `(SELECT t.${column} FROM touchpoints t WHERE t.client_id = x.client_id AND t.id = x.touchpoint_id)`;
/** A published row's contract c and, when it has one, its site s. */
const PUBLISHED = `JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id LEFT JOIN sites s ON s.client_id = x.client_id AND s.id = x.site_id`;
const STAMP = `JOIN published_scorecards p ON p.client_id = x.client_id AND p.contract_id = x.contract_id AND p.period = x.period`;

const VIEWS: Record<string, string> = {
  contracts: `
    SELECT x.client_id, x.id AS contract_id, x.key AS contract, x.name, x.provider,
           (SELECT s.language FROM sites s WHERE s.client_id = x.client_id AND s.contract_id = x.id GROUP BY s.language ORDER BY count(*) DESC, s.language LIMIT 1) AS language
    FROM contracts x`,
  sites: `
    SELECT x.client_id, c.key AS contract, x.id AS site_id, x.key AS site, x.name, x.city, x.country, x.time_zone, x.language, x.retired_at IS NOT NULL AS retired
    FROM sites x JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id`,
  zones: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, x.id AS zone_id, x.key AS zone, x.name, x.type, x.retired_at IS NOT NULL AS retired
    FROM zones x ${SITE}`,
  objective_figures: `
    SELECT x.client_id, c.key AS contract, x.period, s.key AS site, CASE WHEN x.site_id IS NULL THEN 'contract' ELSE 'site' END AS scope,
           x.objective_key AS objective, x.kind, x.indicator, x.value, x.numerator, x.denominator, x.sample, x.target, x.status, x.budget_remaining,
           x.breaches_xla, p.published_at, p.rollup_version
    FROM published_objective_figures x ${PUBLISHED} ${STAMP}`,
  scope_figures: `
    SELECT x.client_id, c.key AS contract, x.period, s.key AS site, s.name AS site_name, CASE WHEN x.site_id IS NULL THEN 'contract' ELSE 'site' END AS scope,
           x.experience_index, x.experience_numerator, x.experience_denominator, x.experience_sample,
           x.xla_attainment, x.xla_met_weight, x.xla_counted_weight, x.sla_attainment, x.sla_met_weight, x.sla_counted_weight, x.watermelon,
           array_to_string(x.breached_xla, ', ') AS breached_xla, x.rank, p.published_at
    FROM published_scope_figures x ${PUBLISHED} ${STAMP}`,
  daily_figures: `
    SELECT x.client_id, c.key AS contract, x.period, x.local_date, x.local_date::timestamp AT TIME ZONE 'UTC' AS "time",
           x.experience_index, x.experience_numerator, x.experience_denominator, x.experience_sample, x.xla_attainment, x.sla_attainment
    FROM published_daily_figures x JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id`,
  burn_rates: `
    SELECT x.client_id, c.key AS contract, x.period, x.objective_key AS objective, x.lookback_hours, x.burn_rate, x.valid, x.enough_traffic
    FROM published_burn_rates x JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id`,
  reason_shares: `
    SELECT x.client_id, c.key AS contract, x.period, x.reason, x.negatives, x.negatives_total, x.share
    FROM published_reason_shares x JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id`,
  publications: `
    SELECT x.client_id, c.key AS contract, x.period, x.rollup_version, x.published_at
    FROM published_scorecards x JOIN contracts c ON c.client_id = x.client_id AND c.id = x.contract_id`,
  comment_themes: `
    SELECT x.client_id, c.key AS contract, s.key AS site, z.key AS zone, x.local_date, x.local_date::timestamp AT TIME ZONE s.time_zone AS "time",
           x.language, x.theme, x.comments, x.examples
    FROM comment_theme_daily x ${SITE} ${ZONE}`,
  ratings_hourly: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id, x.hour AS "time", x.local_date,
           extract(isodow FROM x.hour AT TIME ZONE s.time_zone)::int AS local_weekday, extract(hour FROM x.hour AT TIME ZONE s.time_zone)::int AS local_hour,
           x.rated, x.positive, x.neutral, x.negative, x.excluded_kiosk_repeat + x.excluded_burst + x.excluded_daily_cap AS excluded, x.negative_reasons
    FROM rating_rollup_hourly x ${SITE} ${ZONE}`,
  ratings_daily: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, x.zone_type, x.local_date, x.local_date::timestamp AT TIME ZONE s.time_zone AS "time",
           x.rated, x.positive, x.neutral, x.negative, x.excluded_kiosk_repeat, x.excluded_burst, x.excluded_daily_cap
    FROM scope_rollup_daily x ${SITE}`,
  ratings_site_hourly: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, x.zone_type, x.hour AS "time", x.rated, x.positive, x.neutral, x.negative
    FROM scope_rollup_hourly x ${SITE}`,
  ratings: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id,
           ${TOUCHPOINT('key')} AS touchpoint, x.rated_at AS "time", x.score, ${TOUCHPOINT('scale')} AS scale, x.polarity, x.reasons, x.comment,
           COALESCE(x.language, s.language) AS language, x.origin, x.excluded_reason IS NOT NULL AS excluded, x.excluded_reason
    FROM ratings x ${SITE} ${ZONE}`,
  sensor_hourly: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id, x.signal, x.hour AS "time", x.n, x.sum / NULLIF(x.n, 0) AS mean, x.min, x.max
    FROM readings_hourly x ${SITE} ${ZONE}`,
  // Each site's hours by its index: readings_hourly has no index by hour alone (a sequential scan of the month).
  readings_per_hour: `
    SELECT x.client_id, s.key AS site, x.site_id, x.signal, x.hour AS "time", x.n
    FROM sites s JOIN readings_hourly x ON x.client_id = s.client_id AND x.site_id = s.id`,
  sla_hourly: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id, x.hour AS "time",
           x.tasks_due, x.tasks_on_time, x.tasks_late, x.tasks_missed, x.incidents_opened, x.incidents_responded_in_time, x.incidents_resolved_in_time,
           x.visitors, x.visitors_while_out, x.service_minutes, x.out_minutes, x.occupied_minutes, x.comfortable_minutes, x.device_online_minutes, x.device_expected_minutes
    FROM sla_facts_hourly x ${SITE} ${ZONE}`,
  incidents: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id, x.id AS incident_id, x.category, x.priority, x.origin,
           x.opened_at AS "time", x.opened_at, x.acknowledged_at, x.resolved_at, x.respond_target_s, x.resolve_target_s, x.report_count,
           extract(epoch FROM x.acknowledged_at - x.opened_at) AS response_s, extract(epoch FROM x.resolved_at - x.opened_at) AS resolution_s,
           CASE WHEN x.resolved_at IS NOT NULL THEN 'resolved' WHEN x.acknowledged_at IS NOT NULL THEN 'acknowledged' ELSE 'open' END AS state
    FROM incidents x ${SITE} ${ZONE}`,
  devices: `
    SELECT x.client_id, c.key AS contract, s.key AS site, x.site_id, z.key AS zone, x.zone_id, x.key AS device, x.model, x.expected_interval_s,
           h.last_seen_at, h.last_battery, x.retired_at IS NOT NULL AS retired
    FROM devices x ${SITE} ${ZONE} LEFT JOIN device_health h ON h.client_id = x.client_id AND h.device_id = x.id`,
  dead_letters: `
    SELECT x.client_id, s.key AS site, x.received_at AS "time", x.reason, x.topic, x.device_ref
    FROM dead_letters x LEFT JOIN sites s ON s.client_id = x.client_id AND s.id = x.site_id`,
  rollup_backlog: `
    SELECT x.client_id, c.key AS contract, s.key AS site, z.key AS zone, x.local_date, x.marked_at AS "time", x.marked_at
    FROM scoring_dirty_days x ${SITE} ${ZONE}`,
};

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The hourly rating counts a burn-rate lookback sums (lookbacks.repository.ts), carried in the primary key's leaf entries. */
const RATING_COUNTS = 'rated, positive, neutral, negative, happy_thirds';
/** The SLA facts a lookback sums, and the zone they are grouped by, carried in the site-hour index. */
const SLA_FACTS = [
  'zone_id',
  'tasks_due',
  'tasks_on_time',
  'tasks_late',
  'tasks_missed',
  'incidents_opened',
  'incidents_responded_in_time',
  'incidents_resolved_in_time',
  'visitors',
  'visitors_while_out',
  'service_minutes',
  'out_minutes',
  'inspections',
  'inspections_scored',
  'inspection_score_sum',
  'occupied_minutes',
  'comfortable_minutes',
  'device_online_minutes',
  'device_expected_minutes',
].join(', ');

/**
 * A site's burn-rate lookbacks (its latest 72 service hours of every zone, both families) read from
 * the indexes alone: the rating rollups' primary key and the SLA facts' site-hour index carry the
 * columns the lookbacks sum. A site's hours are together in key order, so a cold site scorecard read
 * about 60 pages of the two indexes instead of 70 rating pages and a heap page for each SLA hour
 * (790 for a site of 10 zones; bench:scoring, lookbacks 6–7 ms → 2 ms cold). An index-only scan
 * skips the heap where the visibility map says every row is visible: autovacuum keeps it, and a
 * rollup rebuild vacuums what it rewrote (RollupsRepository.analyze).
 */
export class LookbackCoveringKeys1765000000019 implements MigrationInterface {
  name = 'LookbackCoveringKeys1765000000019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE rating_rollup_hourly DROP CONSTRAINT rating_rollup_hourly_pkey,
         ADD CONSTRAINT rating_rollup_hourly_pkey PRIMARY KEY (client_id, site_id, hour, zone_id) INCLUDE (${RATING_COUNTS})`,
    );
    await q.query(`DROP INDEX sla_facts_hourly_site_hour`);
    await q.query(`CREATE INDEX sla_facts_hourly_site_hour ON sla_facts_hourly (client_id, site_id, hour) INCLUDE (${SLA_FACTS})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sla_facts_hourly_site_hour`);
    await q.query(`CREATE INDEX sla_facts_hourly_site_hour ON sla_facts_hourly (client_id, site_id, hour)`);
    await q.query(`ALTER TABLE rating_rollup_hourly DROP CONSTRAINT rating_rollup_hourly_pkey, ADD CONSTRAINT rating_rollup_hourly_pkey PRIMARY KEY (client_id, site_id, hour, zone_id)`);
  }
}

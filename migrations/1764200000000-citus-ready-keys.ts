import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys a Citus cluster can enforce when the fact tables are distributed by client_id: every primary
 * key and unique constraint starts with client_id. The catalog stays whole on every node (reference
 * tables: keys and tokens unique across the service, and ingest resolves devices of any client), and
 * dead letters stay on the coordinator; each says so in a comment that test/e2e/citus-keys checks.
 */
export class CitusReadyKeys1764200000000 implements MigrationInterface {
  name = 'CitusReadyKeys1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A partitioned table's keys must hold its partition key (ts) too.
      ALTER TABLE readings DROP CONSTRAINT readings_pkey;
      ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (client_id, device_id, signal, ts);
      ALTER TABLE readings_hourly DROP CONSTRAINT readings_hourly_pkey;
      ALTER TABLE readings_hourly ADD CONSTRAINT readings_hourly_pkey PRIMARY KEY (client_id, zone_id, signal, hour);
      ALTER TABLE device_health DROP CONSTRAINT device_health_pkey;
      ALTER TABLE device_health ADD CONSTRAINT device_health_pkey PRIMARY KEY (client_id, device_id);
      ALTER TABLE connector_state DROP CONSTRAINT connector_state_pkey;
      ALTER TABLE connector_state ADD CONSTRAINT connector_state_pkey PRIMARY KEY (client_id, connector_id);
      -- The per-client prefix already indexes these two tables by client first.
      DROP INDEX ix_device_health_client;
      DROP INDEX ix_connector_state_client;

      ALTER TABLE ratings DROP CONSTRAINT ratings_pkey, DROP CONSTRAINT uq_ratings_submission;
      ALTER TABLE ratings ADD CONSTRAINT ratings_pkey PRIMARY KEY (client_id, id),
        ADD CONSTRAINT uq_ratings_submission UNIQUE (client_id, touchpoint_id, submission_id);
      ALTER TABLE incident_reports DROP CONSTRAINT incident_reports_pkey, DROP CONSTRAINT uq_incident_reports_submission;
      ALTER TABLE incident_reports ADD CONSTRAINT incident_reports_pkey PRIMARY KEY (client_id, id),
        ADD CONSTRAINT uq_incident_reports_submission UNIQUE (client_id, touchpoint_id, submission_id);

      COMMENT ON TABLE clients IS 'Citus: reference table - the tenants themselves, read by every node.';
      COMMENT ON TABLE contracts IS 'Citus: reference table - contract keys are unique across the service (contracts as code).';
      COMMENT ON TABLE sites IS 'Citus: reference table - site keys are unique across the service (MQTT topics name no client).';
      COMMENT ON TABLE zones IS 'Citus: reference table - touchpoints (a reference table) refer to zones.';
      COMMENT ON TABLE touchpoints IS 'Citus: reference table - keys and QR/kiosk tokens are unique across the service.';
      COMMENT ON TABLE devices IS 'Citus: reference table - every ingest batch resolves devices of any client from the topic.';
      COMMENT ON TABLE connectors IS 'Citus: reference table - connector keys are unique across the service (contracts as code).';
      COMMENT ON TABLE api_keys IS 'Citus: reference table - a key is found by its hash before its client is known; admin keys have none.';
      COMMENT ON TABLE dead_letters IS 'Citus: local table on the coordinator - letters from unknown devices have no client (NULL client_id).';
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      COMMENT ON TABLE clients IS NULL;
      COMMENT ON TABLE contracts IS NULL;
      COMMENT ON TABLE sites IS NULL;
      COMMENT ON TABLE zones IS NULL;
      COMMENT ON TABLE touchpoints IS NULL;
      COMMENT ON TABLE devices IS NULL;
      COMMENT ON TABLE connectors IS NULL;
      COMMENT ON TABLE api_keys IS NULL;
      COMMENT ON TABLE dead_letters IS NULL;

      ALTER TABLE incident_reports DROP CONSTRAINT incident_reports_pkey, DROP CONSTRAINT uq_incident_reports_submission;
      ALTER TABLE incident_reports ADD CONSTRAINT incident_reports_pkey PRIMARY KEY (id),
        ADD CONSTRAINT uq_incident_reports_submission UNIQUE (touchpoint_id, submission_id);
      ALTER TABLE ratings DROP CONSTRAINT ratings_pkey, DROP CONSTRAINT uq_ratings_submission;
      ALTER TABLE ratings ADD CONSTRAINT ratings_pkey PRIMARY KEY (id),
        ADD CONSTRAINT uq_ratings_submission UNIQUE (touchpoint_id, submission_id);

      CREATE INDEX ix_connector_state_client ON connector_state (client_id);
      CREATE INDEX ix_device_health_client ON device_health (client_id);
      ALTER TABLE connector_state DROP CONSTRAINT connector_state_pkey;
      ALTER TABLE connector_state ADD CONSTRAINT connector_state_pkey PRIMARY KEY (connector_id);
      ALTER TABLE device_health DROP CONSTRAINT device_health_pkey;
      ALTER TABLE device_health ADD CONSTRAINT device_health_pkey PRIMARY KEY (device_id);
      ALTER TABLE readings_hourly DROP CONSTRAINT readings_hourly_pkey;
      ALTER TABLE readings_hourly ADD CONSTRAINT readings_hourly_pkey PRIMARY KEY (zone_id, signal, hour);
      ALTER TABLE readings DROP CONSTRAINT readings_pkey;
      ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (device_id, signal, ts);
    `);
  }
}

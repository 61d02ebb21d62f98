import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Connectors1763900000001 implements MigrationInterface {
  name = 'Connectors1763900000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connectors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        key text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('http-json','csv')),
        schedule text NOT NULL,
        enabled boolean NOT NULL,
        settings jsonb NOT NULL,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_connectors_client_contract ON connectors (client_id, contract_id);
      CREATE TABLE connector_state (
        connector_id uuid PRIMARY KEY REFERENCES connectors(id),
        client_id uuid NOT NULL REFERENCES clients(id),
        cursor jsonb NOT NULL DEFAULT '{}',
        last_run_at timestamptz,
        last_finished_at timestamptz,
        last_success_at timestamptz,
        last_status text CHECK (last_status IN ('running','succeeded','failed')),
        last_error text,
        last_imported integer NOT NULL DEFAULT 0,
        last_rejected integer NOT NULL DEFAULT 0,
        imported_total bigint NOT NULL DEFAULT 0,
        rejected_total bigint NOT NULL DEFAULT 0,
        rejections jsonb NOT NULL DEFAULT '[]'
      );
      CREATE INDEX ix_connector_state_client ON connector_state (client_id);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connector_state, connectors`);
  }
}

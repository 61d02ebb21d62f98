import type { MigrationInterface, QueryRunner } from 'typeorm';

/** XLA and SLA objectives of each contract, from the contract YAML (issue 13); retired, never deleted, when they leave the file. */
export class Objectives1765000000001 implements MigrationInterface {
  name = 'Objectives1765000000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE objectives (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('xla', 'sla')),
        indicator text NOT NULL,
        target double precision NOT NULL,
        window_kind text NOT NULL CHECK (window_kind IN ('calendar_month', 'calendar_week', 'rolling_7d', 'rolling_28d', 'rolling_30d')),
        scope jsonb NOT NULL DEFAULT '{}',
        min_sample integer NOT NULL CHECK (min_sample > 0),
        weight double precision NOT NULL DEFAULT 1 CHECK (weight > 0),
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_objectives_contract_key UNIQUE (contract_id, key)
      );
      CREATE INDEX ix_objectives_client_contract ON objectives (client_id, contract_id);
      COMMENT ON TABLE objectives IS 'Citus: reference table - objectives belong to contracts (a reference table) and every scorecard reads them.';
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE objectives`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored monthly reports (issue 16): one per contract and period, generated on the 1st at 06:00 in
 * the contract's time zone by one leader, in the three formats; a failed generation is kept with
 * its error and retried, never silently skipped.
 */
export class Reports1765000000011 implements MigrationInterface {
  name = 'Reports1765000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        client_id uuid NOT NULL REFERENCES clients (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contracts (id),
        period text NOT NULL CHECK (period ~ '^\\d{4}-(0[1-9]|1[0-2])$'),
        status text NOT NULL CHECK (status IN ('ready', 'failed')),
        language text,
        generated_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 1,
        error text,
        html text,
        csv text,
        pdf bytea,
        PRIMARY KEY (client_id, id),
        UNIQUE (client_id, contract_id, period),
        CHECK ((status = 'ready') = (html IS NOT NULL AND csv IS NOT NULL AND pdf IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reports`);
  }
}

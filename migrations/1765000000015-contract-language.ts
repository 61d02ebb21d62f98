import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contract may state its language (contract YAML `contract.language`); otherwise its sites' most
 * common, and on a tie the language of the first tied site by key. The `reporting.contracts` view
 * follows the same rule as the dashboards and the reports (src/catalog/contract-language.ts); it
 * took the alphabetically first language on a tie, the reports the first site by key, and the
 * dashboards the first site in the file.
 */
export class ContractLanguage1765000000015 implements MigrationInterface {
  name = 'ContractLanguage1765000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contracts ADD COLUMN language text CHECK (language IN ('sv', 'da', 'nb', 'fi', 'en', 'de'))`);
    await q.query(`
      CREATE OR REPLACE VIEW reporting.contracts AS
        SELECT x.client_id, x.id AS contract_id, x.key AS contract, x.name, x.provider,
               COALESCE(x.language,
                 (SELECT s.language FROM sites s WHERE s.client_id = x.client_id AND s.contract_id = x.id AND s.retired_at IS NULL
                  GROUP BY s.language ORDER BY count(*) DESC, min(s.key) LIMIT 1),
                 'en') AS language
        FROM contracts x`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW reporting.contracts AS
        SELECT x.client_id, x.id AS contract_id, x.key AS contract, x.name, x.provider,
               (SELECT s.language FROM sites s WHERE s.client_id = x.client_id AND s.contract_id = x.id GROUP BY s.language ORDER BY count(*) DESC, s.language LIMIT 1) AS language
        FROM contracts x`);
    await q.query(`ALTER TABLE contracts DROP COLUMN language`);
  }
}

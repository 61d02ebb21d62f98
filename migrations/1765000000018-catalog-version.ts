import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables a scoring route's scope is read from: a change to any of them moves the catalog version. */
const TABLES = ['clients', 'contracts', 'sites', 'zones', 'objectives'];

/**
 * The catalog's version, moved on by every statement that changes a client, contract, site, zone or
 * objective (a contract file's sync, a retirement, a test's own INSERT alike). The scoring routes
 * keep what they read of the catalog under it: a site scorecard read its site, zones, contract and
 * objectives in four statements every time, for rows that change when a contract file does.
 */
export class CatalogVersion1765000000018 implements MigrationInterface {
  name = 'CatalogVersion1765000000018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalog_version (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version bigint NOT NULL DEFAULT 0
      );
      INSERT INTO catalog_version DEFAULT VALUES;
      COMMENT ON TABLE catalog_version IS 'Citus: reference table - one row, moved by changes to the catalog''s reference tables.';
      CREATE FUNCTION catalog_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE catalog_version SET version = version + 1;
        RETURN NULL;
      END $$;
      ${TABLES.map((t) => `CREATE TRIGGER catalog_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_bump();`).join('\n      ')}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${TABLES.map((t) => `DROP TRIGGER catalog_version_bump ON ${t};`).join('\n      ')}
      DROP FUNCTION catalog_version_bump();
      DROP TABLE catalog_version;
    `);
  }
}

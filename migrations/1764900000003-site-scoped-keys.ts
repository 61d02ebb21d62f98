import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys limited to one site of their client: a cleaner's handheld (role device) records events
 * and acts on incidents of its own site only. No foreign key: api_keys is a Citus reference table
 * and sites are distributed by client.
 */
export class SiteScopedKeys1764900000003 implements MigrationInterface {
  name = 'SiteScopedKeys1764900000003';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys ADD COLUMN site_id uuid;
      ALTER TABLE api_keys ADD CONSTRAINT ck_api_keys_site CHECK ((role = 'device') = (site_id IS NOT NULL));
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT ck_api_keys_site; ALTER TABLE api_keys DROP COLUMN site_id;`);
  }
}

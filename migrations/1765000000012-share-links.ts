import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Share links (issue 16): a signed, expiring, revocable token for the live scorecard page of a
 * contract or one of its sites, made by an account team for a client without an account. The
 * token holds the link's id, expiry and an HMAC; the row says whether it still stands.
 */
export class ShareLinks1765000000012 implements MigrationInterface {
  name = 'ShareLinks1765000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE share_links (
        client_id uuid NOT NULL REFERENCES clients (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contracts (id),
        site_id uuid REFERENCES sites (id),
        label text CHECK (length(label) <= 200),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        PRIMARY KEY (client_id, id),
        CHECK (expires_at > created_at)
      )`);
    // The page finds a link by the id its token carries.
    await q.query(`CREATE INDEX ix_share_links_id ON share_links (id)`);
    await q.query(`CREATE INDEX ix_share_links_contract ON share_links (client_id, contract_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE share_links`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PseudonymKeys1764100000000 implements MigrationInterface {
  name = 'PseudonymKeys1764100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- One random salt per UTC day for sender pseudonyms, shared by every instance and deleted when its
      -- day is over. A platform secret, not client data: no client_id.
      CREATE TABLE pseudonym_keys (
        day date PRIMARY KEY,
        salt bytea NOT NULL CHECK (length(salt) = 32),
        -- HMAC of the secret outside the database that the day's instances must share; not the secret.
        verifier text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- The old secret reproduced every stored source hash from an address; destroying it makes them irreversible.
      DELETE FROM app_secrets WHERE name = 'source-hash';
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    // The destroyed secret cannot come back: the previous code makes a new one when it starts.
    await q.query(`DROP TABLE pseudonym_keys`);
  }
}

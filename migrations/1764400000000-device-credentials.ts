import type { MigrationInterface, QueryRunner } from 'typeorm';

/** MQTT credentials of devices: the username `siteKey.deviceKey` and an scrypt hash of the secret (never the secret). */
export class DeviceCredentials1764400000000 implements MigrationInterface {
  name = 'DeviceCredentials1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_credentials (
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        device_id uuid NOT NULL REFERENCES devices(id),
        username text NOT NULL,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        rotated_at timestamptz,
        CONSTRAINT device_credentials_pkey PRIMARY KEY (client_id, device_id),
        CONSTRAINT uq_device_credentials_username UNIQUE (username)
      );
      COMMENT ON TABLE device_credentials IS 'Citus: reference table - the broker finds a credential by its username before the client is known.';
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_credentials`);
  }
}

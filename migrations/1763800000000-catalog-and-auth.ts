import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogAndAuth1763800000000 implements MigrationInterface {
  name = 'CatalogAndAuth1763800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        provider text NOT NULL,
        starts_on date NOT NULL,
        ends_on date,
        source_file text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_contracts_client ON contracts (client_id);
      CREATE TABLE sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        city text NOT NULL,
        country text NOT NULL,
        time_zone text NOT NULL,
        language text NOT NULL,
        service_hours jsonb NOT NULL,
        holidays jsonb NOT NULL DEFAULT '[]',
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_sites_client_contract ON sites (client_id, contract_id);
      CREATE TABLE zones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        key text NOT NULL,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('restroom','kitchen','meeting_room','open_office','entrance','other')),
        floor text,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_zones_site_key UNIQUE (site_id, key)
      );
      CREATE INDEX ix_zones_client_site ON zones (client_id, site_id);
      CREATE TABLE touchpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('qr','kiosk')),
        scale text NOT NULL CHECK (scale IN ('smiley5','smiley4','nps11')),
        reason_sets jsonb NOT NULL,
        token text NOT NULL UNIQUE,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_touchpoints_client_site ON touchpoints (client_id, site_id);
      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        key text NOT NULL,
        model text,
        signals jsonb NOT NULL,
        expected_interval_s integer NOT NULL CHECK (expected_interval_s > 0),
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_devices_site_key UNIQUE (site_id, key)
      );
      CREATE INDEX ix_devices_client_site ON devices (client_id, site_id);
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid REFERENCES clients(id),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','fm_manager','account_manager','client_viewer','device')),
        prefix text NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT ck_api_keys_scope CHECK ((role = 'admin') = (client_id IS NULL))
      );
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys, devices, touchpoints, zones, sites, contracts, clients`);
  }
}

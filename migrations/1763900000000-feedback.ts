import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Feedback1763900000000 implements MigrationInterface {
  name = 'Feedback1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ratings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        touchpoint_id uuid NOT NULL REFERENCES touchpoints(id),
        submission_id text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('qr','kiosk','mqtt','connector')),
        score smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
        polarity text NOT NULL CHECK (polarity IN ('negative','neutral','positive')),
        reasons jsonb NOT NULL DEFAULT '[]',
        comment text CHECK (char_length(comment) <= 500),
        language text,
        rated_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        follow_up_at timestamptz,
        source_hash text NOT NULL,
        excluded_reason text CHECK (excluded_reason IN ('kiosk_repeat','burst','daily_cap')),
        CONSTRAINT uq_ratings_submission UNIQUE (touchpoint_id, submission_id)
      );
      CREATE INDEX ix_ratings_client_site_time ON ratings (client_id, site_id, rated_at);
      CREATE INDEX ix_ratings_touchpoint_time ON ratings (touchpoint_id, rated_at);
      CREATE INDEX ix_ratings_source_time ON ratings (source_hash, rated_at);
      CREATE TABLE incident_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        touchpoint_id uuid NOT NULL REFERENCES touchpoints(id),
        submission_id text NOT NULL,
        category text NOT NULL,
        comment text CHECK (char_length(comment) <= 500),
        reported_at timestamptz NOT NULL,
        source_hash text NOT NULL,
        CONSTRAINT uq_incident_reports_submission UNIQUE (touchpoint_id, submission_id)
      );
      CREATE INDEX ix_incident_reports_client_site_time ON incident_reports (client_id, site_id, reported_at);
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        client_id uuid REFERENCES clients(id),
        site_id uuid REFERENCES sites(id),
        topic text NOT NULL,
        payload text NOT NULL,
        reason text NOT NULL,
        detail text,
        fingerprint text NOT NULL UNIQUE,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_dead_letters_client_time ON dead_letters (client_id, received_at);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letters; DROP TABLE incident_reports; DROP TABLE ratings; DROP TABLE app_secrets;`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Driver and comment-theme rollups (issue 13), kept by the scoring rollup job with the other rollups
 * of a zone-day: per condition, the ratings given while it held (n1, negatives k1) and while it did
 * not (n0, k0); per language and theme, the comments naming it ('*' counts every comment). Derived
 * data: no foreign keys, client_id first in every key.
 */
export class DriverRollups1765000000003 implements MigrationInterface {
  name = 'DriverRollups1765000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE driver_rollup_daily (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        condition text NOT NULL,
        site_id uuid NOT NULL,
        n1 integer NOT NULL DEFAULT 0,
        k1 integer NOT NULL DEFAULT 0,
        n0 integer NOT NULL DEFAULT 0,
        k0 integer NOT NULL DEFAULT 0,
        PRIMARY KEY (client_id, zone_id, local_date, condition)
      );
      CREATE INDEX ix_driver_rollup_daily_site_date ON driver_rollup_daily (client_id, site_id, local_date);
      CREATE TABLE comment_theme_daily (
        client_id uuid NOT NULL,
        zone_id uuid NOT NULL,
        local_date date NOT NULL,
        language text NOT NULL,
        theme text NOT NULL,
        site_id uuid NOT NULL,
        comments integer NOT NULL DEFAULT 0,
        -- The zone-day's newest few comments naming the theme: examples without reading raw ratings.
        examples text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (client_id, zone_id, local_date, language, theme)
      );
      CREATE INDEX ix_comment_theme_daily_site_date ON comment_theme_daily (client_id, site_id, local_date);
      COMMENT ON COLUMN comment_theme_daily.theme IS 'A theme of themes.ts, or * for every comment of the zone-day in the language (the share''s denominator).';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE comment_theme_daily; DROP TABLE driver_rollup_daily;`);
  }
}

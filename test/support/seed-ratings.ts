import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Scale } from '../../src/catalog/catalog.types';
import { polarityOf } from '../../src/feedback/reasons';

/** A rating to store, by its touchpoint's key. */
export interface RatingSeed {
  touchpoint: string;
  /** Local wall-clock time at the touchpoint's site, or an instant ending in Z. */
  at: string;
  score: number;
  reasons?: string[];
  comment?: string;
  language?: string | null;
  excluded?: 'burst';
}

/** Stores ratings as the feedback module does (polarity from the scale), in one statement, at local times of their sites. */
export async function seedRatings(dataSource: DataSource, seeds: readonly RatingSeed[]): Promise<void> {
  const touchpoints = await dataSource.query<Array<{ key: string; id: string; clientId: string; siteId: string; zoneId: string; scale: Scale; timeZone: string }>>(
    `SELECT t.key, t.id, t.client_id AS "clientId", t.site_id AS "siteId", t.zone_id AS "zoneId", t.scale, s.time_zone AS "timeZone"
     FROM touchpoints t JOIN sites s ON s.id = t.site_id`,
  );
  const byKey = new Map(touchpoints.map((t) => [t.key, t]));
  const rows = seeds.map((seed) => {
    const tp = byKey.get(seed.touchpoint)!;
    return {
      client_id: tp.clientId,
      site_id: tp.siteId,
      zone_id: tp.zoneId,
      touchpoint_id: tp.id,
      submission_id: randomUUID(),
      score: seed.score,
      polarity: polarityOf(tp.scale, seed.score),
      reasons: seed.reasons ?? [],
      comment: seed.comment ?? null,
      language: seed.language ?? null,
      rated_at: DateTime.fromISO(seed.at, { zone: tp.timeZone }).toUTC().toISO(),
      excluded_reason: seed.excluded ?? null,
    };
  });
  await insertRatingRows(dataSource, rows);
}

/** A rating row as stored; comment and language may be left out. */
export interface RatingRow {
  client_id: string;
  site_id: string;
  zone_id: string;
  touchpoint_id: string;
  submission_id: string;
  score: number;
  polarity: string;
  reasons: string[];
  comment?: string | null;
  language?: string | null;
  rated_at: string | null;
  excluded_reason: string | null | undefined;
}

/** Inserts rating rows in one statement (so a statement trigger sees them all at once), as a connector's. */
export async function insertRatingRows(dataSource: DataSource, rows: readonly RatingRow[]): Promise<void> {
  await dataSource.query(
    `INSERT INTO ratings (client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity, reasons, comment, language, rated_at, received_at, source_hash, excluded_reason)
     SELECT client_id, site_id, zone_id, touchpoint_id, submission_id, 'connector', score, polarity, reasons, comment, language, rated_at, now(), 'test', excluded_reason
     FROM jsonb_to_recordset($1::jsonb) AS r(client_id uuid, site_id uuid, zone_id uuid, touchpoint_id uuid, submission_id text, score smallint,
          polarity text, reasons jsonb, comment text, language text, rated_at timestamptz, excluded_reason text)
     ON CONFLICT (client_id, touchpoint_id, submission_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

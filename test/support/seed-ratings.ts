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

/** A month of demo-like data at Gamma (and some at Alpha, which Gamma's role must never see). */
export function octoberAtGamma(): RatingSeed[] {
  const seeds: RatingSeed[] = [];
  for (let i = 0; i < 50; i++) {
    const day = String(1 + (i % 25)).padStart(2, '0');
    const score = i < 41 ? 5 : i < 44 ? 3 : 1;
    const comment = i >= 44 ? (i % 2 ? 'Ingen tvål i dispensern' : 'Smutsigt golv och ingen tvål') : undefined;
    seeds.push({ touchpoint: 'gamma-sto-restroom-qr', at: `2026-10-${day}T${i < 25 ? '10' : '11'}:00`, score, reasons: i >= 44 ? ['no_soap'] : [], comment, language: 'sv' });
  }
  for (let i = 0; i < 5; i++) seeds.push({ touchpoint: 'gamma-sto-restroom-qr', at: `2026-10-26T12:0${i}`, score: 1, excluded: 'burst' });
  for (let i = 0; i < 20; i++) seeds.push({ touchpoint: 'gamma-blr-restroom-qr', at: `2026-10-${String(1 + i).padStart(2, '0')}T10:00`, score: i < 18 ? 5 : 2, reasons: i < 18 ? [] : ['dirty_floor'] });
  for (const at of ['16:30', '17:05', '17:15']) seeds.push({ touchpoint: 'gamma-sto-entrance-kiosk', at: `2026-10-30T${at}`, score: 1 });
  for (let i = 0; i < 12; i++) seeds.push({ touchpoint: 'alpha-1f-restroom-qr', at: `2026-10-${String(1 + i).padStart(2, '0')}T09:00`, score: i < 6 ? 5 : 1, reasons: i < 6 ? [] : ['no_paper'], comment: i === 7 ? 'No paper at all' : undefined });
  return seeds;
}

/** Stockholm's restroom at Gamma: 30 planned cleans in October, all on time (3 hours of 10), so with its breached csat a watermelon. */
export async function stockholmCleaningInOctober(dataSource: DataSource): Promise<void> {
  for (let d = 5; d < 8; d++) {
    await dataSource.query(
      `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, tasks_due, tasks_on_time, visitors)
       SELECT z.client_id, z.id, z.site_id, $1, 10, 10, 40 FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'gamma-sto' AND z.key = '1f-restroom'`,
      [`2026-10-0${d}T08:00:00Z`],
    );
  }
}

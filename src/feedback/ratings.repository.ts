import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../platform/database/sql-params';
import type { TouchpointKind } from '../catalog/catalog.types';
import type { RatingOrigin } from './feedback.types';
import { judgeRating, type ExclusionReason, type MisusePolicy, type RatingEvent } from './misuse-filter';
import type { Polarity } from './reasons';

export interface NewRating {
  clientId: string;
  siteId: string;
  zoneId: string;
  touchpointId: string;
  touchpointKind: TouchpointKind;
  submissionId: string;
  origin: RatingOrigin;
  score: number;
  polarity: Polarity;
  reasons: string[];
  comment: string | null;
  language: string | null;
  ratedAt: Date;
  receivedAt: Date;
  sourceHash: string;
  /** The answers came with the rating, so no follow-up may change them. */
  answered: boolean;
}

export interface StoredRating {
  submissionId: string;
  score: number;
  polarity: Polarity;
  reasons: string[];
  excludedReason: ExclusionReason | null;
  ratedAt: Date;
  receivedAt: Date;
  followUpAt: Date | null;
  /** False when the id was stored before: a retry, answered from the stored row. */
  created: boolean;
}

export interface RatingListFilter {
  clientId: string | null;
  touchpoint?: string;
  site?: string;
  from?: Date;
  to?: Date;
  page: number;
  limit: number;
}

interface StoredRow {
  touchpoint_id: string;
  submission_id: string;
  score: number;
  polarity: Polarity;
  reasons: string[];
  excluded_reason: ExclusionReason | null;
  rated_at: Date | string;
  received_at: Date | string;
  follow_up_at: Date | string | null;
}

const STORED_COLUMNS = 'touchpoint_id, submission_id, score, polarity, reasons, excluded_reason, rated_at, received_at, follow_up_at';
const DAY_MS = 24 * 3_600_000;
const keyOf = (touchpointId: string, submissionId: string) => `${touchpointId} ${submissionId}`;

function toStored(row: StoredRow, created: boolean): StoredRating {
  return {
    submissionId: row.submission_id,
    score: Number(row.score),
    polarity: row.polarity,
    reasons: row.reasons,
    excludedReason: row.excluded_reason,
    ratedAt: new Date(row.rated_at),
    receivedAt: new Date(row.received_at),
    followUpAt: row.follow_up_at === null ? null : new Date(row.follow_up_at),
    created,
  };
}

/**
 * Ratings storage. The write path is raw SQL over jsonb_to_recordset because it stores a whole group
 * of submissions at once: read the misuse history, judge, insert the rest in one statement.
 */
@Injectable()
export class RatingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores a group of submissions; results in input order. Two round trips: one read of the misuse
   * history, then one INSERT for the whole group, which is its own transaction (a single statement
   * is atomic). Retries need no read first: ON CONFLICT skips them and only they are looked up.
   */
  async commitBatch(batch: NewRating[], policy: MisusePolicy): Promise<StoredRating[]> {
    const fresh: NewRating[] = [];
    const claimed = new Set<string>();
    for (const rating of batch) {
      const key = keyOf(rating.touchpointId, rating.submissionId);
      if (!claimed.has(key)) {
        claimed.add(key);
        fresh.push(rating);
      }
    }
    const verdicts = await this.judge(fresh, policy);
    const inserted: StoredRow[] = await this.dataSource.query(
      `INSERT INTO ratings (client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity, reasons, comment, language,
                            rated_at, received_at, follow_up_at, source_hash, excluded_reason)
       SELECT client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity, reasons, comment, language,
              rated_at, received_at, CASE WHEN answered THEN received_at END, source_hash, excluded_reason
       FROM jsonb_to_recordset($1::jsonb) AS r(client_id uuid, site_id uuid, zone_id uuid, touchpoint_id uuid, submission_id text, origin text,
            score smallint, polarity text, reasons jsonb, comment text, language text, rated_at timestamptz, received_at timestamptz,
            answered boolean, source_hash text, excluded_reason text)
       ON CONFLICT (client_id, touchpoint_id, submission_id) DO NOTHING
       RETURNING ${STORED_COLUMNS}`,
      [
        JSON.stringify(
          fresh.map((r, i) => ({
            client_id: r.clientId,
            site_id: r.siteId,
            zone_id: r.zoneId,
            touchpoint_id: r.touchpointId,
            submission_id: r.submissionId,
            origin: r.origin,
            score: r.score,
            polarity: r.polarity,
            reasons: r.reasons,
            comment: r.comment,
            language: r.language,
            rated_at: r.ratedAt.toISOString(),
            received_at: r.receivedAt.toISOString(),
            answered: r.answered,
            source_hash: r.sourceHash,
            excluded_reason: verdicts[i] ?? null,
          })),
        ),
      ],
    );
    const known = new Map(inserted.map((row) => [keyOf(row.touchpoint_id, row.submission_id), toStored(row, true)]));
    // Ids stored before (retries), or by another instance a moment ago: answer from the stored row.
    const stored = fresh.filter((r) => !known.has(keyOf(r.touchpointId, r.submissionId)));
    if (stored.length) for (const [key, row] of await this.findStored(stored)) known.set(key, row);
    const answered = new Set<string>();
    return batch.map((r) => {
      const key = keyOf(r.touchpointId, r.submissionId);
      const result = known.get(key);
      if (!result) throw new Error(`rating ${key} was neither stored nor found`);
      // The second submission of an id within one batch is a retry, like one in a later batch.
      const answer = answered.has(key) ? { ...result, created: false } : result;
      answered.add(key);
      return answer;
    });
  }

  async findRating(clientId: string, touchpointId: string, submissionId: string): Promise<StoredRating | undefined> {
    const found = await this.findStored([{ clientId, touchpointId, submissionId }]);
    return found.values().next().value;
  }

  /** Adds the follow-up answers once, while the rating is recent; undefined when it does not apply. */
  /** Counted negative ratings of a zone rated since an instant (by the site-time index; a zone's quarter hour is a few rows). */
  async negativesSince(clientId: string, siteId: string, zoneId: string, since: Date): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM ratings
       WHERE client_id = $1 AND site_id = $2 AND rated_at >= $4 AND zone_id = $3 AND polarity = 'negative' AND excluded_reason IS NULL`,
      [clientId, siteId, zoneId, since],
    );
    return row.n;
  }

  /**
   * Zones with a counted rating of the lowest score and a reason received since an instant, with the
   * latest such receipt: what the alerts' recovery sweep checks (each site's ratings by its index).
   */
  async lowestWithReasonSince(since: Date): Promise<Array<{ clientId: string; siteId: string; zoneId: string; receivedAt: Date; reasons: string[] }>> {
    return this.dataSource.query(
      `SELECT r.client_id AS "clientId", r.site_id AS "siteId", r.zone_id AS "zoneId", max(r.received_at) AS "receivedAt",
              (array_agg(r.reasons ORDER BY r.received_at DESC))[1] AS reasons
       FROM sites s JOIN ratings r ON r.client_id = s.client_id AND r.site_id = s.id AND r.rated_at >= $1::timestamptz - interval '1 day'
       JOIN touchpoints t ON t.id = r.touchpoint_id
       WHERE s.retired_at IS NULL AND r.received_at >= $1 AND r.excluded_reason IS NULL AND r.polarity = 'negative'
         AND r.score = CASE t.scale WHEN 'nps11' THEN 0 ELSE 1 END AND jsonb_typeof(r.reasons) = 'array' AND r.reasons <> '[]'::jsonb
       GROUP BY 1, 2, 3`,
      [since],
    );
  }

  /** The polarities of a zone's last `n` counted ratings, newest first. */
  async lastPolarities(clientId: string, siteId: string, zoneId: string, n: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ polarity: string }>>(
      `SELECT polarity FROM ratings WHERE client_id = $1 AND site_id = $2 AND zone_id = $3 AND excluded_reason IS NULL ORDER BY rated_at DESC LIMIT $4`,
      [clientId, siteId, zoneId, n],
    );
    return rows.map((r) => r.polarity);
  }

  async addFollowUp(clientId: string, touchpointId: string, submissionId: string, reasons: string[], comment: string | null, receivedAfter: Date, now: Date): Promise<StoredRating | undefined> {
    const rows: StoredRow[] = await this.dataSource.query(
      // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count] instead of rows.
      `WITH updated AS (
         UPDATE ratings SET reasons = $3::jsonb, comment = $4, follow_up_at = $6
         WHERE client_id = $7 AND touchpoint_id = $1 AND submission_id = $2 AND follow_up_at IS NULL AND received_at >= $5
         RETURNING ${STORED_COLUMNS})
       SELECT * FROM updated`,
      [touchpointId, submissionId, JSON.stringify(reasons), comment, receivedAfter.toISOString(), now.toISOString(), clientId],
    );
    return rows[0] ? toStored(rows[0], false) : undefined;
  }

  /** Stores an occupant's problem report once per id; returns the stored category (the first one, for a retry). */
  async addIncidentReport(report: { clientId: string; siteId: string; zoneId: string; touchpointId: string; submissionId: string; category: string; comment: string | null; reportedAt: Date; sourceHash: string }): Promise<string> {
    const rows: Array<{ category: string }> = await this.dataSource.query(
      `WITH ins AS (
         INSERT INTO incident_reports (client_id, site_id, zone_id, touchpoint_id, submission_id, category, comment, reported_at, source_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (client_id, touchpoint_id, submission_id) DO NOTHING RETURNING category)
       SELECT category FROM ins UNION ALL SELECT category FROM incident_reports WHERE client_id = $1 AND touchpoint_id = $4 AND submission_id = $5 LIMIT 1`,
      [report.clientId, report.siteId, report.zoneId, report.touchpointId, report.submissionId, report.category, report.comment, report.reportedAt.toISOString(), report.sourceHash],
    );
    return rows[0].category;
  }

  async list(filter: RatingListFilter): Promise<{ items: Array<Record<string, unknown>>; total: number }> {
    const sql = new SqlParams();
    const where: string[] = [];
    if (filter.clientId) where.push(`r.client_id = ${sql.bind(filter.clientId)}`);
    if (filter.touchpoint) where.push(`t.key = ${sql.bind(filter.touchpoint)}`);
    if (filter.site) where.push(`s.key = ${sql.bind(filter.site)}`);
    if (filter.from) where.push(`r.rated_at >= ${sql.bind(filter.from.toISOString())}`);
    if (filter.to) where.push(`r.rated_at < ${sql.bind(filter.to.toISOString())}`);
    const base = `FROM ratings r JOIN touchpoints t ON t.id = r.touchpoint_id JOIN zones z ON z.id = r.zone_id JOIN sites s ON s.id = r.site_id
                  ${whereAll(where)}`;
    const counted: Array<{ n: string }> = await this.dataSource.query(`SELECT count(*) AS n ${base}`, [...sql.values]);
    const items: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT r.submission_id AS id, t.key AS touchpoint, s.key AS site, s.key || '.' || z.key AS zone, r.origin, r.score, r.polarity, r.reasons, r.comment,
              r.excluded_reason IS NOT NULL AS excluded, r.excluded_reason AS "excludedReason", r.rated_at AS "ratedAt", r.received_at AS "receivedAt"
       ${base} ORDER BY r.rated_at DESC, r.id LIMIT ${sql.bind(filter.limit)} OFFSET ${sql.bind((filter.page - 1) * filter.limit)}`,
      sql.values,
    );
    return { items, total: Number(counted[0]?.n ?? 0) };
  }

  private async findStored(keys: Array<{ clientId: string; touchpointId: string; submissionId: string }>): Promise<Map<string, StoredRating>> {
    const rows: StoredRow[] = await this.dataSource.query(
      `SELECT ${STORED_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}
       FROM ratings r JOIN jsonb_to_recordset($1::jsonb) AS k(c uuid, t uuid, s text) ON r.client_id = k.c AND r.touchpoint_id = k.t AND r.submission_id = k.s`,
      [JSON.stringify(keys.map((k) => ({ c: k.clientId, t: k.touchpointId, s: k.submissionId })))],
    );
    return new Map(rows.map((row) => [keyOf(row.touchpoint_id, row.submission_id), toStored(row, false)]));
  }

  /**
   * Judges the fresh ratings in time order against what came before: per QR source, its latest
   * ratings of the past day (no more than the daily cap can matter); per kiosk, its presses just before.
   */
  private async judge(fresh: NewRating[], policy: MisusePolicy): Promise<Array<ExclusionReason | undefined>> {
    const verdicts = new Array<ExclusionReason | undefined>(fresh.length);
    // Imported ratings were taken, and filtered, by the system they come from; one connector is not one occupant.
    const judged = fresh.filter((r) => r.origin !== 'connector');
    if (!judged.length) return verdicts;
    const times = judged.map((r) => r.ratedAt.getTime());
    const earliest = Math.min(...times);
    const latest = Math.max(...times);
    const keep = Math.max(policy.dailyCap, policy.burstMax);
    const qrSources = [...new Set(judged.filter((r) => r.touchpointKind !== 'kiosk').map((r) => r.sourceHash))];
    const kiosks = [...new Set(judged.filter((r) => r.touchpointKind === 'kiosk').map((r) => r.touchpointId))];
    const rows: Array<{ touchpoint_id: string; submission_id: string; source_hash: string; rated_at: Date | string }> = await this.dataSource.query(
      `SELECT p.touchpoint_id, p.submission_id, p.source_hash, p.rated_at
       FROM jsonb_array_elements_text($1::jsonb) AS h(source)
       CROSS JOIN LATERAL (SELECT touchpoint_id, submission_id, source_hash, rated_at FROM ratings
                           WHERE source_hash = h.source AND rated_at > $3 AND rated_at <= $4 ORDER BY rated_at DESC LIMIT $6) p
       UNION ALL
       SELECT k.touchpoint_id, k.submission_id, k.source_hash, k.rated_at
       FROM jsonb_array_elements_text($2::jsonb) AS t(id)
       CROSS JOIN LATERAL (SELECT touchpoint_id, submission_id, source_hash, rated_at FROM ratings
                           WHERE touchpoint_id = t.id::uuid AND rated_at > $5 AND rated_at <= $4 ORDER BY rated_at DESC LIMIT $6) k`,
      [
        JSON.stringify(qrSources),
        JSON.stringify(kiosks),
        new Date(earliest - DAY_MS).toISOString(),
        new Date(latest).toISOString(),
        new Date(earliest - policy.kioskRepeatMs).toISOString(),
        keep,
      ],
    );
    // Group by what the filter compares (a QR source, or a kiosk) and keep only the latest few of each:
    // older ones cannot change a verdict once the cap is reached, and this keeps a big batch linear.
    const groups = new Map<string, RatingEvent[]>();
    const groupOf = (e: { kind: TouchpointKind; touchpointId: string; source: string }) => (e.kind === 'kiosk' ? `k:${e.touchpointId}` : `s:${e.source}`);
    const kioskIds = new Set(kiosks);
    const seen = new Set<string>();
    const history = rows.map((row) => ({ ...row, at: new Date(row.rated_at) })).sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const row of history) {
      const key = keyOf(row.touchpoint_id, row.submission_id);
      if (seen.has(key)) continue; // a kiosk's own row can come by both paths
      seen.add(key);
      const event: RatingEvent = { touchpointId: row.touchpoint_id, kind: kioskIds.has(row.touchpoint_id) ? 'kiosk' : 'qr', source: row.source_hash, at: row.at };
      const group = groups.get(groupOf(event)) ?? [];
      group.push(event);
      groups.set(groupOf(event), group);
    }
    const order = fresh.map((_, i) => i).sort((a, b) => fresh[a].ratedAt.getTime() - fresh[b].ratedAt.getTime());
    for (const i of order) {
      const r = fresh[i];
      // A retry of a stored rating is answered from its row; judging it again would count it twice.
      if (r.origin === 'connector' || seen.has(keyOf(r.touchpointId, r.submissionId))) continue;
      const event: RatingEvent = { touchpointId: r.touchpointId, kind: r.touchpointKind, source: r.sourceHash, at: r.ratedAt };
      const group = groups.get(groupOf(event)) ?? [];
      verdicts[i] = judgeRating(event, group, policy);
      group.push(event);
      if (group.length > keep) group.shift();
      groups.set(groupOf(event), group);
    }
    return verdicts;
  }
}

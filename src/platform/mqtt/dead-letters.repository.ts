import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../database/sql-params';
import { escapeUnsafe, storableBytes } from '../validation/safe-text';

export const DEAD_LETTERS_COUNTER = 'xla_dead_letters_total';
export const deadLettersCounterProvider = makeCounterProvider({ name: DEAD_LETTERS_COUNTER, help: 'MQTT messages refused, by reason', labelNames: ['reason'] });

const PAYLOAD_MAX = 2_048;

export interface DeadLetter {
  topic: string;
  payload: Buffer;
  reason: string;
  detail?: string;
  clientId?: string | null;
  siteId?: string | null;
  /** "siteKey.deviceKey" from the topic, when it names one. */
  deviceRef?: string;
}

/** Refused MQTT messages, kept with their reason. A redelivered message is recorded once (by fingerprint). */
@Injectable()
export class DeadLettersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(DEAD_LETTERS_COUNTER) private readonly counter: Counter<string>,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    await this.recordMany([letter]);
  }

  /** Records a batch in one statement; letters already recorded (a redelivery) are skipped and not counted again. */
  async recordMany(letters: DeadLetter[]): Promise<void> {
    if (!letters.length) return;
    const rows = letters.map((l) => ({
      client_id: l.clientId ?? null,
      site_id: l.siteId ?? null,
      // The message as it came may hold what PostgreSQL refuses (NUL, broken Unicode): its record is made safe, never refused.
      topic: escapeUnsafe(l.topic, 512),
      payload: storableBytes(l.payload, PAYLOAD_MAX),
      reason: l.reason,
      detail: l.detail === undefined ? null : escapeUnsafe(l.detail, 1_000),
      device_ref: l.deviceRef === undefined ? null : escapeUnsafe(l.deviceRef, 200),
      fingerprint: createHash('sha256').update(l.topic).update('\0').update(l.payload).digest('base64url'),
    }));
    const inserted: Array<{ reason: string }> = await this.dataSource.query(
      `INSERT INTO dead_letters (client_id, site_id, topic, payload, reason, detail, device_ref, fingerprint)
       SELECT DISTINCT ON (fingerprint) client_id, site_id, topic, payload, reason, detail, device_ref, fingerprint
       FROM jsonb_to_recordset($1::jsonb) AS d(client_id uuid, site_id uuid, topic text, payload text, reason text, detail text, device_ref text, fingerprint text)
       ON CONFLICT (fingerprint) DO NOTHING RETURNING reason`,
      [JSON.stringify(rows)],
    );
    for (const { reason } of inserted) this.counter.inc({ reason });
  }

  /** Dead letters, newest first, filtered by reason and device ("siteKey.deviceKey"), within the caller's client. */
  async list(clientId: string | null, q: { reason?: string; device?: string; page: number; limit: number }) {
    const sql = new SqlParams();
    const where: string[] = [];
    // A client sees the dead letters placed in its tenancy; messages no device could be found for are an admin matter.
    if (clientId) where.push(`client_id = ${sql.bind(clientId)}`);
    if (q.reason) where.push(`reason = ${sql.bind(q.reason)}`);
    if (q.device) where.push(`device_ref = ${sql.bind(q.device)}`);
    const filter = whereAll(where);
    const counted: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM dead_letters ${filter}`, [...sql.values]);
    const items: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT topic, payload, reason, detail, device_ref AS device, received_at AS "receivedAt" FROM dead_letters ${filter}
       ORDER BY received_at DESC, id DESC LIMIT ${sql.bind(q.limit)} OFFSET ${sql.bind((q.page - 1) * q.limit)}`,
      sql.values,
    );
    return { items, page: q.page, limit: q.limit, total: counted[0]?.n ?? 0 };
  }
}

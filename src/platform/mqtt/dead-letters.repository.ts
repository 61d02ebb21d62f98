import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';

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
}

/** Refused MQTT messages, kept with their reason. A redelivered message is recorded once (by fingerprint). */
@Injectable()
export class DeadLettersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(DEAD_LETTERS_COUNTER) private readonly counter: Counter<string>,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    const fingerprint = createHash('sha256').update(letter.topic).update('\0').update(letter.payload).digest('base64url');
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO dead_letters (client_id, site_id, topic, payload, reason, detail, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
      [letter.clientId ?? null, letter.siteId ?? null, letter.topic.slice(0, 512), printable(letter.payload), letter.reason, letter.detail?.slice(0, 1_000) ?? null, fingerprint],
    );
    if (rows.length) this.counter.inc({ reason: letter.reason });
  }
}

/** The payload as text, truncated; bytes that are not UTF-8 become U+FFFD and NUL (which PostgreSQL text refuses) is dropped. */
function printable(payload: Buffer): string {
  // eslint-disable-next-line no-control-regex
  return payload.subarray(0, PAYLOAD_MAX).toString('utf8').replace(/\u0000/g, '');
}

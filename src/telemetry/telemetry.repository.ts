import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { plainArrayLiteral, SqlParams, whereAll } from '../platform/database/sql-params';
import type { HealthUpdate } from './device-health';
import type { ReadingBatch } from './reading-batch';

/** A device as ingest needs it: where it is and what it may report. */
export interface KnownDevice {
  id: string;
  clientId: string;
  siteId: string;
  zoneId: string;
  signals: string[];
}


const UNIQUE_VIOLATION = '23505';

/** A batch as query parameters: one array per column of the readings, then of the health updates. */
function columns(batch: ReadingBatch, health: readonly HealthUpdate[]): unknown[] {
  const battery = health.map((h) => h.battery);
  // All but the staff tags are numbers, uuids and signal names: plain literals, no quoting needed.
  return [
    plainArrayLiteral(batch.deviceId),
    plainArrayLiteral(batch.signal),
    plainArrayLiteral(batch.ts),
    plainArrayLiteral(batch.value),
    batch.tag,
    plainArrayLiteral(batch.receivedAt),
    plainArrayLiteral(batch.increment),
    health.map((h) => h.deviceId),
    health.map((h) => h.lastSeenAt),
    battery.map((b) => b?.value ?? null),
    battery.map((b) => b?.at ?? null),
  ];
}

/** The batch as rows, each device with its client, site and zone from the catalog (not over the wire); `distinct` keeps one row per key. */
const input = (distinct: boolean) => `input AS (
  SELECT ${distinct ? 'DISTINCT ON (r.device_id, r.signal, r.ts)' : ''} d.client_id, d.site_id, d.zone_id, r.device_id, r.signal,
         to_timestamp(r.ts / 1000) AS ts, r.value, r.tag, to_timestamp(r.received_at / 1000) AS received_at, r.increment
  FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::float8[], $5::text[], $6::float8[], $7::float8[])
       AS r(device_id, signal, ts, value, tag, received_at, increment)
  JOIN devices d ON d.id = r.device_id
  ${distinct ? 'ORDER BY r.device_id, r.signal, r.ts' : ''}
)`;

const INSERT_INTO_READINGS = `INSERT INTO readings (client_id, site_id, zone_id, device_id, signal, ts, value, tag, received_at)
  SELECT client_id, site_id, zone_id, device_id, signal, ts, value, tag, received_at FROM input`;

/** Adds the stored rows of `source` to their hour; one lock order for every batch, so two writers cannot deadlock. */
const hourly = (source: string) => `hourly AS (
  INSERT INTO readings_hourly AS h (client_id, site_id, zone_id, signal, hour, n, sum, min, max)
  SELECT i.client_id, i.site_id, i.zone_id, i.signal, date_trunc('hour', i.ts, 'UTC'), count(*), sum(i.increment), min(i.value), max(i.value)
  FROM ${source}
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 3, 4, 5
  ON CONFLICT (client_id, zone_id, signal, hour) DO UPDATE SET
    n = h.n + excluded.n, sum = h.sum + excluded.sum, min = LEAST(h.min, excluded.min), max = GREATEST(h.max, excluded.max)
)`;

const HEALTH = `health AS (
  INSERT INTO device_health AS h (device_id, client_id, site_id, last_seen_at, last_battery, last_battery_at)
  SELECT u.device_id, d.client_id, d.site_id, to_timestamp(u.seen / 1000), u.battery, to_timestamp(u.battery_at / 1000)
  FROM unnest($8::uuid[], $9::float8[], $10::float8[], $11::float8[]) AS u(device_id, seen, battery, battery_at)
  JOIN devices d ON d.id = u.device_id
  ORDER BY u.device_id
  ON CONFLICT (client_id, device_id) DO UPDATE SET
    last_seen_at = GREATEST(h.last_seen_at, excluded.last_seen_at),
    last_battery = CASE WHEN excluded.last_battery_at > h.last_battery_at OR h.last_battery_at IS NULL THEN COALESCE(excluded.last_battery, h.last_battery) ELSE h.last_battery END,
    last_battery_at = GREATEST(h.last_battery_at, excluded.last_battery_at)
)`;

/** Every reading new (else it fails on the key): all of them count. */
const INSERT_NEW = `WITH ${input(false)}, stored AS (${INSERT_INTO_READINGS}), ${hourly('input i')}, ${HEALTH}
SELECT count(*)::int AS n FROM input`;

/** Some readings stored before: only the rows stored now count, so nothing is added to an hour twice. */
const INSERT_SKIPPING_STORED = `WITH ${input(true)}, stored AS (${INSERT_INTO_READINGS} ON CONFLICT (client_id, device_id, signal, ts) DO NOTHING RETURNING device_id, signal, ts),
${hourly('stored s JOIN input i USING (device_id, signal, ts)')}, ${HEALTH}
SELECT count(*)::int AS n FROM stored`;

/**
 * Telemetry storage. Raw SQL on purpose: a batch of readings goes in as one multi-row INSERT from
 * column arrays (ON CONFLICT on the natural key makes redelivery and replay harmless).
 */
@Injectable()
export class TelemetryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every active device, keyed "siteKey/zoneKey/deviceKey" as in topics. */
  async devicesByTopicPath(): Promise<Map<string, KnownDevice>> {
    const rows: Array<KnownDevice & { path: string }> = await this.dataSource.query(
      `SELECT s.key || '/' || z.key || '/' || d.key AS path, d.id, d.client_id AS "clientId", d.site_id AS "siteId", d.zone_id AS "zoneId", d.signals
       FROM devices d JOIN zones z ON z.id = d.zone_id JOIN sites s ON s.id = d.site_id
       WHERE d.retired_at IS NULL AND z.retired_at IS NULL AND s.retired_at IS NULL`,
    );
    return new Map(rows.map(({ path, ...device }) => [path, device]));
  }

  /**
   * Stores readings, skipping ones already stored, and returns how many were new; in the same
   * statement adds the new ones to the hourly aggregates and applies the device health updates.
   * Rows go over the wire as one typed array per column (unnest), the cheapest form for PostgreSQL
   * to take in.
   *
   * Nearly every batch is all new readings, and a plain INSERT checks the key once per row; ON
   * CONFLICT checks it twice and must find out what it stored (a third of the work, measured). So a
   * batch goes in plain first, and only one that meets a stored reading (a redelivery, a replay after
   * a crash) goes again, whole, the careful way.
   */
  async insertReadings(batch: ReadingBatch, health: readonly HealthUpdate[]): Promise<number> {
    if (!batch.length && !health.length) return 0;
    const params = columns(batch, health);
    try {
      const [{ n }] = await this.dataSource.query<[{ n: number }]>(INSERT_NEW, params);
      return n;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const [{ n }] = await this.dataSource.query<[{ n: number }]>(INSERT_SKIPPING_STORED, params);
      return n;
    }
  }

  /** Creates the monthly partitions of readings from this month to `monthsAhead` months on. */
  async ensurePartitions(now: Date, monthsAhead: number): Promise<string[]> {
    const created: string[] = [];
    for (let i = 0; i <= monthsAhead; i++) {
      const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
      const name = `readings_${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
      const exists = async (q: { query: DataSource['query'] }) => (await q.query<unknown[]>(`SELECT 1 FROM pg_class WHERE relname = $1`, [name])).length > 0;
      if (await exists(this.dataSource)) continue;
      const made = await this.dataSource.transaction(async (tx) => {
        // Every instance maintains partitions at start-up: one at a time, each looking again once it holds the lock.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.partitions]);
        if (await exists(tx)) return false;
        await tx.query(`CREATE TABLE ${name} (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        // Rows that landed in the default partition for this month move into the new one.
        await tx.query(
          `WITH moved AS (DELETE FROM readings_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
          [from.toISOString(), to.toISOString()],
        );
        await tx.query(`ALTER TABLE readings ATTACH PARTITION ${name} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
        return true;
      });
      if (made) created.push(name);
    }
    return created;
  }

  /** Drops monthly partitions that end before the cutoff; hourly aggregates are kept elsewhere. */
  async dropPartitionsBefore(cutoff: Date): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'readings' AND c.relname ~ '^readings_\\d{4}_\\d{2}$' ORDER BY 1`,
    );
    const dropped: string[] = [];
    for (const { name } of rows) {
      const [year, month] = name.slice('readings_'.length).split('_').map(Number) as [number, number];
      if (Date.UTC(year, month, 1) <= cutoff.getTime()) {
        // Another instance may have dropped it a moment ago.
        await this.dataSource.query(`DROP TABLE IF EXISTS ${name}`);
        dropped.push(name);
      }
    }
    return dropped;
  }

  /**
   * Readings per client, signal and hour from `since` on (the hourly aggregates summed over sites and
   * zones): what the data health dashboard charts, a few rows an hour instead of every zone's. Each
   * site's hours by its index (readings_hourly has none by hour alone); hours summed again replace
   * what they held.
   */
  async summarizeHours(since: Date): Promise<number> {
    const [{ n }] = await this.dataSource.query<[{ n: number }]>(
      `WITH sums AS (
         INSERT INTO readings_client_hourly AS c (client_id, hour, signal, n)
         SELECT h.client_id, h.hour, h.signal, sum(h.n) FROM sites s JOIN readings_hourly h ON h.client_id = s.client_id AND h.site_id = s.id AND h.hour >= $1
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
         ON CONFLICT (client_id, hour, signal) DO UPDATE SET n = excluded.n WHERE c.n <> excluded.n
         RETURNING 1)
       SELECT count(*)::int AS n FROM sums`,
      [since.toISOString()],
    );
    return n;
  }

  /** Raw readings of one device ("siteKey.deviceKey"), newest first, within the caller's client. */
  async listReadings(clientId: string | null, q: { device: string; signal?: string; from?: Date; to?: Date; page: number; limit: number }) {
    const sql = new SqlParams(q.device);
    const where = [`s.key || '.' || d.key = $1`];
    if (clientId) where.push(`r.client_id = ${sql.bind(clientId)}`);
    if (q.signal) where.push(`r.signal = ${sql.bind(q.signal)}`);
    if (q.from) where.push(`r.ts >= ${sql.bind(q.from.toISOString())}`);
    if (q.to) where.push(`r.ts < ${sql.bind(q.to.toISOString())}`);
    const items: Array<{ signal: string; ts: Date; value: number; tag: string | null; receivedAt: Date; clientId: string }> = await this.dataSource.query(
      `SELECT r.signal, r.ts, r.value, r.tag, r.received_at AS "receivedAt", r.client_id AS "clientId"
       FROM readings r JOIN devices d ON d.id = r.device_id AND d.client_id = r.client_id JOIN sites s ON s.id = r.site_id
       ${whereAll(where)} ORDER BY r.ts DESC, r.signal LIMIT ${sql.bind(q.limit)} OFFSET ${sql.bind((q.page - 1) * q.limit)}`,
      sql.values,
    );
    return { device: q.device, items, page: q.page, limit: q.limit };
  }

  /** The latest stored value of a counter signal per device, to continue counting after a restart. */
  async lastCounterValues(deviceIds: string[], signal: string): Promise<Map<string, number>> {
    if (!deviceIds.length) return new Map();
    const rows: Array<{ device_id: string; value: number }> = await this.dataSource.query(
      `SELECT d.id AS device_id, l.value FROM devices d
       CROSS JOIN LATERAL (SELECT value FROM readings WHERE client_id = d.client_id AND device_id = d.id AND signal = $2 ORDER BY ts DESC LIMIT 1) l
       WHERE d.id = ANY($1::uuid[])`,
      [deviceIds, signal],
    );
    return new Map(rows.map((r) => [r.device_id, Number(r.value)]));
  }

  /** Hourly aggregates of one zone ("siteKey.zoneKey") and signal, within the caller's client. */
  async hourly(clientId: string | null, q: { zone: string; signal: string; from?: Date; to?: Date }) {
    const sql = new SqlParams(q.zone, q.signal);
    const where = [`s.key || '.' || z.key = $1`, 'h.signal = $2'];
    if (clientId) where.push(`h.client_id = ${sql.bind(clientId)}`);
    if (q.from) where.push(`h.hour >= ${sql.bind(q.from.toISOString())}`);
    if (q.to) where.push(`h.hour < ${sql.bind(q.to.toISOString())}`);
    const items: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT h.hour, h.n, h.sum, h.min, h.max, h.sum / h.n AS avg
       FROM readings_hourly h JOIN zones z ON z.client_id = h.client_id AND z.id = h.zone_id JOIN sites s ON s.id = h.site_id
       ${whereAll(where)} ORDER BY h.hour LIMIT 10000`,
      sql.values,
    );
    return { zone: q.zone, signal: q.signal, items };
  }

  /**
   * Readings of some signals in some zones of one client, oldest first, for operations (people
   * counted, check-ins, dispenser levels). For each device and `baseline` signal, its last reading
   * before `from` comes first: where a counter or a level stood when the range began.
   */
  async zoneReadings(
    clientId: string,
    zoneIds: readonly string[],
    signals: readonly string[],
    baseline: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Array<{ zoneId: string; deviceId: string; signal: string; ts: Date; value: number }>> {
    if (!zoneIds.length) return [];
    return this.dataSource.query(
      `SELECT d.zone_id AS "zoneId", r.device_id AS "deviceId", r.signal, r.ts, r.value
       FROM readings r JOIN devices d ON d.client_id = r.client_id AND d.id = r.device_id
       WHERE r.client_id = $1 AND d.zone_id = ANY($2::uuid[]) AND r.signal = ANY($5::text[]) AND r.ts >= $3 AND r.ts < $4
       UNION ALL
       SELECT d.zone_id, d.id, sig.signal, b.ts, b.value
       FROM devices d CROSS JOIN unnest($6::text[]) AS sig(signal) CROSS JOIN LATERAL (
         SELECT ts, value FROM readings WHERE client_id = d.client_id AND device_id = d.id AND signal = sig.signal AND ts < $3 ORDER BY ts DESC LIMIT 1
       ) b
       WHERE d.client_id = $1 AND d.zone_id = ANY($2::uuid[])
       ORDER BY 4, 2`,
      [clientId, zoneIds, from.toISOString(), to.toISOString(), signals, baseline],
    );
  }

  /**
   * The devices of some zones of one client (retired ones too, flagged), with the minutes in which
   * each active one was heard from, as the first and last reading of each minute, from three times
   * its interval before `from` (a reading then still makes it online at `from`) until `to`. Grouped
   * in SQL: a device reporting every few seconds is still one row a minute. One index range per
   * signal (a lateral join), so the key (client, device, signal, ts) bounds it, not the whole month.
   */
  async zoneDevicesHeard(
    clientId: string,
    zoneIds: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Array<{ zoneId: string; deviceId: string; signals: string[]; intervalS: number; retired: boolean; first: Date | null; last: Date | null }>> {
    if (!zoneIds.length) return [];
    return this.dataSource.query(
      `SELECT d.zone_id AS "zoneId", d.id AS "deviceId", d.signals, d.expected_interval_s AS "intervalS", d.retired_at IS NOT NULL AS retired, m.first, m.last
       FROM devices d LEFT JOIN LATERAL (
         SELECT min(r.ts) AS first, max(r.ts) AS last
         FROM jsonb_array_elements_text(d.signals) AS sig(signal) CROSS JOIN LATERAL (
           SELECT ts FROM readings WHERE client_id = d.client_id AND device_id = d.id AND signal = sig.signal
             AND ts >= $3::timestamptz - make_interval(secs => 3 * d.expected_interval_s) AND ts < $4::timestamptz
         ) r
         WHERE d.retired_at IS NULL
         GROUP BY date_trunc('minute', r.ts, 'UTC')
       ) m ON true
       WHERE d.client_id = $1 AND d.zone_id = ANY($2::uuid[])
       ORDER BY d.id, m.first`,
      [clientId, zoneIds, from.toISOString(), to.toISOString()],
    );
  }

}

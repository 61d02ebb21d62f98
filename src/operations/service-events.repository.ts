import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Consumable, EventKind } from './service-event';

export interface ServiceEventRow {
  clientId: string;
  eventId: string;
  siteId: string;
  zoneId: string;
  deviceId: string | null;
  kind: EventKind;
  tag: string;
  consumable: Consumable | null;
  score: number | null;
  passed: boolean | null;
  note: string | null;
  ts: Date;
  receivedAt: Date;
  source: 'api' | 'mqtt';
}

const COLUMNS = ['client_id', 'event_id', 'site_id', 'zone_id', 'device_id', 'kind', 'tag', 'consumable', 'score', 'passed', 'note', 'ts', 'received_at', 'source'] as const;
const TYPES = ['uuid', 'uuid', 'uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'real', 'boolean', 'text', 'timestamptz', 'timestamptz', 'text'] as const;

@Injectable()
export class ServiceEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores events once each (by client and event id): a retried or redelivered event is no second one. Returns the ids stored now. */
  async insert(rows: readonly ServiceEventRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const values = (r: ServiceEventRow) => [r.clientId, r.eventId, r.siteId, r.zoneId, r.deviceId, r.kind, r.tag, r.consumable, r.score, r.passed, r.note, r.ts.toISOString(), r.receivedAt.toISOString(), r.source];
    const params = COLUMNS.map((_, i) => rows.map((r) => values(r)[i]));
    const stored: Array<{ event_id: string }> = await this.dataSource.query(
      `INSERT INTO service_events (${COLUMNS.join(', ')})
       SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       ON CONFLICT (client_id, event_id) DO NOTHING RETURNING event_id`,
      params,
    );
    return new Set(stored.map((r) => r.event_id));
  }

  /** One stored event of a client, as stored. */
  async find(clientId: string, eventId: string): Promise<ServiceEventRow | undefined> {
    const rows: ServiceEventRow[] = await this.dataSource.query(
      `SELECT client_id AS "clientId", event_id AS "eventId", site_id AS "siteId", zone_id AS "zoneId", device_id AS "deviceId", kind, tag, consumable, score, passed, note, ts,
              received_at AS "receivedAt", source
       FROM service_events WHERE client_id = $1 AND event_id = $2`,
      [clientId, eventId],
    );
    return rows[0];
  }

  /** Check-in times per zone in a range (epoch ms, oldest first), for the task derivation. */
  async checkins(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, number[]>> {
    const byZone = new Map<string, number[]>(zoneIds.map((id) => [id, []]));
    if (!zoneIds.length) return byZone;
    const rows: Array<{ zoneId: string; ts: Date }> = await this.dataSource.query(
      `SELECT zone_id AS "zoneId", ts FROM service_events
       WHERE client_id = $1 AND zone_id = ANY($2::uuid[]) AND kind = 'checkin' AND ts >= $3 AND ts < $4 ORDER BY ts`,
      [clientId, zoneIds, from.toISOString(), to.toISOString()],
    );
    for (const row of rows) byZone.get(row.zoneId)?.push(row.ts.getTime());
    return byZone;
  }

  /** Refills and inspections per zone in a range, oldest first. */
  async refillsAndInspections(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Array<Pick<ServiceEventRow, 'zoneId' | 'kind' | 'consumable' | 'score' | 'passed' | 'ts'>>> {
    if (!zoneIds.length) return [];
    return this.dataSource.query(
      `SELECT zone_id AS "zoneId", kind, consumable, score, passed, ts FROM service_events
       WHERE client_id = $1 AND zone_id = ANY($2::uuid[]) AND kind IN ('refill', 'inspection') AND ts >= $3 AND ts < $4 ORDER BY ts`,
      [clientId, zoneIds, from.toISOString(), to.toISOString()],
    );
  }

}

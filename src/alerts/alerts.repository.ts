import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AlertingPolicy, AlertRuleKey, Language, ServiceHours, ZoneType } from '../catalog/catalog.types';
import { SqlParams } from '../platform/database/sql-params';
import type { AlertKind } from './messages';

/** Where an alert is, with what its rules, messages and service hours need. */
export interface AlertPlaceRow {
  clientId: string;
  contractId: string;
  contractKey: string;
  alerting: Partial<AlertingPolicy>;
  siteId: string | null;
  siteKey: string | null;
  siteName: string | null;
  language: Language;
  timeZone: string;
  serviceHours: ServiceHours | null;
  holidays: string[];
  zoneId: string | null;
  zoneKey: string | null;
  zoneName: string | null;
  zoneType: ZoneType | null;
}

export interface AlertRow {
  clientId: string;
  id: string;
  contractId: string;
  siteId: string | null;
  zoneId: string | null;
  rule: AlertRuleKey;
  scope: string;
  severity: 'critical' | 'warning' | 'info';
  state: 'open' | 'acknowledged' | 'resolved';
  title: string;
  detail: Record<string, unknown>;
  count: number;
  openedAt: Date;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  snoozedUntil: Date | null;
  level: number;
  levelSince: Date | null;
  remindedAt: Date | null;
  allHours: boolean;
  /** The keys of its contract, site and zone, read with it (a list shows them without a query per row). */
  contractKey: string;
  siteKey: string | null;
  zoneKey: string | null;
}

export interface AlertEventRow {
  at: Date;
  action: string;
  actor: string;
  note: string | null;
}

/** A delivery to make: one channel of one recipient, with its rendered payload. */
export interface NewDelivery {
  kind: AlertKind;
  channel: 'mqtt' | 'webhook' | 'email';
  recipient: string;
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  notBefore: Date;
}

export interface ClaimedDelivery {
  id: string;
  clientId: string;
  alertId: string;
  kind: AlertKind;
  channel: 'mqtt' | 'webhook' | 'email';
  recipient: string;
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempts: number;
}

export interface RaiseInput {
  place: AlertPlaceRow;
  rule: AlertRuleKey;
  scope: string;
  severity: 'critical' | 'warning' | 'info';
  title: string;
  detail: Record<string, unknown>;
  count: number;
  /** Added to the open alert's count when it is a repeat. */
  repeat: number;
  at: Date;
  /** When the first page goes out (now, or the site's next opening). */
  pageAt: Date;
  allHours: boolean;
}

const ALERT_COLUMNS = `a.client_id AS "clientId", a.id, a.contract_id AS "contractId", a.site_id AS "siteId", a.zone_id AS "zoneId", a.rule, a.scope, a.severity, a.state,
  a.title, a.detail, a.count, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt", a.acknowledged_at AS "acknowledgedAt", a.resolved_at AS "resolvedAt",
  a.snoozed_until AS "snoozedUntil", a.level, a.level_since AS "levelSince", a.reminded_at AS "remindedAt", a.all_hours AS "allHours",
  (SELECT k.key FROM contracts k WHERE k.id = a.contract_id) AS "contractKey", (SELECT s.key FROM sites s WHERE s.id = a.site_id) AS "siteKey",
  (SELECT z.key FROM zones z WHERE z.id = a.zone_id) AS "zoneKey"`;

const PLACE_COLUMNS = `k.client_id AS "clientId", k.id AS "contractId", k.key AS "contractKey", k.alerting,
  s.id AS "siteId", s.key AS "siteKey", s.name AS "siteName", COALESCE(s.language, 'en') AS language, COALESCE(s.time_zone, 'UTC') AS "timeZone",
  s.service_hours AS "serviceHours", COALESCE(s.holidays, '[]'::jsonb) AS holidays, z.id AS "zoneId", z.key AS "zoneKey", z.name AS "zoneName", z.type AS "zoneType"`;

/** An alert's one-open key: its client, rule and scope (seeOpen answers it; the rules job holds conditions by it). */
export const alertKey = (clientId: string, rule: string, scope: string): string => `${clientId}|${rule}|${scope}`;

/** Leases a claimed delivery for this long: one whose sender died is claimed again after it. */
const LEASE_S = 60;

/**
 * Alerts, their history and their outbox. Raw SQL: the one-open-alert upsert is a partial unique
 * index (ON CONFLICT … WHERE), and the outbox is claimed with FOR UPDATE SKIP LOCKED. It reads the
 * catalog's contracts, sites and zones (read-only) for an alert's place, as operations does for its policies.
 */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A zone's place (its site and contract). */
  async zonePlace(clientId: string, zoneId: string): Promise<AlertPlaceRow | undefined> {
    return (await this.zonePlaces(clientId, [zoneId])).get(zoneId);
  }

  /** Zones' places (their sites and contracts) of one client, by zone id: one read for a rules run's zones. */
  async zonePlaces(clientId: string, zoneIds: readonly string[]): Promise<Map<string, AlertPlaceRow>> {
    if (!zoneIds.length) return new Map();
    const rows = await this.dataSource.query<AlertPlaceRow[]>(
      `SELECT ${PLACE_COLUMNS} FROM zones z JOIN sites s ON s.id = z.site_id JOIN contracts k ON k.id = s.contract_id WHERE z.client_id = $1 AND z.id = ANY($2::uuid[])`,
      [clientId, [...new Set(zoneIds)]],
    );
    return new Map(rows.map((row) => [row.zoneId!, row]));
  }

  /** Whether a rule's alert of a scope was open, or seen, at or after an instant (the recovery sweep's test). */
  async coveredSince(clientId: string, rule: string, scope: string, at: Date): Promise<boolean> {
    const [row] = await this.dataSource.query<Array<{ covered: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM alerts WHERE client_id = $1 AND rule = $2 AND scope = $3 AND (last_seen_at >= $4 OR resolved_at >= $4 OR opened_at >= $4)) AS covered`,
      [clientId, rule, scope, at],
    );
    return row.covered;
  }

  /** Every client's active zones (the rules job reads operations' intervals of them). */
  zonesByClient(): Promise<Array<{ clientId: string; zoneIds: string[] }>> {
    return this.dataSource.query(
      `SELECT z.client_id AS "clientId", array_agg(z.id ORDER BY z.id) AS "zoneIds" FROM zones z JOIN sites s ON s.id = z.site_id
       WHERE z.retired_at IS NULL AND s.retired_at IS NULL GROUP BY z.client_id`,
    );
  }

  /**
   * Raises an alert, or counts a repeat on the open one of its rule and scope; in one transaction,
   * a new alert's history and its first deliveries. Whether it was new.
   */
  async raise(input: RaiseInput, deliveries: (alertId: string) => NewDelivery[]): Promise<{ id: string; created: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const { place } = input;
      const [row] = await tx.query<Array<{ id: string; created: boolean }>>(
        `INSERT INTO alerts AS a (client_id, contract_id, site_id, zone_id, rule, scope, severity, state, title, detail, count, opened_at, last_seen_at, level, level_since, all_hours)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $11, 0, $12, $13)
         ON CONFLICT (client_id, rule, scope) WHERE state <> 'resolved' DO UPDATE
           SET count = a.count + $14, last_seen_at = GREATEST(a.last_seen_at, excluded.last_seen_at), detail = a.detail || excluded.detail
         RETURNING id, (xmax = 0) AS created`,
        [place.clientId, place.contractId, place.siteId, place.zoneId, input.rule, input.scope, input.severity, input.title, input.detail, input.count, input.at, input.pageAt, input.allHours, input.repeat],
      );
      if (row.created) {
        await this.event(tx, place.clientId, row.id, input.at, 'opened', 'system', null);
        await this.enqueue(tx, place.clientId, row.id, input.at, deliveries(row.id));
      }
      return row;
    });
  }

  /**
   * Sees open alerts again, as raise does when its alert is open (a repeat added to the count, the
   * last seen instant moved on, the details merged), many in one statement: a rules run holds every
   * open alert of its rules each minute (a client whose cleaners' app is down holds one per zone).
   * The keys (alertKey's, built in SQL) of those seen; the rest have no open alert.
   */
  async seeOpen(seen: ReadonlyArray<{ clientId: string; rule: string; scope: string; detail: Record<string, unknown>; repeat: number }>, at: Date): Promise<Set<string>> {
    if (!seen.length) return new Set();
    const rows = await this.dataSource.query<Array<{ key: string }>>(
      `WITH d AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(client_id uuid, rule text, scope text, detail jsonb, repeat int)),
       seen AS (
         UPDATE alerts a SET count = a.count + d.repeat, last_seen_at = GREATEST(a.last_seen_at, $2), detail = a.detail || d.detail
         FROM d WHERE a.client_id = d.client_id AND a.rule = d.rule AND a.scope = d.scope AND a.state <> 'resolved'
         RETURNING a.client_id, a.rule, a.scope)
       SELECT client_id || '|' || rule || '|' || scope AS key FROM seen`,
      [JSON.stringify(seen.map((s) => ({ client_id: s.clientId, rule: s.rule, scope: s.scope, detail: s.detail, repeat: s.repeat }))), at],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Counts repeats on the open alert of a rule and scope, if there is one (its id). */
  async countRepeat(clientId: string, rule: string, scope: string, repeat: number, at: Date): Promise<string | undefined> {
    const [row] = await this.dataSource.query<Array<{ id: string }>>(
      `WITH counted AS (UPDATE alerts SET count = count + $4, last_seen_at = GREATEST(last_seen_at, $5) WHERE client_id = $1 AND rule = $2 AND scope = $3 AND state <> 'resolved' RETURNING id)
       SELECT id FROM counted`,
      [clientId, rule, scope, repeat, at],
    );
    return row?.id;
  }

  async addDetail(clientId: string, id: string, detail: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE alerts SET detail = detail || $3 WHERE client_id = $1 AND id = $2`, [clientId, id, detail]);
  }

  /** Adds deliveries of an alert (a reminder, an escalation, its resolution) with its change, in one transaction. */
  async record(
    clientId: string,
    alertId: string,
    at: Date,
    change: { action: string; actor: string; note: string | null; set: Record<string, unknown> },
    deliveries: NewDelivery[],
    onlyIfState?: readonly string[],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const params = new SqlParams(clientId, alertId);
      const sets = Object.entries(change.set).map(([column, value]) => `${column} = ${params.bind(value)}`);
      const guard = onlyIfState ? ` AND state = ANY(${params.bind(onlyIfState)}::text[])` : '';
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not the rows.
      const updated = await tx.query<unknown[]>(`WITH changed AS (UPDATE alerts SET ${sets.join(', ')} WHERE client_id = $1 AND id = $2${guard} RETURNING 1) SELECT 1 FROM changed`, params.values);
      if (!updated.length) return false;
      await this.event(tx, clientId, alertId, at, change.action, change.actor, change.note);
      await this.enqueue(tx, clientId, alertId, at, deliveries);
      return true;
    });
  }

  private async event(tx: EntityManager, clientId: string, alertId: string, at: Date, action: string, actor: string, note: string | null): Promise<void> {
    await tx.query(`INSERT INTO alert_events (client_id, alert_id, at, action, actor, note) VALUES ($1, $2, $3, $4, $5, $6)`, [clientId, alertId, at, action, actor, note]);
  }

  private async enqueue(tx: EntityManager, clientId: string, alertId: string, at: Date, deliveries: readonly NewDelivery[]): Promise<void> {
    if (!deliveries.length) return;
    await tx.query(
      `INSERT INTO alert_outbox (client_id, alert_id, kind, channel, recipient, target, payload, created_at, not_before)
       SELECT $1, $2, d.kind, d.channel, d.recipient, d.target, d.payload, $3, d.not_before
       FROM jsonb_to_recordset($4::jsonb) AS d(kind text, channel text, recipient text, target jsonb, payload jsonb, not_before timestamptz)`,
      [clientId, alertId, at, JSON.stringify(deliveries.map((d) => ({ kind: d.kind, channel: d.channel, recipient: d.recipient, target: d.target, payload: d.payload, not_before: d.notBefore })))],
    );
  }

  async find(clientId: string | null, id: string): Promise<AlertRow | undefined> {
    const [row] = await this.dataSource.query<AlertRow[]>(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1 AND ($2::uuid IS NULL OR a.client_id = $2)`, [id, clientId]);
    return row;
  }

  async events(clientId: string, id: string): Promise<AlertEventRow[]> {
    return this.dataSource.query(`SELECT at, action, actor, note FROM alert_events WHERE client_id = $1 AND alert_id = $2 ORDER BY seq`, [clientId, id]);
  }

  async deliveries(clientId: string, id: string): Promise<Array<{ id: string; kind: string; channel: string; recipient: string; attempts: number; deliveredAt: Date | null; failedAt: Date | null; lastError: string | null }>> {
    return this.dataSource.query(
      `SELECT id, kind, channel, recipient, attempts, delivered_at AS "deliveredAt", failed_at AS "failedAt", last_error AS "lastError"
       FROM alert_outbox WHERE client_id = $1 AND alert_id = $2 ORDER BY created_at, recipient, channel`,
      [clientId, id],
    );
  }

  /** A client's alerts (every client's with none), newest first, filtered before the limit (site and contract by key). */
  async list(filter: { clientId: string | null; siteId?: string; siteKey?: string; contractKey?: string; state?: string; rule?: string; limit: number }): Promise<AlertRow[]> {
    const params = new SqlParams();
    const where: string[] = [];
    if (filter.clientId) where.push(`a.client_id = ${params.bind(filter.clientId)}`);
    if (filter.siteId) where.push(`a.site_id = ${params.bind(filter.siteId)}`);
    if (filter.siteKey) where.push(`a.site_id IN (SELECT s.id FROM sites s WHERE s.key = ${params.bind(filter.siteKey)})`);
    if (filter.contractKey) where.push(`a.contract_id IN (SELECT k.id FROM contracts k WHERE k.key = ${params.bind(filter.contractKey)})`);
    if (filter.state === 'unresolved') where.push(`a.state <> 'resolved'`);
    else if (filter.state) where.push(`a.state = ${params.bind(filter.state)}`);
    if (filter.rule) where.push(`a.rule = ${params.bind(filter.rule)}`);
    return this.dataSource.query(
      `SELECT ${ALERT_COLUMNS} FROM alerts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.opened_at DESC, a.id LIMIT ${params.bind(filter.limit)}`,
      params.values,
    );
  }

  /** Alerts not resolved, every client's (the rules job's): for reminders, escalation and auto-resolve. */
  unresolved(): Promise<AlertRow[]> {
    return this.dataSource.query(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.state <> 'resolved' ORDER BY a.opened_at`);
  }

  /**
   * Claims up to `limit` due deliveries for this sender: not delivered, not given up, due, and not
   * leased by another sender (a lease ends after a minute, so a sender that died leaves them to others).
   */
  claim(now: Date, limit: number): Promise<ClaimedDelivery[]> {
    return this.dataSource.query(
      `WITH due AS (
         SELECT client_id, id FROM alert_outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND not_before <= $1 AND (locked_until IS NULL OR locked_until < $1)
         ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE alert_outbox o SET locked_until = $1::timestamptz + make_interval(secs => ${LEASE_S}), attempts = o.attempts + 1 FROM due WHERE o.client_id = due.client_id AND o.id = due.id
         RETURNING o.id, o.client_id AS "clientId", o.alert_id AS "alertId", o.kind, o.channel, o.recipient, o.target, o.payload, o.created_at AS "createdAt", o.attempts)
       SELECT * FROM claimed ORDER BY "createdAt", id`,
      [now, limit],
    );
  }

  /** An attempt's outcome, in the delivery log; delivered, or due again at `retryAt`, or given up. */
  async attempted(d: ClaimedDelivery, at: Date, outcome: { ok: boolean; status: number | null; error: string | null; durationMs: number; retryAt: Date | null }): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO alert_deliveries (outbox_id, attempt, client_id, at, ok, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [d.id, d.attempts, d.clientId, at, outcome.ok, outcome.status, outcome.error, Math.round(outcome.durationMs)],
      );
      const key = `client_id = $1 AND id = $2`;
      if (outcome.ok) await tx.query(`UPDATE alert_outbox SET delivered_at = $3, locked_until = NULL, last_error = NULL WHERE ${key}`, [d.clientId, d.id, at]);
      else if (outcome.retryAt) await tx.query(`UPDATE alert_outbox SET not_before = $3, locked_until = NULL, last_error = $4 WHERE ${key}`, [d.clientId, d.id, outcome.retryAt, outcome.error]);
      else await tx.query(`UPDATE alert_outbox SET failed_at = $3, locked_until = NULL, last_error = $4 WHERE ${key}`, [d.clientId, d.id, at, outcome.error]);
    });
  }

  /** When the next delivery is due (none: undefined), so the sender sleeps until then. */
  async nextDue(): Promise<Date | undefined> {
    const [row] = await this.dataSource.query<Array<{ at: Date | null }>>(
      `SELECT min(GREATEST(not_before, COALESCE(locked_until, not_before))) AS at FROM alert_outbox WHERE delivered_at IS NULL AND failed_at IS NULL`,
    );
    return row.at ?? undefined;
  }
}

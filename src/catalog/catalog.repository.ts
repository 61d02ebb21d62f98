import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../platform/database/sql-params';
import type { CleaningPlan, ComfortThresholds, ObjectiveView, ServiceHours, TouchpointView, ZoneType } from './catalog.types';

/** A zone in brief: what scoring groups figures by. */
export interface ZoneRef {
  id: string;
  clientId: string;
  siteId: string;
  /** "siteKey.zoneKey" */
  ref: string;
  type: ZoneType;
}

export interface ZonePlanView extends ZoneRef {
  cleaningPlan: CleaningPlan | null;
  timeZone: string;
  serviceHours: ServiceHours;
  holidays: string[];
  /** Its contract's comfort thresholds. */
  comfort: ComfortThresholds;
}

export type CatalogKind = 'clients' | 'contracts' | 'sites' | 'zones' | 'touchpoints' | 'devices';

export interface CatalogFilter {
  contract?: string;
  site?: string;
  /** Devices only: online or offline by their last message (device_health, kept by telemetry ingest). */
  status?: 'online' | 'offline';
}

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

interface KindQuery {
  select: string;
  clientColumn: string;
  /** How a detail route's key is matched; zones and devices are keyed "siteKey.key". */
  keyMatch: string;
  order: string;
  filters: Partial<Record<keyof CatalogFilter, string>>;
}

/** A device is offline when silent for three times its expected interval (or never heard from). */
const DEVICE_STATUS = `CASE WHEN h.last_seen_at >= now() - make_interval(secs => 3 * x.expected_interval_s) THEN 'online' ELSE 'offline' END`;

const FROM_SITE = `JOIN sites s ON s.id = x.site_id JOIN contracts k ON k.id = s.contract_id`;

// One read model per kind, joined in SQL: four-table query builders would say the same thing at greater length.
const KINDS: Record<CatalogKind, KindQuery> = {
  clients: {
    select: `SELECT x.key, x.name FROM clients x`,
    clientColumn: 'x.id',
    keyMatch: 'x.key = $1',
    order: 'x.key',
    filters: { contract: `EXISTS (SELECT 1 FROM contracts k WHERE k.client_id = x.id AND k.key = $?)`, site: `EXISTS (SELECT 1 FROM sites s WHERE s.client_id = x.id AND s.key = $?)` },
  },
  contracts: {
    select: `SELECT x.key, x.name, x.provider, to_char(x.starts_on, 'YYYY-MM-DD') AS starts, to_char(x.ends_on, 'YYYY-MM-DD') AS ends, c.key AS "clientKey"
             FROM contracts x JOIN clients c ON c.id = x.client_id`,
    clientColumn: 'x.client_id',
    keyMatch: 'x.key = $1',
    order: 'x.key',
    filters: { contract: 'x.key = $?', site: `EXISTS (SELECT 1 FROM sites s WHERE s.contract_id = x.id AND s.key = $?)` },
  },
  sites: {
    select: `SELECT x.key, x.name, x.city, x.country, x.time_zone AS "timeZone", x.language, x.service_hours AS "serviceHours", x.holidays,
                    k.key AS "contractKey", c.key AS "clientKey"
             FROM sites x JOIN contracts k ON k.id = x.contract_id JOIN clients c ON c.id = x.client_id`,
    clientColumn: 'x.client_id',
    keyMatch: 'x.key = $1',
    order: 'x.key',
    filters: { contract: 'k.key = $?', site: 'x.key = $?' },
  },
  zones: {
    select: `SELECT s.key || '.' || x.key AS ref, x.key, x.name, x.type, x.floor, x.cleaning_plan AS "cleaningPlan", s.key AS "siteKey", k.key AS "contractKey"
             FROM zones x ${FROM_SITE}`,
    clientColumn: 'x.client_id',
    keyMatch: `s.key || '.' || x.key = $1`,
    order: 's.key, x.key',
    filters: { contract: 'k.key = $?', site: 's.key = $?' },
  },
  touchpoints: {
    select: `SELECT x.key, x.kind, x.scale, x.reason_sets AS "reasonSets", x.token, z.key AS "zoneKey", s.key || '.' || z.key AS "zoneRef",
                    z.type AS "zoneType", s.key AS "siteKey", k.key AS "contractKey"
             FROM touchpoints x JOIN zones z ON z.id = x.zone_id ${FROM_SITE}`,
    clientColumn: 'x.client_id',
    keyMatch: 'x.key = $1',
    order: 'x.key',
    filters: { contract: 'k.key = $?', site: 's.key = $?' },
  },
  devices: {
    select: `SELECT s.key || '.' || x.key AS ref, x.key, x.model, x.signals, x.expected_interval_s AS "expectedIntervalS", z.key AS "zoneKey",
                    s.key || '.' || z.key AS "zoneRef", s.key AS "siteKey", k.key AS "contractKey",
                    h.last_seen_at AS "lastSeenAt", h.last_battery AS "lastBattery", ${DEVICE_STATUS} AS status
             FROM devices x JOIN zones z ON z.id = x.zone_id ${FROM_SITE} LEFT JOIN device_health h ON h.device_id = x.id`,
    clientColumn: 'x.client_id',
    keyMatch: `s.key || '.' || x.key = $1`,
    order: 's.key, x.key',
    filters: { contract: 'k.key = $?', site: 's.key = $?', status: `${DEVICE_STATUS} = $?` },
  },
};

const RETIRABLE = new Set<CatalogKind>(['sites', 'zones', 'touchpoints', 'devices']);

/** Read side of the catalog. Every query is scoped to one client unless the caller is an admin. */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(kind: CatalogKind, clientId: string | null, filter: CatalogFilter, page: number, limit: number): Promise<Page<Record<string, unknown>>> {
    const q = KINDS[kind];
    const sql = new SqlParams();
    const where: string[] = [];
    if (clientId) where.push(`${q.clientColumn} = ${sql.bind(clientId)}`);
    if (RETIRABLE.has(kind)) where.push('x.retired_at IS NULL');
    for (const [name, condition] of Object.entries(q.filters) as Array<[keyof CatalogFilter, string]>) {
      const value = filter[name];
      if (value !== undefined) where.push(condition.replace('$?', sql.bind(value)));
    }
    const base = `${q.select} ${whereAll(where)}`;
    const counted: Array<{ n: string }> = await this.dataSource.query(`SELECT count(*) AS n FROM (${base}) q`, [...sql.values]);
    const items: Array<Record<string, unknown>> = await this.dataSource.query(`${base} ORDER BY ${q.order} LIMIT ${sql.bind(limit)} OFFSET ${sql.bind((page - 1) * limit)}`, sql.values);
    return { items, page, limit, total: Number(counted[0]?.n ?? 0) };
  }

  async findOne(kind: CatalogKind, clientId: string | null, key: string): Promise<Record<string, unknown> | undefined> {
    const q = KINDS[kind];
    const where = [q.keyMatch, ...(RETIRABLE.has(kind) ? ['x.retired_at IS NULL'] : [])];
    const params: unknown[] = [key];
    if (clientId) {
      params.push(clientId);
      where.push(`${q.clientColumn} = $2`);
    }
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(`${q.select} WHERE ${where.join(' AND ')} LIMIT 1`, params);
    return rows[0];
  }

  /** Active touchpoints with their zone and site, for the rating pages, posters and kiosk terminals. */
  async findTouchpoints(match: { token?: string; key?: string; siteKey?: string; deviceRef?: [string, string, string] }, clientId: string | null): Promise<TouchpointView[]> {
    const sql = new SqlParams();
    const where = ['x.retired_at IS NULL', 'z.retired_at IS NULL', 's.retired_at IS NULL'];
    if (match.token !== undefined) where.push(`x.token = ${sql.bind(match.token)}`);
    if (match.key !== undefined) where.push(`x.key = ${sql.bind(match.key)}`);
    if (match.siteKey !== undefined) where.push(`s.key = ${sql.bind(match.siteKey)}`);
    if (match.deviceRef) {
      const [siteKey, zoneKey, deviceKey] = match.deviceRef;
      where.push(`x.kind = 'kiosk' AND s.key = ${sql.bind(siteKey)} AND z.key = ${sql.bind(zoneKey)}`);
      where.push(`EXISTS (SELECT 1 FROM devices d WHERE d.zone_id = z.id AND d.key = ${sql.bind(deviceKey)} AND d.retired_at IS NULL AND d.signals ? 'rating')`);
    }
    if (clientId) where.push(`x.client_id = ${sql.bind(clientId)}`);
    return this.dataSource.query(
      `SELECT x.id, x.client_id AS "clientId", x.site_id AS "siteId", x.zone_id AS "zoneId", x.key, x.token, x.kind, x.scale, x.reason_sets AS "reasonSets",
              z.name AS "zoneName", z.type AS "zoneType", s.key AS "siteKey", s.name AS "siteName", s.language, s.country
       FROM touchpoints x JOIN zones z ON z.id = x.zone_id JOIN sites s ON s.id = x.site_id
       WHERE ${where.join(' AND ')} ORDER BY z.floor NULLS LAST, z.key, x.key`,
      sql.values,
    );
  }

  /** Active zones of one client (a site, or one zone "siteKey.zoneKey"), with their cleaning plan and their site's hours. */
  findZonesWithPlans(clientId: string | null, filter: { site?: string; zone?: string; ids?: readonly string[]; siteId?: string }): Promise<ZonePlanView[]> {
    const sql = new SqlParams();
    const where = ['z.retired_at IS NULL', 's.retired_at IS NULL'];
    if (filter.ids !== undefined) where.push(`z.id = ANY(${sql.bind(filter.ids)}::uuid[])`);
    if (clientId) where.push(`z.client_id = ${sql.bind(clientId)}`);
    if (filter.siteId !== undefined) where.push(`s.id = ${sql.bind(filter.siteId)}`);
    if (filter.site !== undefined) where.push(`s.key = ${sql.bind(filter.site)}`);
    if (filter.zone !== undefined) where.push(`s.key || '.' || z.key = ${sql.bind(filter.zone)}`);
    return this.dataSource.query(
      `SELECT z.id, z.client_id AS "clientId", z.site_id AS "siteId", s.key || '.' || z.key AS ref, z.type, z.cleaning_plan AS "cleaningPlan",
              s.time_zone AS "timeZone", s.service_hours AS "serviceHours", s.holidays, k.comfort
       FROM zones z JOIN sites s ON s.id = z.site_id JOIN contracts k ON k.id = s.contract_id WHERE ${where.join(' AND ')} ORDER BY s.key, z.key`,
      sql.values,
    );
  }

  /** Active zones of a contract or a site, in brief (what scoring groups figures by), in site and zone key order. */
  findZoneRefs(clientId: string | null, filter: { contract?: string; site?: string; siteId?: string }): Promise<ZoneRef[]> {
    const sql = new SqlParams();
    const where = ['z.retired_at IS NULL', 's.retired_at IS NULL'];
    if (clientId) where.push(`z.client_id = ${sql.bind(clientId)}`);
    if (filter.contract !== undefined) where.push(`k.key = ${sql.bind(filter.contract)}`);
    if (filter.siteId !== undefined) where.push(`s.id = ${sql.bind(filter.siteId)}`);
    if (filter.site !== undefined) where.push(`s.key = ${sql.bind(filter.site)}`);
    return this.dataSource.query(
      `SELECT z.id, z.client_id AS "clientId", z.site_id AS "siteId", s.key || '.' || z.key AS ref, z.type
       FROM zones z JOIN sites s ON s.id = z.site_id JOIN contracts k ON k.id = s.contract_id WHERE ${where.join(' AND ')} ORDER BY s.key, z.key`,
      sql.values,
    );
  }

  /** Active objectives (of one contract, or one by "contractKey.objectiveKey"), in contract and key order. */
  findObjectives(clientId: string | null, filter: { contract?: string; ref?: string }): Promise<ObjectiveView[]> {
    const sql = new SqlParams();
    const where = ['o.retired_at IS NULL'];
    if (clientId) where.push(`o.client_id = ${sql.bind(clientId)}`);
    if (filter.contract !== undefined) where.push(`k.key = ${sql.bind(filter.contract)}`);
    if (filter.ref !== undefined) where.push(`k.key || '.' || o.key = ${sql.bind(filter.ref)}`);
    return this.dataSource.query(
      `SELECT o.id, k.key || '.' || o.key AS ref, o.client_id AS "clientId", o.contract_id AS "contractId", k.key AS "contractKey", o.key, o.kind,
              o.indicator, o.target, o.window_kind AS "window", o.scope, o.min_sample AS "minSample", o.weight
       FROM objectives o JOIN contracts k ON k.id = o.contract_id WHERE ${where.join(' AND ')} ORDER BY k.key, o.key`,
      sql.values,
    );
  }

  async findSiteByKey(clientId: string, key: string): Promise<{ id: string; key: string } | undefined> {
    const rows: Array<{ id: string; key: string }> = await this.dataSource.query('SELECT id, key FROM sites WHERE client_id = $1 AND key = $2 AND retired_at IS NULL', [clientId, key]);
    return rows[0];
  }

  async findClientByKey(key: string): Promise<{ id: string; key: string } | undefined> {
    const rows: Array<{ id: string; key: string }> = await this.dataSource.query('SELECT id, key FROM clients WHERE key = $1', [key]);
    return rows[0];
  }
}

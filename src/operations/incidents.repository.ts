import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IncidentCategory, IncidentPolicy, ServiceHours } from '../catalog/catalog.types';
import { SqlParams, whereAll } from '../platform/database/sql-params';
import { targetOf } from './incident-policy';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface IncidentRow {
  id: string;
  clientId: string;
  siteId: string;
  zoneId: string;
  zone: string;
  category: IncidentCategory;
  priority: string;
  respondTargetS: number;
  resolveTargetS: number;
  origin: 'report' | 'sensor' | 'api';
  openedAt: Date;
  reportCount: number;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: 'manual' | 'auto' | null;
  timeZone: string;
  serviceHours: ServiceHours;
  holidays: string[];
}

const INCIDENT_COLUMNS = `i.id, i.client_id AS "clientId", i.site_id AS "siteId", i.zone_id AS "zoneId", s.key || '.' || z.key AS zone, i.category, i.priority, i.respond_target_s AS "respondTargetS",
  i.resolve_target_s AS "resolveTargetS", i.origin, i.opened_at AS "openedAt", i.report_count AS "reportCount", i.acknowledged_at AS "acknowledgedAt",
  i.acknowledged_by AS "acknowledgedBy", i.resolved_at AS "resolvedAt", i.resolved_by AS "resolvedBy", i.resolution,
  s.time_zone AS "timeZone", s.service_hours AS "serviceHours", s.holidays`;
const INCIDENT_FROM = `incidents i JOIN zones z ON z.id = i.zone_id JOIN sites s ON s.id = i.site_id`;

/** Upserts into the zone's one open incident of the category: a report adds to its count, an API call joins it. */
const OPEN_OR_JOIN = `
  INSERT INTO incidents AS i (client_id, site_id, zone_id, category, priority, respond_target_s, resolve_target_s, origin, opened_at, report_count)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (client_id, zone_id, category) WHERE resolved_at IS NULL
  DO UPDATE SET report_count = i.report_count + EXCLUDED.report_count, opened_at = LEAST(i.opened_at, EXCLUDED.opened_at)
  RETURNING id, (xmax = 0) AS created`;

interface UnlinkedReport {
  id: string;
  clientId: string;
  siteId: string;
  zoneId: string;
  category: IncidentCategory;
  reportedAt: Date;
  policy: IncidentPolicy;
}

@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Joins occupants' reports not yet joined (of one client, or all) to their zone's open incident of
   * the category, opening one when there is none, oldest first. Each report in a transaction of its
   * own that locks it first, so two instances never count a report twice.
   */
  async linkReports(clientId: string | null, limit = 500): Promise<number> {
    const reports: UnlinkedReport[] = await this.dataSource.query(
      `SELECT r.id, r.client_id AS "clientId", r.site_id AS "siteId", r.zone_id AS "zoneId", r.category, r.reported_at AS "reportedAt", k.incident_policy AS policy
       FROM incident_reports r JOIN sites s ON s.id = r.site_id JOIN contracts k ON k.id = s.contract_id
       WHERE r.incident_id IS NULL ${clientId ? 'AND r.client_id = $2' : ''} ORDER BY r.reported_at LIMIT $1`,
      clientId ? [limit, clientId] : [limit],
    );
    let linked = 0;
    for (const report of reports) {
      const done = await this.dataSource.transaction(async (tx) => {
        const [still] = await tx.query<Array<{ id: string }>>(`SELECT id FROM incident_reports WHERE id = $1 AND incident_id IS NULL FOR UPDATE`, [report.id]);
        if (!still) return false;
        const { id } = await this.openOrJoin(tx, { ...report, origin: 'report', openedAt: report.reportedAt, reports: 1 });
        await tx.query(`UPDATE incident_reports SET incident_id = $2 WHERE id = $1`, [report.id, id]);
        return true;
      });
      if (done) linked++;
    }
    return linked;
  }

  /** Opens an incident through the API, or joins the zone's open one of the category. */
  async open(zone: { clientId: string; siteId: string; zoneId: string; policy: IncidentPolicy }, category: IncidentCategory, at: Date): Promise<{ id: string; created: boolean }> {
    return this.openOrJoin(this.dataSource.manager, { ...zone, category, origin: 'api', openedAt: at, reports: 0 });
  }

  /** The contract's incident policy for a zone, with its site. */
  async zonePolicy(zoneId: string): Promise<{ siteId: string; policy: IncidentPolicy }> {
    const [row] = await this.dataSource.query<Array<{ siteId: string; policy: IncidentPolicy }>>(
      `SELECT z.site_id AS "siteId", k.incident_policy AS policy FROM zones z JOIN sites s ON s.id = z.site_id JOIN contracts k ON k.id = s.contract_id WHERE z.id = $1`,
      [zoneId],
    );
    return row;
  }

  /** Sets the acknowledgement once; false when there is no such incident of this client (null: any) that is open. */
  async acknowledge(clientId: string | null, id: string, by: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE incidents SET acknowledged_at = $3, acknowledged_by = $4
         WHERE id = $1 ${clientId ? 'AND client_id = $2' : 'AND $2::uuid IS NULL'} AND acknowledged_at IS NULL AND resolved_at IS NULL RETURNING id
       ) SELECT id FROM changed`,
      [id, clientId, at.toISOString(), by],
    );
    return rows.length === 1;
  }

  async resolve(clientId: string | null, id: string, by: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE incidents SET resolved_at = $3, resolved_by = $4, resolution = 'manual'
         WHERE id = $1 ${clientId ? 'AND client_id = $2' : 'AND $2::uuid IS NULL'} AND resolved_at IS NULL RETURNING id
       ) SELECT id FROM changed`,
      [id, clientId, at.toISOString(), by],
    );
    return rows.length === 1;
  }

  /**
   * Staff actions or sensor readings that put these categories right resolve their zones' open
   * incidents opened before them, each by the earliest one after its opening, all in one statement.
   * Returns the incidents resolved (their days' SLA facts change).
   */
  async autoResolve(items: ReadonlyArray<{ clientId: string; zoneId: string; category: IncidentCategory; at: Date; by: string }>): Promise<Array<{ clientId: string; zoneId: string; openedAt: Date }>> {
    if (!items.length) return [];
    return this.dataSource.query(
      `WITH u AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) AS u(client_id, zone_id, category, at, by)),
       m AS (
         SELECT DISTINCT ON (i.client_id, i.id) i.client_id, i.id, u.at, u.by
         FROM incidents i JOIN u ON u.client_id = i.client_id AND u.zone_id = i.zone_id AND u.category = i.category AND u.at >= i.opened_at
         WHERE i.resolved_at IS NULL
         ORDER BY i.client_id, i.id, u.at
       ),
       changed AS (
         UPDATE incidents i SET resolved_at = m.at, resolved_by = m.by, resolution = 'auto' FROM m
         WHERE i.client_id = m.client_id AND i.id = m.id RETURNING i.client_id, i.zone_id, i.opened_at
       )
       SELECT client_id AS "clientId", zone_id AS "zoneId", opened_at AS "openedAt" FROM changed`,
      [items.map((i) => i.clientId), items.map((i) => i.zoneId), items.map((i) => i.category), items.map((i) => i.at.toISOString()), items.map((i) => i.by)],
    );
  }

  /**
   * Sensor rules: opens incidents, or joins each zone's open one of the category (at most one open
   * item per zone and category); an item with `resolved` is an incident a sensor saw open and put
   * right between two runs, stored resolved at once. Returns when the resolved ones were opened.
   */
  async insertFromSensors(
    items: ReadonlyArray<{ clientId: string; siteId: string; zoneId: string; category: IncidentCategory; policy: IncidentPolicy; at: Date; resolved?: { at: Date; by: string } }>,
  ): Promise<Array<{ clientId: string; zoneId: string; openedAt: Date }>> {
    if (!items.length) return [];
    const targets = items.map((i) => targetOf(i.policy, i.category));
    // A resolved row is outside the partial unique index of open incidents, so it never meets the ON CONFLICT.
    await this.dataSource.query(
      `INSERT INTO incidents AS i (client_id, site_id, zone_id, category, priority, respond_target_s, resolve_target_s, origin, opened_at, report_count, resolved_at, resolved_by, resolution)
       SELECT u.client_id, u.site_id, u.zone_id, u.category, u.priority, u.respond_s, u.resolve_s, 'sensor', u.at, 0, u.resolved_at, u.by,
              CASE WHEN u.resolved_at IS NULL THEN NULL ELSE 'auto' END
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::int[], $8::timestamptz[], $9::timestamptz[], $10::text[])
         AS u(client_id, site_id, zone_id, category, priority, respond_s, resolve_s, at, resolved_at, by)
       ON CONFLICT (client_id, zone_id, category) WHERE resolved_at IS NULL
       DO UPDATE SET opened_at = LEAST(i.opened_at, EXCLUDED.opened_at)`,
      [
        items.map((i) => i.clientId),
        items.map((i) => i.siteId),
        items.map((i) => i.zoneId),
        items.map((i) => i.category),
        targets.map((t) => t.priority),
        targets.map((t) => t.respondS),
        targets.map((t) => t.resolveS),
        items.map((i) => i.at.toISOString()),
        items.map((i) => i.resolved?.at.toISOString() ?? null),
        items.map((i) => i.resolved?.by ?? null),
      ],
    );
    return items.filter((i) => i.resolved).map((i) => ({ clientId: i.clientId, zoneId: i.zoneId, openedAt: i.at }));
  }

  async find(clientId: string | null, id: string): Promise<IncidentRow | undefined> {
    const rows: IncidentRow[] = await this.dataSource.query(
      `SELECT ${INCIDENT_COLUMNS} FROM ${INCIDENT_FROM} WHERE i.id = $1 ${clientId ? 'AND i.client_id = $2' : ''}`,
      clientId ? [id, clientId] : [id],
    );
    return rows[0];
  }

  async list(clientId: string | null, q: { site?: string; siteId?: string; zoneIds?: readonly string[]; status?: IncidentStatus; from?: Date; to?: Date; limit: number }): Promise<IncidentRow[]> {
    const sql = new SqlParams();
    const where: string[] = [];
    if (q.zoneIds) where.push(`i.zone_id = ANY(${sql.bind(q.zoneIds)}::uuid[])`);
    if (clientId) where.push(`i.client_id = ${sql.bind(clientId)}`);
    if (q.siteId) where.push(`i.site_id = ${sql.bind(q.siteId)}`);
    if (q.site) where.push(`s.key = ${sql.bind(q.site)}`);
    if (q.status === 'open') where.push('i.acknowledged_at IS NULL AND i.resolved_at IS NULL');
    if (q.status === 'acknowledged') where.push('i.acknowledged_at IS NOT NULL AND i.resolved_at IS NULL');
    if (q.status === 'resolved') where.push('i.resolved_at IS NOT NULL');
    if (q.from) where.push(`i.opened_at >= ${sql.bind(q.from.toISOString())}`);
    if (q.to) where.push(`i.opened_at < ${sql.bind(q.to.toISOString())}`);
    return this.dataSource.query(`SELECT ${INCIDENT_COLUMNS} FROM ${INCIDENT_FROM} ${whereAll(where)} ORDER BY i.opened_at DESC LIMIT ${sql.bind(q.limit)}`, sql.values);
  }

  private async openOrJoin(
    m: EntityManager,
    i: { clientId: string; siteId: string; zoneId: string; category: IncidentCategory; policy: IncidentPolicy; origin: 'report' | 'sensor' | 'api'; openedAt: Date; reports: number },
  ): Promise<{ id: string; created: boolean }> {
    const target = targetOf(i.policy, i.category);
    const [row] = await m.query<Array<{ id: string; created: boolean }>>(OPEN_OR_JOIN, [
      i.clientId,
      i.siteId,
      i.zoneId,
      i.category,
      target.priority,
      target.respondS,
      target.resolveS,
      i.origin,
      i.openedAt.toISOString(),
      i.reports,
    ]);
    return row;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConnectorSettings } from '../../catalog/connector.entity';
import type { ConnectorType } from '../../catalog/contract-file.schema';
import { ADVISORY_LOCKS } from '../../platform/database/advisory-locks';
import { withSessionLock } from '../../platform/database/session-lock';
import type { ConnectorCursor } from './connector-source';
import { escapeUnsafe } from '../../platform/validation/safe-text';

export interface ConnectorRow {
  id: string;
  clientId: string;
  key: string;
  type: ConnectorType;
  schedule: string;
  enabled: boolean;
  settings: ConnectorSettings;
}

export interface Rejection {
  id: string | null;
  reason: string;
  at: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ConnectorStatus {
  key: string;
  type: ConnectorType;
  clientKey: string;
  contractKey: string;
  enabled: boolean;
  schedule: string;
  /** The source without its query string, which may carry more than an operator should see. */
  source: string;
  lastRunAt: string | null;
  lastFinishedAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: RunStatus | null;
  lastError: string | null;
  lastRun: { imported: number; rejected: number };
  total: { imported: number; rejected: number };
  rejections: Rejection[];
}

export interface RunState {
  cursor: ConnectorCursor;
  rejections: Rejection[];
}

const CONNECTOR = `SELECT x.id, x.client_id AS "clientId", x.key, x.type, x.schedule, x.enabled, x.settings FROM connectors x`;

const STATUS = `
  SELECT x.key, x.type, c.key AS "clientKey", k.key AS "contractKey", x.enabled, x.schedule, x.settings->>'url' AS url,
         st.last_run_at AS "lastRunAt", st.last_finished_at AS "lastFinishedAt", st.last_success_at AS "lastSuccessAt",
         st.last_status AS "lastStatus", st.last_error AS "lastError", coalesce(st.last_imported, 0) AS "lastImported",
         coalesce(st.last_rejected, 0) AS "lastRejected", coalesce(st.imported_total, 0) AS "importedTotal",
         coalesce(st.rejected_total, 0) AS "rejectedTotal", coalesce(st.rejections, '[]') AS rejections
  FROM connectors x JOIN clients c ON c.id = x.client_id JOIN contracts k ON k.id = x.contract_id
  LEFT JOIN connector_state st ON st.connector_id = x.id`;

// The definitions are catalog rows (synced from contract files); this repository reads them and owns connector_state.
@Injectable()
export class ConnectorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findActive(): Promise<ConnectorRow[]> {
    return this.dataSource.query(`${CONNECTOR} WHERE x.retired_at IS NULL ORDER BY x.key`);
  }

  async findByKey(key: string, clientId: string | null): Promise<ConnectorRow | undefined> {
    const rows: ConnectorRow[] = clientId
      ? await this.dataSource.query(`${CONNECTOR} WHERE x.key = $1 AND x.retired_at IS NULL AND x.client_id = $2`, [key, clientId])
      : await this.dataSource.query(`${CONNECTOR} WHERE x.key = $1 AND x.retired_at IS NULL`, [key]);
    return rows[0];
  }

  async listStatus(clientId: string | null, key?: string): Promise<ConnectorStatus[]> {
    const params: unknown[] = [];
    const where = ['x.retired_at IS NULL'];
    if (clientId) where.push(`x.client_id = $${params.push(clientId)}`);
    if (key) where.push(`x.key = $${params.push(key)}`);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(`${STATUS} WHERE ${where.join(' AND ')} ORDER BY x.key`, params);
    return rows.map(toStatus);
  }

  /** Marks a run as started and hands back where the previous one left off. */
  async begin(connector: ConnectorRow, now: Date): Promise<RunState> {
    const rows: Array<{ cursor: ConnectorCursor; rejections: Rejection[] }> = await this.dataSource.query(
      `INSERT INTO connector_state AS st (connector_id, client_id, last_run_at, last_status, last_error, last_imported, last_rejected)
       VALUES ($1, $2, $3, 'running', NULL, 0, 0)
       ON CONFLICT (client_id, connector_id) DO UPDATE SET last_run_at = $3, last_status = 'running', last_error = NULL, last_imported = 0, last_rejected = 0
       RETURNING st.cursor, st.rejections`,
      [connector.id, connector.clientId, now],
    );
    return rows[0];
  }

  /** After a page's ratings are committed: move the cursor and add the page's counts. */
  async commitPage(connectorId: string, cursor: ConnectorCursor, imported: number, rejected: number, rejections: Rejection[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE connector_state SET cursor = $2, last_imported = last_imported + $3, last_rejected = last_rejected + $4,
              imported_total = imported_total + $3, rejected_total = rejected_total + $4, rejections = $5
       WHERE connector_id = $1`,
      [connectorId, JSON.stringify(cursor), imported, rejected, JSON.stringify(rejections)],
    );
  }

  async finish(connectorId: string, now: Date, outcome: { status: 'succeeded'; cursor: ConnectorCursor } | { status: 'failed'; error: string }): Promise<void> {
    if (outcome.status === 'succeeded') {
      await this.dataSource.query(
        `UPDATE connector_state SET cursor = $3, last_status = 'succeeded', last_error = NULL, last_finished_at = $2, last_success_at = $2 WHERE connector_id = $1`,
        [connectorId, now, JSON.stringify(outcome.cursor)],
      );
    } else {
      // The error may quote what the source sent, NUL and broken Unicode included: stored escaped, so a failure is always recorded.
      const error = escapeUnsafe(outcome.error, 2_000);
      await this.dataSource.query(`UPDATE connector_state SET last_status = 'failed', last_error = $3, last_finished_at = $2 WHERE connector_id = $1`, [connectorId, now, error]);
    }
  }

  /**
   * Runs fn only if no other instance runs this connector (PostgreSQL session advisory lock, held
   * on its own connection for the whole run); returns undefined when the lock is taken.
   */
  exclusive<T>(connectorId: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    // Embedded, the caller's in-process guard is the lock.
    return withSessionLock(this.dataSource, { lockClass: ADVISORY_LOCKS.connectorRun, name: connectorId, wait: false }, fn);
  }
}

function toStatus(row: Record<string, unknown>): ConnectorStatus {
  const url = new URL(row.url as string);
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v ? new Date(v as string).toISOString() : null);
  return {
    key: row.key as string,
    type: row.type as ConnectorType,
    clientKey: row.clientKey as string,
    contractKey: row.contractKey as string,
    enabled: row.enabled as boolean,
    schedule: row.schedule as string,
    source: `${url.origin}${url.pathname}`,
    lastRunAt: iso(row.lastRunAt),
    lastFinishedAt: iso(row.lastFinishedAt),
    lastSuccessAt: iso(row.lastSuccessAt),
    lastStatus: (row.lastStatus as RunStatus | null) ?? null,
    lastError: (row.lastError as string | null) ?? null,
    lastRun: { imported: Number(row.lastImported), rejected: Number(row.lastRejected) },
    total: { imported: Number(row.importedTotal), rejected: Number(row.rejectedTotal) },
    rejections: row.rejections as Rejection[],
  };
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TaskMessage } from './task-publication';

export interface TaskClaim {
  siteId: string;
  zoneId: string;
  topic: string;
  message: TaskMessage;
}

export interface UnpublishedTask {
  clientId: string;
  taskId: string;
  status: string;
  topic: string;
  payload: TaskMessage;
}

/** The outbox of task messages: a row per task and status, claimed once, marked when the broker acknowledged it. */
@Injectable()
export class TaskPublicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims the messages not claimed before (a task at a status is published once); how many were new. */
  async claim(clientId: string, claims: readonly TaskClaim[]): Promise<number> {
    if (!claims.length) return 0;
    // One statement for a client's run.
    const [{ n }] = await this.dataSource.query<[{ n: number }]>(
      `WITH claimed AS (
         INSERT INTO task_publications (client_id, task_id, status, site_id, zone_id, local_date, topic, payload, claimed_at)
         SELECT $1, c.task_id, c.status, c.site_id, c.zone_id, c.local_date, c.topic, c.payload, now()
         FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::jsonb[])
              AS c(task_id, status, site_id, zone_id, local_date, topic, payload)
         ON CONFLICT (client_id, task_id, status) DO NOTHING
         RETURNING 1
       ) SELECT count(*)::int AS n FROM claimed`,
      [
        clientId,
        claims.map((c) => c.message.id),
        claims.map((c) => c.message.status),
        claims.map((c) => c.siteId),
        claims.map((c) => c.zoneId),
        claims.map((c) => c.message.date),
        claims.map((c) => c.topic),
        claims.map((c) => JSON.stringify(c.message)),
      ],
    );
    return n;
  }

  /** Claimed and not yet acknowledged by the broker (new ones, and any a failed publish or a crash left): by claim, then due time. */
  unpublished(limit: number): Promise<UnpublishedTask[]> {
    return this.dataSource.query(
      `SELECT client_id AS "clientId", task_id AS "taskId", status, topic, payload
       FROM task_publications WHERE published_at IS NULL ORDER BY claimed_at, payload->>'dueAt', task_id, status LIMIT $1`,
      [limit],
    );
  }

  async markPublished(rows: ReadonlyArray<Pick<UnpublishedTask, 'clientId' | 'taskId' | 'status'>>, at: Date): Promise<void> {
    if (!rows.length) return;
    await this.dataSource.query(
      `UPDATE task_publications p SET published_at = $4
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS r(client_id, task_id, status)
       WHERE p.client_id = r.client_id AND p.task_id = r.task_id AND p.status = r.status`,
      [rows.map((r) => r.clientId), rows.map((r) => r.taskId), rows.map((r) => r.status), at.toISOString()],
    );
  }

  /** Tasks of these zones announced as due from that local date on, and at no other status since. */
  openAnnounced(clientId: string, zoneIds: readonly string[], fromDate: string): Promise<Array<{ zoneId: string; payload: TaskMessage }>> {
    return this.dataSource.query(
      `SELECT p.zone_id AS "zoneId", p.payload FROM task_publications p
       WHERE p.client_id = $1 AND p.zone_id = ANY($2::uuid[]) AND p.local_date >= $3 AND p.status = 'due'
         AND NOT EXISTS (SELECT 1 FROM task_publications o WHERE o.client_id = p.client_id AND o.task_id = p.task_id AND o.status <> 'due')`,
      [clientId, zoneIds, fromDate],
    );
  }

  /** Forgets published rows of days no run derives any more. */
  async prune(beforeDate: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM task_publications WHERE local_date < $1 AND published_at IS NOT NULL`, [beforeDate]);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Task messages on MQTT (issue 12): one row per task and status it was published at, the outbox of
 * `{prefix}/{site}/{zone}/tasks`. A row is claimed before its message is sent and marked once the
 * broker acknowledged it; one left unmarked (a failed publish, a crash) is sent again.
 */
export class TaskPublications1764900000001 implements MigrationInterface {
  name = 'TaskPublications1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_publications (
        client_id uuid NOT NULL REFERENCES clients(id),
        task_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('due', 'done', 'late', 'missed', 'withdrawn')),
        site_id uuid NOT NULL REFERENCES sites(id),
        zone_id uuid NOT NULL REFERENCES zones(id),
        local_date date NOT NULL,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        PRIMARY KEY (client_id, task_id, status)
      );
      CREATE INDEX task_publications_unpublished ON task_publications (claimed_at) WHERE published_at IS NULL;
      CREATE INDEX task_publications_zone_date ON task_publications (client_id, zone_id, local_date);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_publications`);
  }
}

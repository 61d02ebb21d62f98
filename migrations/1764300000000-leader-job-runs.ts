import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeaderJobRuns1764300000000 implements MigrationInterface {
  name = 'LeaderJobRuns1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The last tick each scheduled job ran for, claimed by the one instance that runs it (see leader-job.ts).
      -- Platform bookkeeping, not client data: no client_id.
      CREATE TABLE leader_job_runs (
        job text PRIMARY KEY,
        tick timestamptz NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE leader_job_runs IS 'Citus: local table on the coordinator - scheduled jobs of the service, no client data.';
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE leader_job_runs`);
  }
}

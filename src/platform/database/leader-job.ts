import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS } from './advisory-locks';
import { withSessionLock } from './session-lock';

/** Moves the job's last tick forward, once: of the instances whose cron fired for a tick, the first to get here claims it. */
const CLAIM_TICK = `
  WITH claimed AS (
    INSERT INTO leader_job_runs AS r (job, tick) VALUES ($1, $2)
    ON CONFLICT (job) DO UPDATE SET tick = EXCLUDED.tick, ran_at = now() WHERE r.tick < EXCLUDED.tick
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM claimed`;

/** The start of the period of `everyMs` (a minute, a UTC day, …) that `at` falls in: what every instance's tick of a fixed-period job is called. */
export const tickOf = (at: Date, everyMs: number): Date => new Date(Math.floor(at.getTime() / everyMs) * everyMs);

/**
 * Runs each tick of a scheduled job on one instance. The advisory lock alone would let an instance whose
 * cron fired a moment late run a tick another one had already finished, so the winner also claims the tick
 * in leader_job_runs (one row per job, its last tick); the lock keeps two ticks of a job from overlapping.
 */
@Injectable()
export class LeaderJobs implements BeforeApplicationShutdown {
  /** Jobs running in this process, and their runs: the advisory lock covers the other instances, and the embedded database has none. */
  private readonly running = new Map<string, Promise<unknown>>();
  private stoppingNow = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The process is shutting down: no run starts any more, and a long run (a catch-up over many
   * zone-days) stops at its next step, leaving the rest marked for the next leader.
   */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** Waits for the runs in progress (which stop at their next step), while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stoppingNow = true;
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Runs fn if this instance leads `job` for `tick` (the time the run was due); whether it ran. A
   * failed run is not retried before the next tick. An instance with JOBS=off never leads.
   */
  runAsLeader(job: string, tick: Date, fn: () => Promise<unknown>): Promise<boolean> {
    if (!this.config.jobs || this.running.has(job) || this.stoppingNow) return Promise.resolve(false);
    const run = this.lead(job, tick, fn);
    this.running.set(job, run);
    return run;
  }

  private async lead(job: string, tick: Date, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      const led = await withSessionLock(this.dataSource, { lockClass: ADVISORY_LOCKS.leaderJob, name: job, wait: false }, async () => {
        const [{ n }] = await this.dataSource.query<[{ n: number }]>(CLAIM_TICK, [job, tick]);
        if (n === 0) return false;
        await fn();
        return true;
      });
      return led?.value ?? false;
    } finally {
      this.running.delete(job);
    }
  }
}

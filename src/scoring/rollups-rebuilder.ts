import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { withSessionLock } from '../platform/database/session-lock';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import type { RebuildArgs } from './rebuild-plan';
import { batchesOf } from './rebuild-plan';
import { RollupsRepository, type RecomputeStats } from './rollups.repository';
import { ROLLUPS_JOB } from './rollups.service';

/** Sites per transaction of a rebuild: a progress line each. */
const REBUILD_SITES = 50;
/** Transactions of a rebuild at once: this machine's two cores (PGlite takes them one at a time). */
const REBUILD_WORKERS = 2;

export interface RebuildProgress extends RecomputeStats {
  sitesDone: number;
  sites: number;
}

/** Rebuilds the scoring rollups from the facts (`npm run scoring:rebuild`); no scheduler needed, so the CLI can build it. */
@Injectable()
export class RollupsRebuilder {
  constructor(
    private readonly rollups: RollupsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Recomputes the rollups of a contract's sites (or all) from the facts, a batch of sites per
   * transaction, reporting each. Holds the job's lock, so the leader's job waits for it.
   */
  async rebuild(options: RebuildArgs, progress: (p: RebuildProgress) => void = () => undefined): Promise<RebuildProgress> {
    const sites = await this.rollups.sitesOf(options.contract);
    if (!sites) throw new DomainException(ErrorCode.NotFound, `Unknown contract "${options.contract}".`);
    const total: RebuildProgress = { sitesDone: 0, sites: sites.length, ratings: 0, zoneHours: 0, ratingDays: 0, slaDays: 0 };
    const batches = batchesOf(sites, REBUILD_SITES, REBUILD_WORKERS);
    // Workers take the next batch of sites as they finish one: PostgreSQL's cores work side by side.
    let failed = false;
    const worker = async () => {
      for (let batch = failed ? undefined : batches.shift(); batch; batch = failed ? undefined : batches.shift()) {
        const scope = { sites: batch, from: options.from, to: options.to };
        // Marks read before the recomputation are covered by it; later ones stay for the job.
        const marks = await this.rollups.dirtyDaysOf(scope);
        const stats = await this.rollups.rebuildSites(scope, marks);
        total.sitesDone += batch.length;
        total.ratings += stats.ratings;
        total.zoneHours += stats.zoneHours;
        total.ratingDays += stats.ratingDays;
        total.slaDays += stats.slaDays;
        progress({ ...total });
      }
    };
    const run = async () => {
      // A failed batch stops the other workers at their next batch; the first error is the rebuild's.
      const stopOthers = (err: unknown) => {
        failed = true;
        throw err;
      };
      const results = await Promise.allSettled(Array.from({ length: Math.min(REBUILD_WORKERS, batches.length) }, () => worker().catch(stopOthers)));
      const error = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) throw error.reason;
    };
    await withSessionLock(this.dataSource, { lockClass: ADVISORY_LOCKS.leaderJob, name: ROLLUPS_JOB, wait: true }, run);
    await this.rollups.analyze();
    return total;
  }
}

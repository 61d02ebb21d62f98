import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { PublishedFiguresRepository, type PublishedContract } from './published-figures.repository';
import { RollupsService } from './rollups.service';
import { ScorecardService } from './scorecard.service';

export const FIGURES_JOB = 'scoring:figures';
const EVERY_MS = 60_000;
/** A month is republished at least this often, rollups unchanged: its burn rates and as-of instant move with the hour. */
const REFRESH_MS = 15 * 60_000;
/** The publisher reads every contract: a principal of no client. */
const PUBLISHER: Principal = { role: 'admin', clientId: null, siteId: null, keyId: null };

export interface FiguresPublishStats {
  published: number;
  unchanged: number;
  failed: number;
}

/**
 * Publishes each contract's scorecard for the current and the last calendar month into the
 * published_* tables, through the scorecard service itself: dashboards and reports read those
 * figures (the reporting schema) and compute none. One leader, every minute; a contract-month is
 * republished when the rollups moved on, or every 15 minutes.
 */
@Injectable()
export class FiguresPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FiguresPublisher.name);

  constructor(
    private readonly published: PublishedFiguresRepository,
    private readonly scorecards: ScorecardService,
    private readonly rollups: RollupsService,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader
        .runAsLeader(FIGURES_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.publish())
        .catch((err: Error) => this.logger.warn(`Publishing the scorecards failed: ${err.message}`));
    this.registry.addInterval(FIGURES_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', FIGURES_JOB)) this.registry.deleteInterval(FIGURES_JOB);
  }

  /**
   * Publishes every contract's months (the current and the last, or those given) that are stale, all
   * of them with `force`; a failed one is logged and left for the next run.
   */
  async publish(options: { force?: boolean; periods?: readonly string[] } = {}): Promise<FiguresPublishStats> {
    const now = this.clock.now();
    const version = await this.rollups.version();
    const stamps = new Map((await this.published.stamps()).map((s) => [`${s.contractId}|${s.period}`, s]));
    const stats: FiguresPublishStats = { published: 0, unchanged: 0, failed: 0 };
    for (const contract of await this.published.contracts()) {
      for (const period of options.periods ?? periodsAt(now)) {
        if (this.leader.stopping) return stats;
        const stamp = stamps.get(`${contract.id}|${period}`);
        if (!options.force && stamp && stamp.rollupVersion === version && now.getTime() - stamp.publishedAt.getTime() < REFRESH_MS) {
          stats.unchanged++;
          continue;
        }
        try {
          await this.publishMonth(contract, period, version, now);
          stats.published++;
        } catch (err) {
          stats.failed++;
          this.logger.warn(`Publishing ${contract.key} ${period} failed: ${(err as Error).message}`);
        }
      }
    }
    return stats;
  }

  private async publishMonth(contract: PublishedContract, period: string, version: string, now: Date): Promise<void> {
    const card = await this.scorecards.contract(PUBLISHER, contract.key, { period });
    const daily = await this.scorecards.contractDaily(PUBLISHER, contract.key, { period });
    await this.published.replace(contract, period, version, now, card, daily);
  }
}

/** The calendar months published at an instant: the current one and the last (UTC labels; each site reads its own local month). */
export function periodsAt(now: Date): string[] {
  const month = DateTime.fromJSDate(now, { zone: 'utc' }).startOf('month');
  return [month.toFormat('yyyy-MM'), month.minus({ months: 1 }).toFormat('yyyy-MM')];
}

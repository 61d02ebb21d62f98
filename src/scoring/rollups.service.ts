import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import type { RollupCounts } from './rollup-columns';
import { RollupsRepository, type ZoneDayCounts, type ZoneHourCounts } from './rollups.repository';

export const ROLLUPS_JOB = 'scoring:rollups';
/** Marks are at most this old when the job picks them up: well inside the 60 s freshness promise. */
const EVERY_MS = 15_000;
/** Zone-days per transaction of the job: small, so a shutdown waits for one short batch (the rest stays marked). */
const BATCH = 200;

/**
 * The scoring rollups: ratings per zone and local hour, ratings and SLA facts per zone and local
 * date. Triggers on ratings and sla_facts_hourly mark the zone-days they touch; one leader
 * recomputes each marked zone-day from the facts every 15 s (RollupsRebuilder does whole sites).
 */
@Injectable()
export class RollupsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupsService.name);

  constructor(
    private readonly rollups: RollupsRepository,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader.runAsLeader(ROLLUPS_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.catchUp()).catch((err: Error) => this.logger.warn(`Updating the scoring rollups failed: ${err.message}`));
    this.registry.addInterval(ROLLUPS_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', ROLLUPS_JOB)) this.registry.deleteInterval(ROLLUPS_JOB);
  }

  /** Recomputes every marked zone-day, oldest mark first; how many. */
  async catchUp(): Promise<number> {
    let done = 0;
    for (;;) {
      // Shutting down: the rest stays marked for the next run (here or on the next leader).
      if (this.leader.stopping) return done;
      const days = await this.rollups.dirtyDays(BATCH);
      if (days.length) await this.rollups.recomputeDays(days);
      done += days.length;
      if (days.length < BATCH) return done;
    }
  }

  /** Zones' counts over a set of local dates, one sum per zone, from the daily rows (ratings and SLA facts). */
  dailyTotals(clientId: string, zoneIds: readonly string[], dates: readonly string[]): Promise<Map<string, RollupCounts>> {
    return this.rollups.dailyTotals(clientId, zoneIds, dates);
  }

  /** Zones' counts per local date (daily series). */
  daily(clientId: string, zoneIds: readonly string[], dates: readonly string[]): Promise<ZoneDayCounts[]> {
    return this.rollups.daily(clientId, zoneIds, dates);
  }

  /** Zones' counts per hour in [from, to), for burn-rate lookbacks. */
  hourly(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<ZoneHourCounts[]> {
    return this.rollups.hourly(clientId, zoneIds, from, to);
  }
}

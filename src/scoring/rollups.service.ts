import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import type { RollupCounts } from './rollup-columns';
import { RollupsRepository, type DirtyDay, type MarkKind, type ZoneDayCounts, type ZoneHourCounts } from './rollups.repository';

export const ROLLUPS_JOB = 'scoring:rollups';
export const INSIGHTS_JOB = 'scoring:insights';
/** Marks are at most this old when the job picks them up: well inside the 60 s freshness promise. */
const EVERY_MS = 15_000;
/** Drivers and comment themes: patterns over days, not figures with a freshness promise. */
const INSIGHTS_EVERY_MS = 60_000;
/**
 * Zone-days per transaction of each job: enough that a run over every zone of a large contract is
 * a few dozen statements, few enough that a shutdown waits for one short batch (the rest stays marked).
 */
const BATCH: Record<MarkKind, number> = { figures: 1_000, insights: 200 };

/**
 * The scoring rollups: ratings per zone and local hour, ratings and SLA facts per zone and local
 * date. Triggers on ratings and sla_facts_hourly mark the zone-days they touch; one leader
 * recomputes each marked zone-day from the facts every 15 s and hands it on to the insights job
 * (drivers and comment themes, every minute). RollupsRebuilder does whole sites.
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
    this.schedule(ROLLUPS_JOB, EVERY_MS, () => this.catchUp(), 'Updating the scoring rollups');
    this.schedule(INSIGHTS_JOB, INSIGHTS_EVERY_MS, () => this.catchUpInsights(), 'Updating drivers and comment themes');
  }

  onApplicationShutdown(): void {
    for (const job of [ROLLUPS_JOB, INSIGHTS_JOB]) if (this.registry.doesExist('interval', job)) this.registry.deleteInterval(job);
  }

  /** Recomputes the figures' rollups of every marked zone-day, first marked first (a day marked again keeps its place), and hands them on to the insights job; how many. */
  catchUp(): Promise<number> {
    return this.drain('figures', (days) => this.rollups.recomputeDays(days));
  }

  /** Recomputes the drivers and comment themes of the zone-days the figures' job handed on; how many. */
  catchUpInsights(): Promise<number> {
    return this.drain('insights', (days) => this.rollups.recomputeInsightDays(days));
  }

  private schedule(job: string, everyMs: number, run: () => Promise<unknown>, what: string): void {
    const tick = () => void this.leader.runAsLeader(job, tickOf(this.clock.now(), everyMs), run).catch((err: Error) => this.logger.warn(`${what} failed: ${err.message}`));
    this.registry.addInterval(job, setInterval(tick, everyMs).unref());
  }

  private async drain(kind: MarkKind, recompute: (days: DirtyDay[]) => Promise<unknown>): Promise<number> {
    let done = 0;
    for (;;) {
      // Shutting down: the rest stays marked for the next run (here or on the next leader).
      if (this.leader.stopping) return done;
      const days = await this.rollups.dirtyDays(BATCH[kind], kind);
      if (days.length) await recompute(days);
      done += days.length;
      if (days.length < BATCH[kind]) return done;
    }
  }

  /** Zones' counts over a set of local dates, one sum per zone, from the daily rows (ratings and SLA facts); their sites, when known, for the primary key (else looked up from the zones). */
  dailyTotals(clientId: string, zoneIds: readonly string[], dates: readonly string[], siteIds?: readonly string[]): Promise<Map<string, RollupCounts>> {
    return this.rollups.dailyTotals(clientId, zoneIds, dates, siteIds);
  }

  /** The rollups' version, bumped by every transaction that changes the figures' rollups (text: a bigint). */
  version(): Promise<string> {
    return this.rollups.version();
  }

  /** The rollups' version and the catalog's (moved by every change to a client, contract, site, zone or objective), read together. */
  versions(): Promise<{ rollups: string; catalog: string }> {
    return this.rollups.versions();
  }

  /** Sites' counts per zone type over a calendar month or a set of local dates, keyed `siteId|zoneType`. */
  scopeTotals(clientId: string, siteIds: readonly string[], over: { month: string } | { dates: readonly string[] }): Promise<Map<string, RollupCounts>> {
    return this.rollups.scopeTotals(clientId, siteIds, over);
  }

  /** Sites' counts per zone type and local date, keyed `siteId|zoneType`. */
  scopeDaily(clientId: string, siteIds: readonly string[], dates: readonly string[]) {
    return this.rollups.scopeDaily(clientId, siteIds, dates);
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

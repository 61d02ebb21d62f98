import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ZonePlanView } from '../catalog/catalog.repository';
import { CatalogService } from '../catalog/catalog.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { IngestService } from '../telemetry/ingest.service';
import type { ReadingBatch } from '../telemetry/reading-batch';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { incidentTimings } from './incident-policy';
import { IncidentsRepository } from './incidents.repository';
import { serviceSpans } from './service-time';
import { SlaFactsRepository } from './sla-facts.repository';
import { ZoneFactsLoader, localDay, zoneDayTasks } from './zone-facts.loader';
import { zoneDayFacts } from './zone-day-facts';

export const SLA_FACTS_JOB = 'operations:sla-facts';
const EVERY_MS = 30_000;
/** Today and yesterday are marked this often, as statuses move with time. */
const RECENT_EVERY_MS = 5 * 60_000;
const BATCH = 200;
/** Levels are read from before the day: a dispenser that ran out yesterday evening is still out at opening. */
const LOOKBACK_MS = 7 * 86_400_000;

/**
 * SLA facts per zone and hour, for scoring: each zone-day is recomputed from scratch from the facts
 * when something of that day arrives or changes (marked dirty), so late data gives the same rows as
 * a recomputation would; today and yesterday are recomputed every few minutes too. On one instance.
 */
@Injectable()
export class SlaFactsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaFactsService.name);
  private lastRecentMark = 0;

  constructor(
    private readonly facts: SlaFactsRepository,
    private readonly loader: ZoneFactsLoader,
    private readonly incidents: IncidentsRepository,
    private readonly catalog: CatalogService,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly ingest: IngestService,
  ) {}

  onModuleInit(): void {
    this.ingest.onReadingsStored((readings, deviceOf) => this.markReadings(readings, deviceOf));
  }

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader.runAsLeader(SLA_FACTS_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.catchUp()).catch((err: Error) => this.logger.warn(`Recomputing SLA facts failed: ${err.message}`));
    this.registry.addInterval(SLA_FACTS_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', SLA_FACTS_JOB)) this.registry.deleteInterval(SLA_FACTS_JOB);
  }

  /** Something happened in these zones at these times: their local days are recomputed at the next run. */
  mark(entries: ReadonlyArray<{ clientId: string; zoneId: string; at: Date }>): Promise<void> {
    return this.facts.markDirty(entries);
  }

  /** A stored batch marks the zone-hours it touched (one row per zone and hour, not per reading). */
  private markReadings(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Promise<void> {
    const seen = new Map<string, { clientId: string; zoneId: string; at: Date }>();
    for (let i = 0; i < readings.length; i++) {
      const device = deviceOf(readings.deviceId[i]);
      if (!device) continue;
      const hour = Math.floor(readings.ts[i] / 3_600_000);
      const key = `${device.zoneId}/${hour}`;
      if (!seen.has(key)) seen.set(key, { clientId: device.clientId, zoneId: device.zoneId, at: new Date(hour * 3_600_000) });
    }
    return this.facts.markDirty([...seen.values()]);
  }

  /** Recomputes every marked zone-day (and, every few minutes, today's and yesterday's); how many. */
  async catchUp(): Promise<number> {
    const now = this.clock.now();
    if (now.getTime() - this.lastRecentMark >= RECENT_EVERY_MS) {
      await this.facts.markRecentDays(now);
      this.lastRecentMark = now.getTime();
    }
    let done = 0;
    for (let days = await this.facts.dirty(BATCH); days.length; days = await this.facts.dirty(BATCH)) {
      const zones = new Map((await this.catalog.zonesByIds([...new Set(days.map((d) => d.zoneId))])).map((z) => [z.id, z]));
      for (const day of days) {
        const zone = zones.get(day.zoneId);
        if (zone) await this.recompute(zone, day.localDate);
        await this.facts.clean(day);
        done++;
      }
      if (days.length < BATCH) break;
    }
    return done;
  }

  /** The hours of one zone-day, from scratch. */
  async recompute(zone: ZonePlanView, date: string): Promise<void> {
    const day = localDay(date, zone.timeZone);
    const facts = (await this.loader.load(zone.clientId, [zone.id], new Date(day.start - LOOKBACK_MS), new Date(day.end), { levels: true })).get(zone.id)!;
    const incidents = await this.incidents.list(zone.clientId, { zoneIds: [zone.id], from: new Date(day.start), to: new Date(day.end), limit: 10_000 });
    const hours = zoneDayFacts({
      day,
      spans: serviceSpans(date, zone.serviceHours, zone.holidays, zone.timeZone),
      tasks: zoneDayTasks(zone, date, facts, this.clock.now().getTime()),
      incidents: incidents.map((i) => ({
        openedAt: i.openedAt.getTime(),
        ...incidentTimings(
          { openedAt: i.openedAt.getTime(), acknowledgedAt: i.acknowledgedAt?.getTime() ?? null, resolvedAt: i.resolvedAt?.getTime() ?? null, respondTargetS: i.respondTargetS, resolveTargetS: i.resolveTargetS },
          zone,
        ),
      })),
      visits: facts.visits,
      levels: facts.levels,
      refills: facts.refills,
      inspections: facts.inspections,
    });
    await this.facts.replaceDay({ clientId: zone.clientId, siteId: zone.siteId, zoneId: zone.id }, day, hours);
  }

  list(who: Principal, q: { site?: string; zone?: string; from: Date; to: Date }) {
    return this.facts.list(who.clientId, q).then((items) => ({ items }));
  }
}

import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ZonePlanView } from '../catalog/catalog.repository';
import { CatalogService } from '../catalog/catalog.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { IngestService } from '../telemetry/ingest.service';
import type { ReadingBatch } from '../telemetry/reading-batch';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { timingsOf } from './incident-policy';
import { FollowUpQueue } from './follow-up-queue';
import { IncidentsRepository } from './incidents.repository';
import { serviceSpans } from './service-time';
import { SlaFactsRepository } from './sla-facts.repository';
import { ZoneFactsLoader, localDay, zoneDayTasks } from './zone-facts.loader';
import { zoneDayFacts, zoneDayIntervals, type ZoneDayInput } from './zone-day-facts';
import { groupBy } from '../platform/group-by';

export const SLA_FACTS_JOB = 'operations:sla-facts';
const EVERY_MS = 30_000;
/** Today and yesterday are marked this often, as statuses move with time. */
const RECENT_EVERY_MS = 5 * 60_000;
const BATCH = 200;
/** Incidents of a zone-day read at most (a zone with more is a flood the facts need not follow). */
const INCIDENTS_PER_ZONE_DAY = 10_000;
/**
 * Marks are kept per zone and quarter hour: every time zone's midnight is on a quarter hour
 * (Asia/Kolkata +05:30, Asia/Kathmandu +05:45), so a slot never straddles two local days.
 */
const MARK_SLOT_MS = 15 * 60_000;
/** Marks wait this long to be written together. */
const MARK_FLUSH_MS = 1_000;
/** Levels are read from before the day: a dispenser that ran out yesterday evening is still out at opening. */
const LOOKBACK_MS = 7 * 86_400_000;

/**
 * SLA facts per zone and local hour, for scoring: each zone-day is recomputed from scratch from the facts
 * when something of that day arrives or changes (marked dirty), so late data gives the same rows as
 * a recomputation would; today and yesterday are recomputed every few minutes too. On one instance.
 */
@Injectable()
export class SlaFactsService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SlaFactsService.name);
  private lastRecentMark = 0;
  private readonly pendingMarks = new Map<string, { clientId: string; zoneId: string; at: Date }>();
  private flushTimer?: NodeJS.Timeout;
  private readonly markWrites = new FollowUpQueue<{ clientId: string; zoneId: string; at: Date }>(new Logger(SlaFactsService.name), (marks) => this.facts.markDirty(dedupe(marks)));

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

  /** While the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushMarks();
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', SLA_FACTS_JOB)) this.registry.deleteInterval(SLA_FACTS_JOB);
  }

  /**
   * Something happened in these zones at these times: their local days are recomputed at the next
   * run. Marks are gathered for a moment and written together, off the ingest path.
   */
  mark(entries: ReadonlyArray<{ clientId: string; zoneId: string; at: Date }>): Promise<void> {
    for (const e of entries) {
      const slot = Math.floor(e.at.getTime() / MARK_SLOT_MS);
      this.pendingMarks.set(`${e.zoneId}/${slot}`, { clientId: e.clientId, zoneId: e.zoneId, at: new Date(slot * MARK_SLOT_MS) });
    }
    if (this.pendingMarks.size && !this.flushTimer) this.flushTimer = setTimeout(() => void this.flushMarks(), MARK_FLUSH_MS).unref();
    return Promise.resolve();
  }

  /** Writes the gathered marks (also before a recomputation, and at shutdown). */
  flushMarks(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const marks = [...this.pendingMarks.values()];
    this.pendingMarks.clear();
    this.markWrites.push(marks);
    return this.markWrites.drain();
  }

  /** A stored batch marks the zone-slots it touched (one row per zone and quarter hour, not per reading). */
  private markReadings(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Promise<void> {
    const entries: Array<{ clientId: string; zoneId: string; at: Date }> = [];
    let last = '';
    for (let i = 0; i < readings.length; i++) {
      const device = deviceOf(readings.deviceId[i]);
      const key = device ? `${device.zoneId}/${Math.floor(readings.ts[i] / MARK_SLOT_MS)}` : '';
      // Readings of a zone come in runs: skip the repeats before they reach the map.
      if (!device || key === last) continue;
      last = key;
      entries.push({ clientId: device.clientId, zoneId: device.zoneId, at: new Date(readings.ts[i]) });
    }
    return this.mark(entries);
  }

  /** Recomputes every marked zone-day (and, every few minutes, today's and yesterday's); how many. */
  async catchUp(): Promise<number> {
    await this.flushMarks();
    const now = this.clock.now();
    if (now.getTime() - this.lastRecentMark >= RECENT_EVERY_MS) {
      await this.facts.markRecentDays(now);
      this.lastRecentMark = now.getTime();
    }
    let done = 0;
    for (let days = await this.facts.dirty(BATCH); days.length; days = await this.facts.dirty(BATCH)) {
      const zones = new Map((await this.catalog.zonesByIds([...new Set(days.map((d) => d.zoneId))])).map((z) => [z.id, z]));
      // Zone-days of one client, date and time zone are one day's window: their facts are read together.
      const groups = groupBy(days, (day) => {
        const zone = zones.get(day.zoneId);
        return zone ? `${zone.clientId}|${day.localDate}|${zone.timeZone}` : '';
      });
      for (const [key, group] of groups) {
        // Shutting down: the rest stays marked for the next run (here or on the next leader).
        if (this.leader.stopping) return done;
        // A zone no longer in the catalog has nothing to recompute: its marks are forgotten.
        if (key) await this.recomputeZones(group.map((d) => zones.get(d.zoneId)!), group[0].localDate);
        await this.facts.clean(group);
        done += group.length;
      }
      if (days.length < BATCH) break;
    }
    return done;
  }

  /**
   * The hours and intervals of zones of one client and time zone on one local date, from scratch:
   * their facts read in one query of each kind (per zone, a catch-up of every zone's today was
   * thousands of reads a minute) and their rows written together, in one transaction.
   */
  private async recomputeZones(zones: readonly ZonePlanView[], date: string): Promise<void> {
    const [{ clientId, timeZone }] = zones;
    const day = localDay(date, timeZone);
    const ids = zones.map((z) => z.id);
    const [loaded, sensed, incidents] = await Promise.all([
      this.loader.load(clientId, ids, new Date(day.start - LOOKBACK_MS), new Date(day.end), { levels: true }),
      this.loader.sensing(clientId, ids, new Date(day.start), new Date(day.end)),
      this.incidents.list(clientId, { zoneIds: ids, from: new Date(day.start), to: new Date(day.end), limit: INCIDENTS_PER_ZONE_DAY * ids.length }),
    ]);
    const incidentsOf = groupBy(incidents, (i) => i.zoneId);
    const now = this.clock.now().getTime();
    const recomputed = zones.map((zone) => {
      const facts = loaded.get(zone.id)!;
      const sensing = sensed.get(zone.id)!;
      const input: ZoneDayInput = {
        day,
        timeZone,
        spans: serviceSpans(date, zone.serviceHours, zone.holidays, timeZone),
        tasks: zoneDayTasks(zone, date, facts, now),
        scheduleGraceS: zone.cleaningPlan?.scheduled?.graceS ?? 0,
        incidents: (incidentsOf.get(zone.id) ?? []).map((i) => ({ openedAt: i.openedAt.getTime(), ...timingsOf(i) })),
        visits: facts.visits,
        levels: facts.levels,
        refills: facts.refills,
        inspections: facts.inspections,
        peopleCounted: sensing.peopleCounted,
        comfort: zone.comfort,
        climate: sensing.climate,
        devices: sensing.devices,
      };
      return { zone: { clientId, siteId: zone.siteId, zoneId: zone.id }, hours: zoneDayFacts(input), intervals: zoneDayIntervals(input) };
    });
    await this.facts.replaceDays(recomputed, day);
  }

  list(who: Principal, q: { site?: string; zone?: string; from: Date; to: Date }) {
    return this.facts.list(who.clientId, q).then((items) => ({ items }));
  }
}

/** One mark per zone and slot. */
function dedupe(marks: ReadonlyArray<{ clientId: string; zoneId: string; at: Date }>) {
  return [...new Map(marks.map((m) => [`${m.zoneId}/${Math.floor(m.at.getTime() / MARK_SLOT_MS)}`, m])).values()];
}

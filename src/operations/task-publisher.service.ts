import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import type { ZonePlanView } from '../catalog/catalog.repository';
import { CatalogService } from '../catalog/catalog.service';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { MqttService } from '../platform/mqtt/mqtt.service';
import { taskMessages, withdrawals } from './task-publication';
import { TaskPublicationsRepository, type TaskClaim, type UnpublishedTask } from './task-publications.repository';
import { ZoneFactsLoader, localDay, zoneDayTasks } from './zone-facts.loader';
import { groupBy } from '../platform/group-by';

export const TASK_PUBLICATIONS_JOB = 'operations:task-publications';
const EVERY_MS = 30_000;
const BATCH = 500;
/** Counters report increments: a day of readings before the first derived day gives its baseline. */
const MARGIN_MS = 86_400_000;
/** Published rows are kept this many days past the last one a run derives. */
const KEEP_DAYS = 7;
const PRUNE_EVERY_MS = 3_600_000;
/** Zone-days derived between two turns of the event loop. */
const YIELD_EVERY = 100;
/** The job reads every client's zones: it has no caller to scope by. */

/**
 * Publishes cleaning tasks to `{prefix}/{siteKey}/{zoneKey}/tasks` (QoS 1, not retained), so a cleaner's
 * handheld or a work-order system can follow them: a task when its window opens, and again at each final
 * status (done, late, missed), or `withdrawn` when late data took it away. Today's and yesterday's tasks
 * of every zone with a plan are derived again each run, on one instance. Each task and status is claimed
 * once in task_publications and marked once the broker acknowledged it; a claim left unmarked (a failed
 * publish, a crash in between) is sent again, so delivery is at least once and a message repeats only
 * then, with the same `id` for the receiver to drop it.
 */
@Injectable()
export class TaskPublisherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskPublisherService.name);
  private last: Promise<unknown> = Promise.resolve();
  private lastPrune = 0;

  constructor(
    private readonly publications: TaskPublicationsRepository,
    private readonly loader: ZoneFactsLoader,
    private readonly catalog: CatalogService,
    private readonly mqtt: MqttService,
    private readonly config: AppConfig,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader.runAsLeader(TASK_PUBLICATIONS_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.run()).catch((err: Error) => this.logger.warn(`Publishing tasks failed: ${err.message}`));
    this.registry.addInterval(TASK_PUBLICATIONS_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', TASK_PUBLICATIONS_JOB)) this.registry.deleteInterval(TASK_PUBLICATIONS_JOB);
  }

  /** Claims the messages today's and yesterday's tasks call for, and publishes every claim not yet acknowledged; how many it published. */
  run(): Promise<number> {
    // One run at a time in this process (a direct call and the timer's), so no claim is sent twice at once.
    const run = this.last.then(() => this.claimAndPublish());
    this.last = run.catch(() => undefined);
    return run;
  }

  private async claimAndPublish(): Promise<number> {
    const now = this.clock.now();
    const zones = (await this.catalog.allZonesWithPlans()).filter((z) => z.cleaningPlan);
    for (const [clientId, ofClient] of groupBy(zones, (z) => z.clientId)) await this.claim(clientId, ofClient, now.getTime());
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      await this.publications.prune(DateTime.fromJSDate(now, { zone: 'UTC' }).minus({ days: KEEP_DAYS + 2 }).toISODate()!);
      this.lastPrune = now.getTime();
    }
    return this.publishClaimed();
  }

  /** One client's zones: their tasks of today and yesterday (each in its site's time zone), from one read of the facts. */
  private async claim(clientId: string, zones: readonly ZonePlanView[], now: number): Promise<void> {
    // Zones share their sites' few time zones: each zone's dates are looked up, not computed again (luxon is the slow part).
    const datesIn = new Map<string, string[]>();
    const datesOf = (timeZone: string) => datesIn.get(timeZone) ?? datesIn.set(timeZone, recentDates(timeZone, now)).get(timeZone)!;
    const days = zones.flatMap((zone) => datesOf(zone.timeZone).map((date) => ({ zone, date, ...localDay(date, zone.timeZone) })));
    const zoneIds = zones.map((z) => z.id);
    const from = Math.min(...days.map((d) => d.start)) - MARGIN_MS;
    const to = Math.max(...days.map((d) => d.end));
    const facts = await this.loader.load(clientId, zoneIds, new Date(from), new Date(to));
    const open = groupBy(await this.publications.openAnnounced(clientId, zoneIds, days.map((d) => d.date).sort()[0]), (o) => o.zoneId);
    const claims: TaskClaim[] = [];
    for (const [i, { zone, date }] of days.entries()) {
      // Thousands of zones: API requests get their turns in between.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      const [siteKey, zoneKey] = zone.ref.split('.');
      const day = { zoneId: zone.id, siteKey, zoneKey, date, tasks: zoneDayTasks(zone, date, facts.get(zone.id)!, now) };
      const announced = (open.get(zone.id) ?? []).map((o) => o.payload);
      const topic = `${this.config.mqttTopicPrefix}/${siteKey}/${zoneKey}/tasks`;
      for (const message of [...withdrawals(day, announced), ...taskMessages(day, now)]) claims.push({ siteId: zone.siteId, zoneId: zone.id, topic, message });
    }
    await this.publications.claim(clientId, claims);
  }

  /** Sends the claims in order; stops at the first failure and leaves the rest for the next run. */
  private async publishClaimed(): Promise<number> {
    let sent = 0;
    // A publish while disconnected would wait for the broker and hold the job, and a shutdown stops
    // at the next batch: the next run sends the rest.
    while (this.mqtt.connected && !this.leader.stopping) {
      const batch = await this.publications.unpublished(BATCH);
      const published: UnpublishedTask[] = [];
      try {
        for (const row of batch) {
          await this.mqtt.publish(row.topic, JSON.stringify(row.payload), 1);
          published.push(row);
        }
      } finally {
        await this.publications.markPublished(published, this.clock.now());
        sent += published.length;
      }
      if (batch.length < BATCH) break;
    }
    return sent;
  }
}

/** The local date now in a time zone and the day before: yesterday's tasks change still when late data arrives. */
function recentDates(timeZone: string, now: number): string[] {
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf('day');
  return [today.minus({ days: 1 }).toISODate()!, today.toISODate()!];
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Subscription } from 'rxjs';
import { ContractsSyncService } from '../../catalog/contracts-sync.service';
import { LeaderJobs } from '../../platform/database/leader-job';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';

const JOB_PREFIX = 'connector:';
/** Contract files may be synced by another process (the CLI, another instance): look for changed schedules this often. */
export const RESCHEDULE_EVERY_MS = 60_000;
const RESCHEDULE_JOB = 'connectors:reschedule';

/** One cron job per enabled connector (times in UTC), kept in line with the connectors table; each tick runs on one instance. */
@Injectable()
export class ConnectorsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectorsScheduler.name);
  private readonly schedules = new Map<string, string>();
  private synced?: Subscription;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly connectors: ConnectorsRepository,
    private readonly service: ConnectorsService,
    private readonly contracts: ContractsSyncService,
    private readonly leader: LeaderJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.synced = this.contracts.synced.subscribe(() => void this.reschedule());
    this.registry.addInterval(RESCHEDULE_JOB, setInterval(() => void this.reschedule(), RESCHEDULE_EVERY_MS).unref());
    await this.reschedule();
  }

  onApplicationShutdown(): void {
    this.synced?.unsubscribe();
    if (this.registry.doesExist('interval', RESCHEDULE_JOB)) this.registry.deleteInterval(RESCHEDULE_JOB);
    for (const key of [...this.schedules.keys()]) this.unschedule(key);
  }

  /** The cron expression a connector is scheduled with here, if any. */
  scheduleOf(key: string): string | undefined {
    return this.schedules.get(key);
  }

  /** Adds, changes and removes jobs to match the active, enabled connectors. Calls are queued, never interleaved. */
  reschedule(): Promise<void> {
    this.pending = this.pending.then(
      () => this.apply(),
      () => this.apply(),
    );
    return this.pending;
  }

  private async apply(): Promise<void> {
    try {
      const wanted = new Map((await this.connectors.findActive()).filter((c) => c.enabled).map((c) => [c.key, c.schedule]));
      for (const key of [...this.schedules.keys()]) {
        if (wanted.get(key) !== this.schedules.get(key)) this.unschedule(key);
      }
      for (const [key, schedule] of wanted) {
        if (!this.schedules.has(key)) this.schedule(key, schedule);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Could not reschedule the connectors');
    }
  }

  private schedule(key: string, schedule: string): void {
    let due: Date;
    const job = CronJob.from({
      cronTime: schedule,
      timeZone: 'UTC',
      start: true,
      onTick: () => {
        // The tick is the time the run was due, the same on every instance; the job has already moved on to the next.
        const tick = due;
        due = job.nextDate().toJSDate();
        this.leader
          .runAsLeader(JOB_PREFIX + key, tick, () => this.service.runScheduled(key))
          .catch((error: unknown) => this.logger.error({ err: error, connector: key }, `Connector ${key} could not run`));
      },
    });
    due = job.nextDate().toJSDate();
    this.registry.addCronJob(JOB_PREFIX + key, job);
    this.schedules.set(key, schedule);
  }

  private unschedule(key: string): void {
    if (this.registry.doesExist('cron', JOB_PREFIX + key)) this.registry.deleteCronJob(JOB_PREFIX + key);
    this.schedules.delete(key);
  }
}

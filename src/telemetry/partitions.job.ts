import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { TelemetryRepository } from './telemetry.repository';

const MONTHS_AHEAD = 2;
const DAY_MS = 86_400_000;
export const PARTITIONS_JOB = 'telemetry:partitions';

/** Keeps monthly partitions of readings ready ahead of time, and drops the ones past retention. */
@Injectable()
export class PartitionsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartitionsJob.name);

  constructor(
    private readonly telemetry: TelemetryRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly leader: LeaderJobs,
  ) {}

  // Every instance, not only a leader: none ingests into a fresh database before this month's partition exists; a no-op when it does.
  async onApplicationBootstrap(): Promise<void> {
    await this.maintainNow(this.clock.now());
  }

  /** The daily run, on one instance; whether this one ran it. */
  @Cron(CronExpression.EVERY_DAY_AT_1AM, { name: PARTITIONS_JOB, timeZone: 'UTC' })
  maintain(): Promise<boolean> {
    const now = this.clock.now();
    return this.leader.runAsLeader(PARTITIONS_JOB, tickOf(now, DAY_MS), () => this.maintainNow(now));
  }

  private async maintainNow(now: Date): Promise<void> {
    const created = await this.telemetry.ensurePartitions(now, MONTHS_AHEAD);
    const dropped = await this.telemetry.dropPartitionsBefore(new Date(now.getTime() - this.config.readingsRetentionDays * DAY_MS));
    if (created.length || dropped.length) this.logger.log({ created, dropped }, 'Readings partitions maintained');
  }
}

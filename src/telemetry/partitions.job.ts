import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { TelemetryRepository } from './telemetry.repository';

const MONTHS_AHEAD = 2;

/** Keeps monthly partitions of readings ready ahead of time, and drops the ones past retention. */
@Injectable()
export class PartitionsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartitionsJob.name);

  constructor(
    private readonly telemetry: TelemetryRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.maintain();
  }

  @Cron(CronExpression.EVERY_DAY_AT_1AM)
  async maintain(): Promise<void> {
    const now = this.clock.now();
    const created = await this.telemetry.ensurePartitions(now, MONTHS_AHEAD);
    const dropped = await this.telemetry.dropPartitionsBefore(new Date(now.getTime() - this.config.readingsRetentionDays * 86_400_000));
    if (created.length || dropped.length) this.logger.log({ created, dropped }, 'Readings partitions maintained');
  }
}

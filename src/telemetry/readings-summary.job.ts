import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { TelemetryRepository } from './telemetry.repository';

export const READINGS_SUMMARY_JOB = 'telemetry:readings-summary';
export const READINGS_RESUMMARY_JOB = 'telemetry:readings-resummary';
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Keeps readings_client_hourly (readings per client, signal and hour, the data health dashboard's
 * ingest rate) up with readings_hourly, on one leader: every minute the last three hours, and every
 * hour the last two days, for readings that arrive late.
 */
@Injectable()
export class ReadingsSummaryJob {
  private readonly logger = new Logger(ReadingsSummaryJob.name);

  constructor(
    private readonly telemetry: TelemetryRepository,
    private readonly clock: Clock,
    private readonly leader: LeaderJobs,
  ) {}

  @Cron('15 * * * * *', { name: READINGS_SUMMARY_JOB })
  recent(): Promise<boolean> {
    return this.run(READINGS_SUMMARY_JOB, MINUTE_MS, 3);
  }

  @Cron('45 7 * * * *', { name: READINGS_RESUMMARY_JOB })
  late(): Promise<boolean> {
    return this.run(READINGS_RESUMMARY_JOB, HOUR_MS, 48);
  }

  /** Sums the hours from `since` on (the start of an hour) now, wherever it runs; the rows changed. */
  summarize(since: Date): Promise<number> {
    return this.telemetry.summarizeHours(since);
  }

  private run(job: string, everyMs: number, hours: number): Promise<boolean> {
    const now = this.clock.now();
    const since = new Date(tickOf(now, HOUR_MS).getTime() - (hours - 1) * HOUR_MS);
    return this.leader.runAsLeader(job, tickOf(now, everyMs), () => this.summarize(since)).catch((err: Error) => {
      this.logger.warn(`Summing the readings per hour failed: ${err.message}`);
      return false;
    });
  }
}

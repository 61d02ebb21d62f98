import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { PseudonymKeysService } from './pseudonym-keys.service';

export const PSEUDONYM_KEYS_JOB = 'pseudonym-keys:forget';
const MINUTE_MS = 60_000;

/** Destroys the pseudonym keys of days that are over, even when no rating asks for a new day's key. */
@Injectable()
export class PseudonymKeysJob {
  private readonly logger = new Logger(PseudonymKeysJob.name);

  constructor(
    private readonly pseudonyms: PseudonymKeysService,
    private readonly leader: LeaderJobs,
    private readonly clock: Clock,
  ) {}

  // Every instance drops its own copy of yesterday's key; deleting the shared salts is one leader's work.
  @Cron(CronExpression.EVERY_MINUTE, { name: PSEUDONYM_KEYS_JOB, timeZone: 'UTC' })
  async forgetPastDays(): Promise<void> {
    this.pseudonyms.forgetPastKey();
    try {
      let deleted = 0;
      await this.leader.runAsLeader(PSEUDONYM_KEYS_JOB, tickOf(this.clock.now(), MINUTE_MS), async () => {
        deleted = await this.pseudonyms.deletePastDays();
      });
      if (deleted) this.logger.log({ deleted }, 'Destroyed the pseudonym salts of past days');
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not destroy the pseudonym salts of past days; trying again in a minute');
    }
  }
}

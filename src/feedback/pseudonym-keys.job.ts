import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { PseudonymKeysService } from './pseudonym-keys.service';

/** Destroys the pseudonym keys of days that are over, even when no rating asks for a new day's key. */
@Injectable()
export class PseudonymKeysJob {
  private readonly logger = new Logger(PseudonymKeysJob.name);

  constructor(private readonly pseudonyms: PseudonymKeysService) {}

  // Every instance runs it, not only a leader: each must drop its own copy of yesterday's key; the deletion is idempotent.
  @Cron(CronExpression.EVERY_MINUTE, { name: 'pseudonym-keys:forget', timeZone: 'UTC' })
  async forgetPastDays(): Promise<void> {
    try {
      const deleted = await this.pseudonyms.forgetPastDays();
      if (deleted) this.logger.log({ deleted }, 'Destroyed the pseudonym salts of past days');
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not destroy the pseudonym salts of past days; trying again in a minute');
    }
  }
}

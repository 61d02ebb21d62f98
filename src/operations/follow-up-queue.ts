import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '../platform/database/database-errors';

const MAX_DELAY_MS = 30_000;

/**
 * Work that follows stored facts (incident rules, SLA marks) but must not hold up the ingest path.
 * Items are taken in order and handled together, everything pending at once, one run at a time:
 * the further behind, the larger (and cheaper per item) a run. While the database is away a run is
 * retried with backoff, so the order holds. Runs must be idempotent. What is pending when the
 * process dies is not run: the rules see the state again in the next reading, and today's SLA
 * facts are recomputed anyway.
 */
export class FollowUpQueue<T> {
  private pending: T[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly handle: (items: T[]) => Promise<unknown>,
    /** Pause after a run so the next one takes more at once: fewer statements under load, a moment later. */
    private readonly gatherMs = 250,
  ) {}

  push(items: readonly T[]): void {
    if (!items.length) return;
    this.pending.push(...items);
    this.running ??= this.work().finally(() => (this.running = undefined));
  }

  /** Resolves once everything pushed so far has been handled (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async work(): Promise<void> {
    while (this.pending.length) {
      const items = this.pending;
      this.pending = [];
      await this.run(items);
      if (this.pending.length) await new Promise((resolve) => setTimeout(resolve, this.gatherMs).unref());
    }
  }

  private async run(items: T[]): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        await this.handle(items);
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) {
          this.logger.error(`A follow-up of stored facts failed and is dropped: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}

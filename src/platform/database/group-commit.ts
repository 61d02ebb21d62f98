/**
 * Group commit: callers push items and wait; items that arrive while a batch is being committed
 * wait for the next batch, so a single writer commits everything that queued up in one transaction.
 * Durability stays per item (each promise settles only after its batch committed) while the number
 * of transactions falls as load rises. If a batch fails, its items are retried one by one so one
 * bad item cannot fail the others.
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 1_000,
    /** How long the first item of an idle queue waits for company; 0 starts at once (next turn). */
    private readonly lingerMs = 0,
  ) {}

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests of this event-loop turn (or the linger time) join the first batch.
        if (this.lingerMs > 0) setTimeout(() => void this.drain(), this.lingerMs);
        else setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.commit(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (batchError) {
        if (batch.length === 1) batch[0]?.reject(batchError);
        else await this.oneByOne(batch);
      }
    }
    this.flushing = false;
  }

  private async oneByOne(batch: typeof this.queue): Promise<void> {
    for (const b of batch) {
      try {
        const [result] = await this.commit([b.item]);
        b.resolve(result);
      } catch (error) {
        b.reject(error);
      }
    }
  }
}

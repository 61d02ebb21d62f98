/** One reading as ingest takes it: times in epoch ms. */
export interface BatchReading {
  deviceId: string;
  signal: string;
  ts: number;
  value: number;
  tag?: string;
  receivedAt: number;
  /** What the hourly sum adds: the value itself (the default), or for a counter its increment since the previous reading. */
  increment?: number;
}

/**
 * The readings of one batch, a column each, as the repository sends them to PostgreSQL. A batch
 * waits for its write while the next one is prepared: in columns it is a dozen arrays with the
 * numbers unboxed, not thousands of objects for the garbage collector to promote and sweep.
 */
export class ReadingBatch {
  readonly deviceId: string[] = [];
  readonly signal: string[] = [];
  readonly ts: number[] = [];
  readonly value: number[] = [];
  readonly tag: Array<string | null> = [];
  readonly receivedAt: number[] = [];
  readonly increment: number[] = [];

  get length(): number {
    return this.ts.length;
  }

  push(r: BatchReading): void {
    this.deviceId.push(r.deviceId);
    this.signal.push(r.signal);
    this.ts.push(r.ts);
    this.value.push(r.value);
    this.tag.push(r.tag ?? null);
    this.receivedAt.push(r.receivedAt);
    this.increment.push(r.increment ?? r.value);
  }
}

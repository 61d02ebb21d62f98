import type { ReadingBatch } from './reading-batch';

/** What one batch of readings tells about a device: when it was last heard, and its latest battery level. Pure. */
export interface HealthUpdate {
  deviceId: string;
  /** Epoch ms of the latest arrival. */
  lastSeenAt: number;
  /** The battery reading with the latest time in the batch, if any. */
  battery?: { value: number; at: number };
}

/** One update per device heard in the batch. */
export function healthUpdates(batch: ReadingBatch): HealthUpdate[] {
  const byDevice = new Map<string, HealthUpdate>();
  for (let i = 0; i < batch.length; i++) {
    const deviceId = batch.deviceId[i];
    let update = byDevice.get(deviceId);
    if (!update) byDevice.set(deviceId, (update = { deviceId, lastSeenAt: batch.receivedAt[i] }));
    else update.lastSeenAt = Math.max(update.lastSeenAt, batch.receivedAt[i]);
    if (batch.signal[i] === 'battery' && (!update.battery || batch.ts[i] > update.battery.at)) update.battery = { value: batch.value[i], at: batch.ts[i] };
  }
  return [...byDevice.values()];
}

/**
 * Keeps device_health writes to one per device per `resolutionMs` (a busy device reports many times a
 * second; "offline" is judged over minutes), but never holds back a battery reading or a device's first
 * sign of life. `forget()` after a failed write, so the next batch writes again.
 */
export class HealthThrottle {
  private readonly written = new Map<string, number>();

  constructor(private readonly resolutionMs: number) {}

  select(updates: readonly HealthUpdate[]): HealthUpdate[] {
    return updates.filter((u) => {
      const last = this.written.get(u.deviceId);
      if (!u.battery && last !== undefined && u.lastSeenAt - last < this.resolutionMs) return false;
      this.written.set(u.deviceId, Math.max(u.lastSeenAt, last ?? u.lastSeenAt));
      return true;
    });
  }

  forget(): void {
    this.written.clear();
  }
}

/** What one batch of readings tells about a device: when it was last heard, and its latest battery level. Pure. */
export interface HealthUpdate {
  deviceId: string;
  /** Epoch ms of the latest arrival. */
  lastSeenAt: number;
  /** The battery reading with the latest time in the batch, if any. */
  battery?: { value: number; at: number };
}

interface Heard {
  device: { id: string };
  signal: string;
  ts: Date;
  value: number;
  receivedAt: Date;
}

/** One update per device heard in the batch. */
export function healthUpdates(readings: Iterable<Heard>): HealthUpdate[] {
  const byDevice = new Map<string, HealthUpdate>();
  for (const r of readings) {
    let update = byDevice.get(r.device.id);
    if (!update) byDevice.set(r.device.id, (update = { deviceId: r.device.id, lastSeenAt: r.receivedAt.getTime() }));
    else update.lastSeenAt = Math.max(update.lastSeenAt, r.receivedAt.getTime());
    if (r.signal === 'battery' && (!update.battery || r.ts.getTime() > update.battery.at)) update.battery = { value: r.value, at: r.ts.getTime() };
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

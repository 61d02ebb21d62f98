import type { DeviceRef } from './decoder';
import type { KnownDevice } from './telemetry.repository';

/** A decoded message for a sink, or why it is refused (a dead letter with that reason). */
export type SinkDecoded<T> = { ok: true; item: T } | { ok: false; reason: string; detail: string };

/**
 * Messages on `{prefix}/{site}/{zone}/{device}/{level}` that another module stores (service events
 * for operations), taken in through the same spool as readings: durable before the PUBACK, stored
 * before the checkpoint moves, retried from it while the database is away. `store` must be
 * idempotent (a replay after a crash stores the same items again).
 */
export interface DeviceMessageSink<T> {
  /** For an active device of the catalog; times are judged against the message's arrival. */
  decode(device: KnownDevice & { ref: DeviceRef }, payload: Buffer, receivedAt: Date): SinkDecoded<T>;
  store(items: T[]): Promise<void>;
}

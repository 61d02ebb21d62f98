import { Injectable } from '@nestjs/common';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { Clock } from '../clock';

export const OLDEST_UNSTORED_GAUGE = 'xla_ingest_oldest_unstored_seconds';

/** Acknowledged MQTT messages not yet stored, as their holder sees them. */
export interface BacklogSource {
  bytes(): number;
  /** Arrival time (epoch ms) of the oldest message held and not yet stored; undefined when none waits. */
  oldestAt(): number | undefined;
}

/** Acknowledged MQTT messages not yet stored, by whoever holds them; /health and /metrics report the sum and the oldest. */
@Injectable()
export class MqttBacklog {
  private readonly sources = new Map<string, BacklogSource>();

  register(name: string, source: BacklogSource): void {
    this.sources.set(name, source);
  }

  bytes(): number {
    let total = 0;
    for (const source of this.sources.values()) total += source.bytes();
    return total;
  }

  /** Seconds since the oldest acknowledged message that is not stored yet arrived; 0 when nothing waits. */
  oldestAgeSeconds(now: number): number {
    let oldest: number | undefined;
    for (const source of this.sources.values()) {
      const at = source.oldestAt();
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    return oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1_000);
  }
}

/** The gauge reads the backlog when scraped, so it is current even while the ingest loop waits to retry. */
export const oldestUnstoredGaugeProvider = makeGaugeProvider({
  name: OLDEST_UNSTORED_GAUGE,
  help: 'Age in seconds of the oldest acknowledged MQTT message not yet committed to the database (0: none waiting)',
  inject: [MqttBacklog, Clock],
  collect(this: Gauge<string>, backlog: MqttBacklog, clock: Clock) {
    this.set(backlog.oldestAgeSeconds(clock.now().getTime()));
  },
});

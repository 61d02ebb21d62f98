import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { IngestService } from '../telemetry/ingest.service';
import type { ReadingBatch } from '../telemetry/reading-batch';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { IncidentsRepository } from './incidents.repository';
import { sensorState, type SensorState } from './sensor-rules';

/**
 * Sensor rules: a soap or paper dispenser running out, a full bin or a leak opens an incident (or
 * joins the zone's open one of that category); the reading that shows it put right resolves it.
 * Only changes of state reach the database: a dispenser reporting 60 % every 15 minutes costs a map
 * lookup. Both actions are idempotent, so a batch retried after a failure does no harm.
 */
@Injectable()
export class SensorIncidentsService implements OnModuleInit {
  /** The last state per device and signal; unknown after a start, when the first good reading resolves (a no-op if nothing is open). */
  private readonly last = new LRUCache<string, SensorState>({ max: 200_000 });

  constructor(
    private readonly ingest: IngestService,
    private readonly incidents: IncidentsRepository,
  ) {}

  onModuleInit(): void {
    this.ingest.onReadingsStored((readings, deviceOf) => this.apply(readings, deviceOf));
  }

  async apply(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Promise<void> {
    // In time order, so a level that ran out and was refilled within one batch ends resolved.
    const order = [...readings.ts.keys()].filter((i) => sensorState(readings.signal[i], readings.value[i]) !== undefined).sort((a, b) => readings.ts[a] - readings.ts[b]);
    for (const i of order) {
      const { rule, state } = sensorState(readings.signal[i], readings.value[i])!;
      const key = `${readings.deviceId[i]}/${readings.signal[i]}`;
      if (this.last.get(key) === state) continue;
      const device = deviceOf(readings.deviceId[i]);
      if (!device) continue;
      const at = new Date(readings.ts[i]);
      if (state === 'bad') {
        const { policy } = await this.incidents.zonePolicy(device.zoneId);
        await this.incidents.openFromSensor({ clientId: device.clientId, siteId: device.siteId, zoneId: device.zoneId, policy }, rule.category, at);
      } else {
        await this.incidents.autoResolve(device.clientId, device.zoneId, [rule.category], at, `sensor:${readings.signal[i]}`);
      }
      this.last.set(key, state);
    }
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { IncidentCategory, IncidentPolicy } from '../catalog/catalog.types';
import { IngestService } from '../telemetry/ingest.service';
import type { ReadingBatch } from '../telemetry/reading-batch';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { IncidentsRepository } from './incidents.repository';
import { sensorState, type SensorState } from './sensor-rules';
import { SlaFactsService } from './sla-facts.service';

/** How long a zone's contract policy is reused before it is read again (a contract sync changes it). */
const POLICY_TTL_MS = 60_000;

interface Transition {
  device: KnownDevice;
  signal: string;
  category: IncidentCategory;
  state: SensorState;
  at: Date;
}

/**
 * Sensor rules: a soap or paper dispenser running out, a full bin or a leak opens an incident (or
 * joins the zone's open one of that category); the reading that shows it put right resolves it.
 * Only changes of state reach the database, a batch's in a few set-based statements: its changes
 * go in rounds (the first change of each zone and category, then the second, …), each round one
 * INSERT for the openings and one UPDATE for the resolutions, so the order within a zone holds.
 * Both are idempotent, so a batch retried after a failure does no harm.
 */
@Injectable()
export class SensorIncidentsService implements OnModuleInit {
  /** The last state per device and signal; unknown after a start, when the first good reading resolves (a no-op if nothing is open). */
  private readonly last = new LRUCache<string, SensorState>({ max: 200_000 });
  private readonly policies = new LRUCache<string, { siteId: string; policy: IncidentPolicy }>({ max: 50_000, ttl: POLICY_TTL_MS });

  constructor(
    private readonly ingest: IngestService,
    private readonly incidents: IncidentsRepository,
    private readonly slaFacts: SlaFactsService,
  ) {}

  onModuleInit(): void {
    this.ingest.onReadingsStored((readings, deviceOf) => this.apply(readings, deviceOf));
  }

  async apply(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Promise<void> {
    try {
      await this.store(this.roundsOf(this.transitions(readings, deviceOf)));
    } catch (error) {
      // The batch is retried: its changes must be seen as changes again.
      this.last.clear();
      throw error;
    }
  }

  private async store(rounds: Transition[][]): Promise<void> {
    for (const round of rounds) {
      const opening = round.filter((t) => t.state === 'bad');
      const withPolicy = await Promise.all(opening.map(async (t) => ({ t, policy: (await this.policyOf(t.device.zoneId)).policy })));
      await this.incidents.openFromSensors(withPolicy.map(({ t, policy }) => ({ clientId: t.device.clientId, siteId: t.device.siteId, zoneId: t.device.zoneId, category: t.category, policy, at: t.at })));
      const resolved = await this.incidents.autoResolve(
        round.filter((t) => t.state === 'good').map((t) => ({ clientId: t.device.clientId, zoneId: t.device.zoneId, category: t.category, at: t.at, by: `sensor:${t.signal}` })),
      );
      await this.slaFacts.mark(resolved.map((r) => ({ clientId: r.clientId, zoneId: r.zoneId, at: r.openedAt })));
    }
  }

  /** The changes of state in a batch, in time order; the remembered state moves with them. */
  private transitions(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Transition[] {
    const order = [...readings.ts.keys()].filter((i) => sensorState(readings.signal[i], readings.value[i]) !== undefined).sort((a, b) => readings.ts[a] - readings.ts[b]);
    const changes: Transition[] = [];
    for (const i of order) {
      const { rule, state } = sensorState(readings.signal[i], readings.value[i])!;
      const key = `${readings.deviceId[i]}/${readings.signal[i]}`;
      if (this.last.get(key) === state) continue;
      this.last.set(key, state);
      const device = deviceOf(readings.deviceId[i]);
      if (device) changes.push({ device, signal: readings.signal[i], category: rule.category, state, at: new Date(readings.ts[i]) });
    }
    return changes;
  }

  /** Round k holds the k-th change of each zone and category: within a round, one per incident. */
  private roundsOf(changes: Transition[]): Transition[][] {
    const rounds: Transition[][] = [];
    const seen = new Map<string, number>();
    for (const change of changes) {
      const key = `${change.device.zoneId}/${change.category}`;
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      (rounds[k] ??= []).push(change);
    }
    return rounds;
  }

  private async policyOf(zoneId: string): Promise<{ siteId: string; policy: IncidentPolicy }> {
    let found = this.policies.get(zoneId);
    if (!found) this.policies.set(zoneId, (found = await this.incidents.zonePolicy(zoneId)));
    return found;
  }
}

import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { IncidentCategory, IncidentPolicy } from '../catalog/catalog.types';
import { IngestService } from '../telemetry/ingest.service';
import type { ReadingBatch } from '../telemetry/reading-batch';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { FollowUpQueue } from './follow-up-queue';
import { IncidentsRepository } from './incidents.repository';
import { sensorState, type SensorState } from './sensor-rules';
import { SlaFactsService } from './sla-facts.service';
import { groupBy } from '../platform/group-by';

/** How long a zone's contract policy is reused before it is read again (a contract sync changes it). */
const POLICY_TTL_MS = 60_000;

export interface Transition {
  device: KnownDevice;
  signal: string;
  category: IncidentCategory;
  state: SensorState;
  at: Date;
}

/**
 * What a run of changes of state does to one zone's incidents of one category, in order: the first
 * "bad" opens (or joins) the open incident; the first "good" resolves the open one; each later bad
 * and good pair is an incident opened and put right in between; a bad left at the end opens one.
 * Pure: so a sensor that flaps costs the same few statements however often it flapped.
 */
export function netEffect(all: readonly Transition[]): { open?: Transition; resolve?: Transition; closed: Array<[Transition, Transition]>; openAtEnd?: Transition } {
  // Two dispensers of a zone report one incident: a second "bad" while it is open changes nothing.
  const changes = all.filter((c, i) => i === 0 || c.state !== all[i - 1].state);
  const effect: ReturnType<typeof netEffect> = { closed: [] };
  let i = 0;
  if (changes[i]?.state === 'bad') effect.open = changes[i++];
  if (changes[i]?.state === 'good') effect.resolve = changes[i++];
  // After the first resolution, changes alternate: bad, good, bad, good, …
  for (; i + 1 < changes.length; i += 2) effect.closed.push([changes[i], changes[i + 1]]);
  if (i < changes.length) effect.openAtEnd = changes[i];
  return effect;
}

/**
 * Sensor rules: a soap or paper dispenser running out, a full bin or a leak opens an incident (or
 * joins the zone's open one of that category); the reading that shows it put right resolves it.
 * Only changes of state reach the database, off the ingest path (a follow-up queue that takes
 * everything pending at once), in three set-based statements per run whatever the number of
 * changes. All idempotent but the incidents opened and closed within one run.
 */
@Injectable()
export class SensorIncidentsService implements OnModuleInit, BeforeApplicationShutdown {
  /** The last state per device and signal; unknown after a start, when the first good reading resolves (a no-op if nothing is open). */
  private readonly last = new LRUCache<string, SensorState>({ max: 200_000 });
  private readonly policies = new LRUCache<string, { siteId: string; policy: IncidentPolicy }>({ max: 50_000, ttl: POLICY_TTL_MS });
  private readonly queue = new FollowUpQueue<Transition>(new Logger(SensorIncidentsService.name), (changes) => this.store(changes));

  constructor(
    private readonly ingest: IngestService,
    private readonly incidents: IncidentsRepository,
    private readonly slaFacts: SlaFactsService,
  ) {}

  onModuleInit(): void {
    this.ingest.onReadingsStored((readings, deviceOf) => this.apply(readings, deviceOf));
  }

  /** Takes a stored batch's changes of state in order; the incidents follow shortly after. */
  apply(readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined): Promise<void> {
    this.queue.push(this.transitions(readings, deviceOf));
    return Promise.resolve();
  }

  /** For tests and shutdown: the incidents of every batch taken so far are in the database. */
  settled(): Promise<void> {
    return this.queue.drain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.drain();
  }

  private async store(changes: readonly Transition[]): Promise<void> {
    const byIncident = groupBy(changes, (change) => `${change.device.zoneId}/${change.category}`);
    const effects = [...byIncident.values()].map(netEffect);
    const opening = async (t: Transition) => ({ clientId: t.device.clientId, siteId: t.device.siteId, zoneId: t.device.zoneId, category: t.category, policy: (await this.policyOf(t.device.zoneId)).policy, at: t.at });
    const resolving = (t: Transition) => ({ clientId: t.device.clientId, zoneId: t.device.zoneId, category: t.category, at: t.at, by: `sensor:${t.signal}` });

    await this.incidents.insertFromSensors(await Promise.all(effects.flatMap((e) => (e.open ? [opening(e.open)] : []))));
    const resolved = await this.incidents.autoResolve(effects.flatMap((e) => (e.resolve ? [resolving(e.resolve)] : [])));
    // Incidents opened and put right within the run, and the ones left open at its end: one statement.
    const closed = await this.incidents.insertFromSensors(
      await Promise.all([
        ...effects.flatMap((e) => e.closed.map(async ([bad, good]) => ({ ...(await opening(bad)), resolved: { at: good.at, by: `sensor:${good.signal}` } }))),
        ...effects.flatMap((e) => (e.openAtEnd ? [opening(e.openAtEnd)] : [])),
      ]),
    );
    await this.slaFacts.mark([...resolved, ...closed].map((r) => ({ clientId: r.clientId, zoneId: r.zoneId, at: r.openedAt })));
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

  private async policyOf(zoneId: string): Promise<{ siteId: string; policy: IncidentPolicy }> {
    let found = this.policies.get(zoneId);
    if (!found) this.policies.set(zoneId, (found = await this.incidents.zonePolicy(zoneId)));
    return found;
  }
}

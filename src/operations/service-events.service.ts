import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { scrubPersonalData } from '../feedback/pii-scrubber';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { IngestService } from '../telemetry/ingest.service';
import type { DeviceMessageSink, SinkDecoded } from '../telemetry/message-sink';
import type { KnownDevice } from '../telemetry/telemetry.repository';
import { FollowUpQueue } from './follow-up-queue';
import { IncidentsService } from './incidents.service';
import { SlaFactsService } from './sla-facts.service';
import { derivedEventId, eventTimeProblem, serviceEventFields, type EventTimeRules, type ServiceEventFields } from './service-event';
import { ServiceEventsRepository, type ServiceEventRow } from './service-events.repository';

/** The MQTT topic level of service events: `{prefix}/{site}/{zone}/{device}/event`. */
export const EVENT_LEVEL = 'event';
/** Device clocks may run this far ahead, as for readings. */
const MAX_FUTURE_MS = 30_000;
const MAX_PAYLOAD_BYTES = 16 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface ServiceEventView {
  id: string;
  zone: string;
  kind: ServiceEventRow['kind'];
  tag: string;
  ts: Date;
  consumable: ServiceEventRow['consumable'];
  score: number | null;
  passed: boolean | null;
  note: string | null;
  source: ServiceEventRow['source'];
  receivedAt: Date;
}

/**
 * Service events: what the provider did in a zone. Over HTTP from staff tools, over MQTT from
 * check-in readers and handhelds (through telemetry's spool: durable before the PUBACK). Stored once
 * per id; an MQTT event without one gets an id from what it says, so a redelivery is no second event.
 */
@Injectable()
export class ServiceEventsService implements OnModuleInit, BeforeApplicationShutdown, DeviceMessageSink<ServiceEventRow> {
  private readonly followUps = new FollowUpQueue<ServiceEventRow>(new Logger(ServiceEventsService.name), (events) => this.afterStored(events));

  constructor(
    private readonly events: ServiceEventsRepository,
    private readonly catalog: CatalogService,
    private readonly ingest: IngestService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly incidents: IncidentsService,
    private readonly slaFacts: SlaFactsService,
  ) {}

  onModuleInit(): void {
    this.ingest.routeLevel(EVENT_LEVEL, this);
  }

  /** An MQTT event of an active device, in that device's zone. */
  decode(device: KnownDevice, payload: Buffer, receivedAt: Date): SinkDecoded<ServiceEventRow> {
    if (payload.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'malformed', detail: `an event is at most ${MAX_PAYLOAD_BYTES} bytes, got ${payload.length}` };
    let json: unknown;
    try {
      json = JSON.parse(UTF8.decode(payload));
    } catch {
      return { ok: false, reason: 'malformed', detail: 'an event is a JSON object: {"kind": "checkin" | "refill" | "inspection", "tag": …, "ts": …}' };
    }
    const parsed = serviceEventFields.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: issue.path[0] === 'kind' ? 'unknown_kind' : 'malformed', detail: `${issue.path.join('.') || 'event'}: ${issue.message}` };
    }
    const problem = eventTimeProblem(parsed.data.ts, this.timeRules(receivedAt));
    if (problem) return { ok: false, ...problem };
    return { ok: true, item: this.row(parsed.data, { clientId: device.clientId, siteId: device.siteId, zoneId: device.zoneId, deviceId: device.id }, receivedAt, 'mqtt') };
  }

  async store(items: ServiceEventRow[]): Promise<void> {
    await this.events.insert(items);
    // Off the ingest path; all of them, not only the new ones (a redelivery changes nothing: resolving is idempotent).
    this.followUps.push(items);
  }

  /** For tests and shutdown: what events stored so far put right is in the database. */
  settled(): Promise<void> {
    return this.followUps.drain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.followUps.drain();
  }

  /** Events put right what they fix: a refill or check-in resolves its zone's matching incidents opened before it. */
  private async afterStored(events: readonly ServiceEventRow[]): Promise<void> {
    await this.incidents.staffActed(events);
    await this.slaFacts.mark(events.map((e) => ({ clientId: e.clientId, zoneId: e.zoneId, at: e.ts })));
  }

  /** An event from a staff tool; `created` is false when an event with this id was stored before (a retry). */
  async record(who: Principal, body: ServiceEventFields & { zone: string }): Promise<{ event: ServiceEventView; created: boolean }> {
    const { zone: zoneRef, ...fields } = body;
    const [zone] = await this.catalog.zonesWithPlans(who, { zone: zoneRef });
    const receivedAt = this.clock.now();
    const problem = eventTimeProblem(fields.ts, this.timeRules(receivedAt));
    if (problem) throw new DomainException(ErrorCode.Validation, 'The event is not valid.', [{ field: 'ts', message: problem.detail }]);
    const row = this.row(fields, { clientId: zone.clientId, siteId: zone.siteId, zoneId: zone.id, deviceId: null }, receivedAt, 'api');
    const created = (await this.events.insert([row])).has(row.eventId);
    if (created) await this.afterStored([row]);
    const stored = (await this.events.find(zone.clientId, row.eventId))!;
    if (stored.zoneId !== zone.id) throw new DomainException(ErrorCode.Conflict, `Event ${row.eventId} was stored before for another zone.`);
    return { event: view(zone.ref, stored), created };
  }

  private timeRules(receivedAt: Date): EventTimeRules {
    return { receivedAt, maxAgeMs: this.config.readingMaxAgeMs, maxFutureMs: MAX_FUTURE_MS };
  }

  private row(e: ServiceEventFields, where: Pick<ServiceEventRow, 'clientId' | 'siteId' | 'zoneId' | 'deviceId'>, receivedAt: Date, source: ServiceEventRow['source']): ServiceEventRow {
    return {
      ...where,
      eventId: e.id ?? derivedEventId(where.deviceId ?? where.zoneId, e),
      kind: e.kind,
      tag: e.tag,
      consumable: e.consumable ?? null,
      score: e.score ?? null,
      passed: e.passed ?? null,
      // Staff notes may name people or carry numbers: scrubbed like occupants' comments.
      note: e.note === undefined ? null : scrubPersonalData(e.note),
      ts: e.ts,
      receivedAt,
      source,
    };
  }
}

function view(zone: string, r: ServiceEventRow): ServiceEventView {
  return { id: r.eventId, zone, kind: r.kind, tag: r.tag, ts: r.ts, consumable: r.consumable, score: r.score, passed: r.passed, note: r.note, source: r.source, receivedAt: r.receivedAt };
}

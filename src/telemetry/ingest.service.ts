import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { join } from 'node:path';
import type { Counter, Gauge } from 'prom-client';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { DeadLettersRepository, type DeadLetter } from '../platform/mqtt/dead-letters.repository';
import { MqttBacklog } from '../platform/mqtt/mqtt-backlog';
import { MqttService } from '../platform/mqtt/mqtt.service';
import { LRUCache } from 'lru-cache';
import { counterDelta } from './counter';
import { decodeMessage, parseTopic, type DeviceRef } from './decoder';
import { HealthThrottle, healthUpdates, type HealthUpdate } from './device-health';
import { decodeRecord, encodeRecord, type IngestRecord } from './ingest-record';
import type { DeviceMessageSink } from './message-sink';
import { isDatabaseUnavailable, storageRefusal } from '../platform/database/database-errors';
import { Spool } from './spool';
import { ReadingBatch } from './reading-batch';
import { TelemetryRepository, type KnownDevice } from './telemetry.repository';
import { appendTo } from '../platform/group-by';

export const READINGS_COUNTER = 'xla_readings_stored_total';
export const INGEST_BACKLOG_GAUGE = 'xla_ingest_backlog_bytes';
export const ingestMetricProviders = [
  makeCounterProvider({ name: READINGS_COUNTER, help: 'Sensor readings stored (redeliveries not counted)' }),
  makeGaugeProvider({ name: INGEST_BACKLOG_GAUGE, help: 'Bytes of acknowledged MQTT messages not yet committed to the database' }),
];

const BATCH_MAX = 3_000;
const COUNTER_SIGNAL = 'people_count';
/** A reading waits at most this long for its batch. */
const FLUSH_MS = 250;
const MAX_RETRY_MS = 5_000;
/** How often the device directory is read again (and at most how often an unknown device triggers a re-read). */
const DIRECTORY_TTL_MS = 30_000;
const DIRECTORY_MISS_MS = 5_000;
/** A device's last_seen_at is written at most this often (a battery reading always is). */
const HEALTH_RESOLUTION_MS = 15_000;

/** "siteKey/zoneKey/deviceKey", the device directory's key; built once per topic, as the decoder hands back one DeviceRef per topic. */
const topicPaths = new WeakMap<DeviceRef, string>();
function pathOf(at: DeviceRef): string {
  let path = topicPaths.get(at);
  if (path === undefined) topicPaths.set(at, (path = `${at.siteKey}/${at.zoneKey}/${at.deviceKey}`));
  return path;
}

/** Readings just stored, and the device (client, site, zone) of each. */
export type ReadingsListener = (readings: ReadingBatch, deviceOf: (id: string) => KnownDevice | undefined) => Promise<void>;

interface Prepared {
  readings: ReadingBatch;
  rejected: DeadLetter[];
  health: HealthUpdate[];
  /** Items for other modules' sinks (service events), by sink. */
  routed: Map<DeviceMessageSink<unknown>, unknown[]>;
}

/**
 * Sensor ingest. mqtt.js hands over one message at a time and sends its PUBACK when we return, so
 * we return as soon as the message is appended to the local spool, and do the database work behind
 * it. The spool is written once per turn of the event loop, before that turn's PUBACKs leave
 * (MqttService holds them back to then), so an acknowledged message survives a crash. Behind it, a
 * single loop reads the spool in batches, decodes, stores readings and dead letters, and only then
 * moves the spool's checkpoint. If PostgreSQL is away the spool grows on disk, memory stays bounded
 * by one batch, and the loop retries with backoff.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private spool!: Spool;
  private devices = new Map<string, KnownDevice>();
  private readonly sinks = new Map<string, DeviceMessageSink<unknown>>();
  private readonly storedListeners: ReadingsListener[] = [];
  private devicesById = new Map<string, KnownDevice>();
  private devicesReadAt = 0;
  private readonly lastCounter = new LRUCache<string, number>({ max: 100_000 });
  private readonly healthThrottle = new HealthThrottle(HEALTH_RESOLUTION_MS);
  private stopping = false;
  /** Arrival of the oldest message read from the spool and not yet committed (undefined: none waiting). */
  private oldestUnstoredAt?: number;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly mqtt: MqttService,
    private readonly mqttBacklog: MqttBacklog,
    private readonly telemetry: TelemetryRepository,
    private readonly deadLetters: DeadLettersRepository,
    private readonly clock: Clock,
    @InjectMetric(READINGS_COUNTER) private readonly stored: Counter<string>,
    @InjectMetric(INGEST_BACKLOG_GAUGE) private readonly backlog: Gauge<string>,
  ) {}

  onModuleInit(): void {
    this.spool = Spool.open(join(this.config.dataDir, 'spool'), { fsyncMs: 50 });
    this.mqttBacklog.register('telemetry', { bytes: () => this.spool.backlogBytes, oldestAt: () => this.oldestUnstoredAt });
    this.mqtt.subscribe(`${this.config.mqttTopicPrefix}/+/+/+/+`, (topic, payload) => this.accept(topic, payload));
    // Messages are appended to the spool in memory and written once per turn of the event loop, before their PUBACKs leave.
    this.mqtt.beforeAcknowledging(() => this.spool.flush());
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.spool.close();
  }

  /**
   * Hands the messages of one topic level (`…/{device}/event`) to another module, with the same
   * durability as readings; registered before the application starts.
   */
  routeLevel<T>(level: string, sink: DeviceMessageSink<T>): void {
    this.sinks.set(level, sink);
  }

  /**
   * Called with every batch once its readings are stored, before the checkpoint moves (so a failed
   * listener retries the batch: it must be idempotent); for rules that act on readings (incidents).
   */
  onReadingsStored(listener: ReadingsListener): void {
    this.storedListeners.push(listener);
  }

  /** The MQTT handler (synchronous): durable once the spool is flushed, which MqttService does before the PUBACK goes. Ratings have a subscriber of their own. */
  private accept(topic: string, payload: Buffer): void {
    if (topic.endsWith('/rating')) return;
    this.spool.append(encodeRecord({ topic, payload, receivedAt: this.clock.now() }));
    this.wake?.();
  }

  /**
   * Reads the spool a batch at a time: decode, store, then move the checkpoint past it. One batch at a
   * time on purpose: while PostgreSQL stores it, the event loop takes in MQTT messages, and two inserts
   * at once into the same pages cost PostgreSQL twice the CPU (measured); holding a second batch
   * ready only added memory.
   */
  private async run(): Promise<void> {
    let delay = 100;
    while (!this.stopping) {
      try {
        const { records, end } = this.spool.read(BATCH_MAX);
        this.backlog.set(this.spool.backlogBytes);
        if (!records.length) {
          this.oldestUnstoredAt = undefined;
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, FLUSH_MS).unref();
          });
          continue;
        }
        this.oldestUnstoredAt ??= decodeRecord(records[0]).receivedAt.getTime();
        await this.store(records);
        this.spool.commit(end);
        this.oldestUnstoredAt = undefined;
        delay = 100;
      } catch (error) {
        this.logger.warn(`Storing readings failed, retrying from the last checkpoint in ${delay} ms: ${(error as Error).message}`);
        this.spool.rewind();
        this.forgetProgress();
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  /**
   * Stores a batch. Only a database that is away stops the loop (the caller retries from the
   * checkpoint); a batch whose data the database refuses is stored in halves, down to the one
   * message it refuses, which becomes a dead letter with the database's reason.
   */
  private async store(records: readonly Buffer[]): Promise<void> {
    try {
      await this.write(await this.prepare(records));
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      this.forgetProgress();
      if (records.length > 1) {
        const half = records.length >>> 1;
        await this.store(records.slice(0, half));
        await this.store(records.slice(half));
        return;
      }
      const { topic, payload } = decodeRecord(records[0]);
      const detail = storageRefusal(error);
      this.logger.warn(`A message on ${JSON.stringify(topic)} was refused by storage; dead-lettered: ${detail}`);
      await this.deadLetters.recordMany([{ topic, payload, reason: 'storage_rejected', detail }]);
    }
  }

  /** After a failed write: counters continue from what is stored, and device health is written again. */
  private forgetProgress(): void {
    this.lastCounter.clear();
    this.healthThrottle.forget();
  }

  /** Decodes a batch, checks each message against the device directory, and counts counter increments in spool order. */
  private async prepare(records: readonly Buffer[]): Promise<Prepared> {
    await this.refreshDevices(false);
    const readings = new ReadingBatch();
    const rejected: DeadLetter[] = [];
    const { mqttTopicPrefix: prefix, readingMaxAgeMs: maxAgeMs } = this.config;
    const refuse = (record: IngestRecord, at: DeviceRef | undefined, device: KnownDevice | undefined, reason: string, detail: string) =>
      rejected.push({ topic: record.topic, payload: record.payload, reason, detail, clientId: device?.clientId, siteId: device?.siteId, deviceRef: at && `${at.siteKey}.${at.deviceKey}` });
    const routed = new Map<DeviceMessageSink<unknown>, unknown[]>();
    for (const frame of records) {
      const record = decodeRecord(frame);
      const sink = this.sinks.size ? this.sinkOf(record.topic) : undefined;
      if (sink) {
        const { ref, device } = await this.deviceOf(sink.ref);
        if (!device) {
          refuse(record, ref, device, 'unknown_device', `no active device "${ref.deviceKey}" in ${ref.siteKey}/${ref.zoneKey}`);
          continue;
        }
        const decoded = sink.sink.decode({ ...device, ref }, record.payload, record.receivedAt);
        if (!decoded.ok) refuse(record, ref, device, decoded.reason, decoded.detail);
        else appendTo(routed, sink.sink, decoded.item);
        continue;
      }
      // Times are judged against arrival, not now: a backlog replayed after an outage is still on time.
      const decoded = decodeMessage(record.topic, record.payload, { prefix, receivedAt: record.receivedAt, maxAgeMs });
      const at = decoded.device;
      const path = at && pathOf(at);
      let device = path ? this.devices.get(path) : undefined;
      if (path && !device && (await this.refreshDevices(true))) device = this.devices.get(path);
      if (!decoded.ok) {
        refuse(record, at, device, decoded.reason, decoded.detail);
        continue;
      }
      if (!device) {
        refuse(record, at, device, 'unknown_device', `no active device "${decoded.device.deviceKey}" in ${decoded.device.siteKey}/${decoded.device.zoneKey}`);
        continue;
      }
      const { id: deviceId, signals } = device;
      const undeclared = decoded.readings.find((r) => !signals.includes(r.signal));
      if (undeclared) {
        refuse(record, at, device, 'undeclared_signal', `device ${decoded.device.siteKey}.${decoded.device.deviceKey} does not declare the signal ${undeclared.signal} (it declares ${signals.join(', ')})`);
        continue;
      }
      const receivedAt = record.receivedAt.getTime();
      for (const r of decoded.readings) readings.push({ deviceId, signal: r.signal, ts: r.ts.getTime(), value: r.value, tag: r.tag, receivedAt });
    }
    await this.countIncrements(readings);
    const health = this.healthThrottle.select(healthUpdates(readings));
    return { readings, rejected, health, routed };
  }

  /** The sink for a topic's last level, with the device it names; undefined for readings (and bad topics, which the decoder explains). */
  private sinkOf(topic: string): { sink: DeviceMessageSink<unknown>; ref: DeviceRef } | undefined {
    const parsed = parseTopic(topic, this.config.mqttTopicPrefix);
    if (!('level' in parsed)) return undefined;
    const sink = this.sinks.get(parsed.level);
    return sink && { sink, ref: parsed.device };
  }

  private async deviceOf(ref: DeviceRef): Promise<{ ref: DeviceRef; device: KnownDevice | undefined }> {
    const path = pathOf(ref);
    let device = this.devices.get(path);
    if (!device && (await this.refreshDevices(true))) device = this.devices.get(path);
    return { ref, device };
  }

  private async write({ readings, rejected, health, routed }: Prepared): Promise<void> {
    const [fresh] = await Promise.all([
      readings.length || health.length ? this.telemetry.insertReadings(readings, health) : 0,
      this.deadLetters.recordMany(rejected),
      ...[...routed].map(([sink, items]) => sink.store(items)),
    ]);
    this.stored.inc(fresh);
    for (const listener of this.storedListeners) if (readings.length) await listener(readings, (id) => this.devicesById.get(id));
  }

  /**
   * people_count is a running counter: its hourly sum is the increments, with resets and wrap-around
   * (counterDelta), counted in spool order as batches are prepared; a failed batch clears the memory.
   */
  private async countIncrements(batch: ReadingBatch): Promise<void> {
    const counted: number[] = [];
    for (let i = 0; i < batch.length; i++) if (batch.signal[i] === COUNTER_SIGNAL) counted.push(i);
    if (!counted.length) return;
    counted.sort((a, b) => batch.ts[a] - batch.ts[b]);
    const unknown = [...new Set(counted.map((i) => batch.deviceId[i]))].filter((id) => !this.lastCounter.has(id));
    for (const [id, value] of await this.telemetry.lastCounterValues(unknown, COUNTER_SIGNAL)) this.lastCounter.set(id, value);
    for (const i of counted) {
      const id = batch.deviceId[i];
      batch.increment[i] = counterDelta(this.lastCounter.get(id), batch.value[i]);
      this.lastCounter.set(id, batch.value[i]);
    }
  }

  /** Re-reads the device directory when it is old, or (forced) on an unknown device at most every few seconds. */
  private async refreshDevices(force: boolean): Promise<boolean> {
    const age = Date.now() - this.devicesReadAt;
    if (age < (force ? DIRECTORY_MISS_MS : DIRECTORY_TTL_MS)) return false;
    this.devices = await this.telemetry.devicesByTopicPath();
    this.devicesById = new Map([...this.devices.values()].map((d) => [d.id, d]));
    this.devicesReadAt = Date.now();
    return true;
  }
}

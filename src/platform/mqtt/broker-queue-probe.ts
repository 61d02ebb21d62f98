import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { AppConfig } from '../config/app-config';
import { MqttService } from './mqtt.service';
import { queueProbeVerdict, type QueueProbeResult } from './queue-probe-verdict';

/** More than Mosquitto's default max_queued_messages (1000) and in-flight window (20) together. */
export const QUEUE_PROBE_MESSAGES = 1_500;
const VERSION_TOPIC = '$SYS/broker/version';
const MAX_COUNT_MS = 30_000;
const UNCHECKED = 'Could not check how many messages the MQTT broker queues for an offline session';

export interface QueueProbeOptions {
  /** The probe's own session; never the service's, which the probe's clean connects would end. */
  clientId: string;
  topic: string;
  messages?: number;
  /** How long to wait for more after the last message came back (or since the reconnect). */
  quietMs?: number;
  /** Ends the probe at once (shutdown); it then rejects. */
  signal?: AbortSignal;
}

/**
 * Asks the broker to queue `messages` QoS 1 messages for an offline persistent session of the probe's
 * own and counts how many it delivers on reconnecting; then ends that session with a clean connect.
 */
export async function probeBrokerQueue(url: string, options: QueueProbeOptions): Promise<QueueProbeResult> {
  const { clientId, topic, messages = QUEUE_PROBE_MESSAGES, quietMs = 2_000, signal } = options;
  const clients = new Set<MqttClient>();
  const endAll = () => clients.forEach((client) => client.end(true));
  signal?.addEventListener('abort', endAll);
  const step = <T>(promise: Promise<T>) => abortable(promise, signal);
  const connect = (extra: IClientOptions, onMessage?: (topic: string, payload: Buffer) => void) =>
    step(
      new Promise<MqttClient>((resolve, reject) => {
        const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000, log: () => undefined, ...extra });
        clients.add(client);
        if (onMessage) client.on('message', onMessage);
        client.once('connect', () => resolve(client));
        client.on('error', reject);
        client.on('close', () => reject(new Error('the connection to the MQTT broker closed')));
      }),
    );

  let brokerVersion: string | undefined;
  let roundTrip = false;
  const seen = new Set<string>();
  let check: Wait | undefined;
  let count: Wait | undefined;
  try {
    // A clean session first: it ends whatever an interrupted probe left under this id; the topic must round-trip.
    const first = await connect({ clientId, clean: true }, (from, payload) => {
      if (from === VERSION_TOPIC) brokerVersion = payload.toString();
      else if (from === topic) roundTrip = true;
      check?.poke();
    });
    await step(first.subscribeAsync({ [VERSION_TOPIC]: { qos: 0 }, [topic]: { qos: 1 } }));
    await step(first.publishAsync(topic, 'round-trip', { qos: 1 }));
    await step((check = new Wait(() => roundTrip, quietMs, quietMs)).done);
    await step(first.endAsync());
    if (!roundTrip) return { roundTrip, sent: 0, received: 0, brokerVersion };

    // The persistent session the broker must queue for, then away.
    const second = await connect({ clientId, clean: false });
    await step(second.subscribeAsync(topic, { qos: 1 }));
    await step(second.endAsync());

    const publisher = await connect({ clientId: `${clientId}-pub`, clean: true });
    await step(Promise.all(Array.from({ length: messages }, (_, i) => publisher.publishAsync(topic, String(i), { qos: 1 }))));
    await step(publisher.endAsync());

    // Back: count what the broker kept.
    const third = await connect({ clientId, clean: false }, (from, payload) => {
      if (from === topic) seen.add(payload.toString());
      count?.poke();
    });
    await step((count = new Wait(() => seen.size >= messages, quietMs, MAX_COUNT_MS)).done);
    await step(third.endAsync());
    return { roundTrip, sent: messages, received: seen.size, brokerVersion };
  } finally {
    check?.settle();
    count?.settle();
    endAll();
    // A session left behind would queue forever. At shutdown the next start's probe ends it instead.
    if (!signal?.aborted) await connect({ clientId, clean: true }).then((client) => client.endAsync(), () => undefined);
    endAll();
    signal?.removeEventListener('abort', endAll);
  }
}

/**
 * With MQTT_CLIENT_ID set the broker must queue QoS 1 messages while the service is away, and
 * Mosquitto's default max_queued_messages (1000) drops the rest without a word. At start-up, in the
 * background, probe an external broker with a session of our own and warn if it drops.
 */
@Injectable()
export class BrokerQueueProbe implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BrokerQueueProbe.name);
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly mqttService: MqttService,
  ) {}

  onApplicationBootstrap(): void {
    const clientId = this.config.mqttClientId;
    if (!this.config.mqttUrl || !clientId) return;
    this.running = this.probe(clientId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async probe(clientId: string): Promise<void> {
    try {
      const result = await probeBrokerQueue(this.mqttService.brokerUrl, {
        clientId: `${clientId}-queue-probe`,
        // Two levels under the prefix: the service's own filters (<prefix>/+/+/+/+) never match it.
        topic: `${this.config.mqttTopicPrefix}/queue-probe/${clientId}`,
        signal: this.abort.signal,
      });
      const verdict = queueProbeVerdict(result);
      if (verdict.kind === 'drops') this.logger.warn(verdict.warning);
      else if (verdict.kind === 'inconclusive') this.logger.log(`${UNCHECKED}: ${verdict.reason}`);
      else this.logger.log(`The MQTT broker queued all ${result.sent} probe messages for an offline session`);
    } catch (err) {
      if (!this.abort.signal.aborted) this.logger.log(`${UNCHECKED}: ${(err as Error).message}`);
    }
  }
}

/** Settles when `enough()` holds at a poke, after `quietMs` without one, or after `maxMs` in all. */
class Wait {
  readonly done: Promise<void>;
  private finish!: () => void;
  private settled = false;
  private readonly quiet: NodeJS.Timeout;
  private readonly cap: NodeJS.Timeout;

  constructor(
    private readonly enough: () => boolean,
    quietMs: number,
    maxMs: number,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.quiet = setTimeout(() => this.settle(), quietMs).unref();
    this.cap = setTimeout(() => this.settle(), maxMs).unref();
    this.poke();
  }

  poke(): void {
    if (this.settled) return;
    if (this.enough()) this.settle();
    else this.quiet.refresh();
  }

  settle(): void {
    this.settled = true;
    clearTimeout(this.quiet);
    clearTimeout(this.cap);
    this.finish();
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('the probe was stopped'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import matchTopic from 'mqtt-match';
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { within } from '../within';
import type { DeniedAction, DeviceAuthenticator, MqttCredential } from './broker-access';
import { EmbeddedBroker } from './embedded-broker';

const DENIED_COUNTER = 'xla_mqtt_denied_total';
export const deniedCounterProvider = makeCounterProvider({
  name: DENIED_COUNTER,
  help: 'MQTT connections, publishes and subscriptions the embedded broker refused (bad credential, another device\'s topics)',
  labelNames: ['action'],
});
/** The service's MQTT username on the embedded broker (its secret is new at every start). */
export const EMBEDDED_SERVICE_USERNAME = 'xla-service';

const MIN_RECONNECT_MS = 1_000;
const MAX_RECONNECT_MS = 30_000;
const FIRST_CONNECT_WAIT_MS = 3_000;
const MAX_HANDLER_RETRY_MS = 5_000;
const SESSION_EXPIRY_S = 7 * 24 * 3600;
/** The longest run of message handling before the event loop gets a turn. */
const SLICE_MS = 10;
/** How long a shutdown waits for the broker to acknowledge what the service published (task announcements). */
const END_GRACE_MS = 5_000;
/** How long a publish waits for the broker's acknowledgement before it fails. */
const PUBLISH_TIMEOUT_MS = 10_000;

/**
 * Handles one message. Resolving acknowledges it (PUBACK), so resolve only once it is durable or
 * dead-lettered, or will be made durable by a `beforeAcknowledging` hook; throwing means "not now"
 * (the database is away, say) and the message is retried.
 */
export type MessageHandler = (topic: string, payload: Buffer) => Promise<void> | void;

/**
 * The service's one MQTT connection: MQTT 5 where the broker speaks it (3.1.1 otherwise),
 * reconnecting with exponential backoff. Starts the embedded broker when MQTT_URL is not set.
 */
@Injectable()
export class MqttService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(MqttService.name);
  private client?: MqttClient;
  private broker?: EmbeddedBroker;
  private readonly routes: Array<{ filter: string; handler: MessageHandler }> = [];
  // Topics repeat (one per device and signal): match each against the filters once.
  private readonly routesByTopic = new LRUCache<string, Array<{ filter: string; handler: MessageHandler }>>({ max: 50_000 });
  private stopping = false;
  private sliceStart = 0;
  private corked = false;
  private readonly flushHooks: Array<() => void> = [];
  private readonly retries = new Set<HandlerRetry>();
  private devices?: DeviceAuthenticator;
  private aclSyncStatus?: () => object | undefined;
  /** The service's own credential: from MQTT_URL, or made up at start for the embedded broker; none with MQTT_AUTH=off. */
  readonly credential?: MqttCredential;

  constructor(
    private readonly config: AppConfig,
    @InjectMetric(DENIED_COUNTER) private readonly deniedCounter: Counter<string>,
  ) {
    if (config.mqttUrl) {
      const url = new URL(config.mqttUrl);
      if (url.username) this.credential = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    } else if (config.mqttAuth === 'on') {
      this.credential = { username: EMBEDDED_SERVICE_USERNAME, password: randomBytes(32).toString('base64url') };
    }
  }

  /** How the broker's device credentials are kept in step (Mosquitto's dynamic security), for /health. */
  reportAclSync(status: () => object | undefined): void {
    this.aclSyncStatus = status;
  }

  /** What /health says of MQTT authentication. */
  get access(): { auth: 'on' | 'off'; sync?: object } {
    if (this.config.mqttAuth === 'off') return { auth: 'off' };
    return { auth: 'on', sync: this.aclSyncStatus?.() };
  }

  /** Checks device credentials on the embedded broker; registered by the auth module before the broker starts. */
  useDeviceAuthenticator(devices: DeviceAuthenticator): void {
    this.devices = devices;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Messages whose handler failed and is being retried (a database that is away, say): each holds up its stream. */
  get retrying(): readonly HandlerRetry[] {
    return [...this.retries];
  }

  /** The broker's URL without a credential: where devices connect with theirs (the embedded broker's real port when embedded). */
  get deviceBrokerUrl(): string {
    if (!this.config.mqttUrl) return `mqtt://127.0.0.1:${this.broker?.port ?? this.config.mqttPort}`;
    const url = new URL(this.config.mqttUrl);
    url.username = '';
    url.password = '';
    return url.toString();
  }

  /** The broker's URL with the service's own credential, which may do everything. */
  get brokerUrl(): string {
    if (this.config.mqttUrl) return this.config.mqttUrl;
    const url = new URL(this.deviceBrokerUrl);
    if (this.credential) {
      url.username = encodeURIComponent(this.credential.username);
      url.password = encodeURIComponent(this.credential.password);
    }
    return url.toString();
  }

  async start(): Promise<void> {
    if (!this.config.mqttUrl) {
      const access = this.credential && {
        service: this.credential,
        devices: () => this.devices,
        denied: (action: DeniedAction) => this.deniedCounter.inc({ action }),
      };
      this.broker = await EmbeddedBroker.start(this.config.host, this.config.mqttPort, access);
      this.logger.log(`Embedded MQTT broker listening on port ${this.broker.port}${access ? '' : ' (MQTT_AUTH=off: anyone may publish anything)'}`);
    }
    const base: IClientOptions = {
      // With a configured client id the broker keeps our session (and queues QoS 1 messages) while we are away.
      clientId: this.config.mqttClientId ?? `xla-monitor-${randomBytes(6).toString('hex')}`,
      clean: !this.config.mqttClientId,
      reconnectPeriod: MIN_RECONNECT_MS,
      connectTimeout: 5_000,
      // mqtt.js traces every packet through the debug package, a few % of the CPU at full rate even when
      // switched off; the service logs connection events itself.
      log: () => undefined,
    };
    const protocolVersion = await this.probeProtocolVersion(base);
    // MQTT 5 ends a session at disconnect unless told to keep it: keep a persistent one for a week.
    const session = this.config.mqttClientId && protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {};
    const client = mqtt.connect(this.brokerUrl, { ...base, ...session, protocolVersion });
    client.handleMessage = (packet, done) => {
      const arrivedOn = client.stream;
      const pending = this.dispatch(packet);
      if (pending) void pending.then(() => this.acknowledge(done, arrivedOn), done);
      else this.acknowledge(done, arrivedOn);
    };
    client.on('connect', () => {
      client.options.reconnectPeriod = MIN_RECONNECT_MS;
      for (const { filter } of this.routes) client.subscribe(filter, { qos: 1 });
      this.logger.log(`Connected to MQTT broker ${redact(this.brokerUrl)} (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`);
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? MIN_RECONNECT_MS) * 2, MAX_RECONNECT_MS);
    });
    client.on('offline', () => this.logger.warn('MQTT broker unreachable; reconnecting with backoff'));
    client.on('error', (err) => this.logger.warn(`MQTT error: ${err.message}`));
    this.client = client;
    // Give the first connection a moment so the service starts ready; an unreachable broker is not fatal.
    await within(FIRST_CONNECT_WAIT_MS, new Promise((resolve) => client.once('connect', resolve)));
  }

  /**
   * Publishes; with QoS 1 resolves once the broker acknowledged it. Refused while shutting down, and
   * failed after PUBLISH_TIMEOUT_MS without an acknowledgement (a lost connection would hold the
   * caller until the next one): the caller sends it again later.
   */
  async publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
    if (!this.client) throw new Error('MQTT is not started');
    if (this.stopping) throw new Error('the service is shutting down');
    await publishWithin(this.client, topic, payload, qos, PUBLISH_TIMEOUT_MS);
  }

  /**
   * Subscribes with QoS 1 (again after every reconnect); the handler's promise decides the PUBACK.
   * With MQTT_SHARED_GROUP, through `$share/<group>/…`, so several instances split the stream.
   */
  subscribe(filter: string, handler: MessageHandler): void {
    const group = this.config.mqttSharedGroup;
    const route = { filter: group ? `$share/${group}/${filter}` : filter, handler };
    this.routes.push(route);
    this.routesByTopic.clear();
    if (this.client?.connected) this.client.subscribe(route.filter, { qos: 1 });
  }

  /**
   * Runs before the PUBACKs of a turn of the event loop leave, e.g. to write what handlers buffered
   * in one go. If it throws, those PUBACKs are dropped with the connection and the broker sends the
   * messages again.
   */
  beforeAcknowledging(flush: () => void): void {
    this.flushHooks.push(flush);
  }

  /**
   * Before any other module shuts down (the spool closes after this): stop acknowledging, make what
   * was handled durable (what was acknowledged before is in the socket's buffer), then leave the broker.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    try {
      this.flush();
    } catch (err) {
      this.logger.error(`Could not make received messages durable; dropping the connection so the broker sends them again: ${(err as Error).message}`);
      this.client?.stream.destroy();
    }
    if (this.client) await leave(this.client);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker?.stop();
  }

  /**
   * Sends the PUBACK, fairly and in bulk. mqtt.js takes one message after another on ticks and
   * microtasks and, while the socket has data, never hands the event loop back (we measured runs of
   * 400 ms under load): every SLICE_MS the acknowledgement waits for one turn of the loop, so database
   * replies, timers and HTTP requests get theirs. And each PUBACK would be a write of its own (a
   * fifth of the service's CPU at 40,000 messages/s), so they are held back to the end of the turn.
   */
  private acknowledge(done: () => void, arrivedOn: MqttClient['stream']): void {
    // Not for a connection since lost (mqtt.js would queue the PUBACK for the next one, past the flush
    // hooks), nor while shutting down: the broker sends such a message again.
    const ack = () => {
      if (!this.stopping && this.client?.stream === arrivedOn && !arrivedOn.destroyed) done();
    };
    if (!this.corked) this.holdAcknowledgements(arrivedOn);
    if (performance.now() - this.sliceStart < SLICE_MS) return ack();
    setImmediate(() => {
      this.sliceStart = performance.now();
      ack();
    });
  }

  /** Corks the socket to the end of this turn; then the flush hooks run and the turn's PUBACKs leave in one write. */
  private holdAcknowledgements(stream: MqttClient['stream']): void {
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      try {
        this.flush();
      } catch (err) {
        this.logger.error(`Could not make received messages durable; dropping the connection so the broker sends them again: ${(err as Error).message}`);
        stream.destroy();
        return;
      }
      stream.uncork();
    });
  }

  private flush(): void {
    for (const flush of this.flushHooks) flush();
  }

  /** Runs the topic's handlers; nothing to wait for when all of them finished synchronously (sensor ingest does), else a promise. */
  private dispatch(packet: IPublishPacket): Promise<void> | undefined {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    let routes = this.routesByTopic.get(packet.topic);
    if (!routes) {
      routes = this.routes.filter(({ filter }) => matchTopic(filter, packet.topic, true));
      this.routesByTopic.set(packet.topic, routes);
    }
    if (!routes.length) this.logger.warn(`No handler for ${packet.topic}; acknowledged and dropped`);
    for (let i = 0; i < routes.length; i++) {
      let pending: Promise<void> | void;
      try {
        pending = routes[i].handler(packet.topic, payload);
      } catch (err) {
        pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      if (pending) return this.dispatchFrom(routes, i, pending, packet.topic, payload);
    }
    return undefined;
  }

  /** The rest of dispatch once handler `from` went asynchronous or failed: failures are retried with backoff, then the handlers after it run. */
  private async dispatchFrom(routes: ReadonlyArray<{ filter: string; handler: MessageHandler }>, from: number, first: Promise<void>, topic: string, payload: Buffer): Promise<void> {
    let attempt: Promise<void> | void = first;
    let retry: HandlerRetry | undefined;
    try {
      for (let i = from; i < routes.length; i++) {
        for (let delay = 100; ; delay = Math.min(delay * 2, MAX_HANDLER_RETRY_MS)) {
          try {
            await (attempt ?? routes[i].handler(topic, payload));
            break;
          } catch (err) {
            // Unacknowledged, the message comes back with the session; holding it stalls this stream, which is the backpressure we want.
            if (this.stopping) throw err;
            const error = err instanceof Error ? err.message : String(err);
            if (!retry) this.retries.add((retry = { filter: routes[i].filter, topic, since: Date.now(), attempts: 0, error }));
            Object.assign(retry, { attempts: retry.attempts + 1, error });
            this.logger.warn(`Handling ${JSON.stringify(topic)} failed, retrying in ${delay} ms: ${error}`);
            await new Promise((r) => setTimeout(r, delay).unref());
          } finally {
            attempt = undefined;
          }
        }
      }
    } finally {
      if (retry) this.retries.delete(retry);
    }
  }

  /** MQTT 5 when the broker accepts it; aedes and older brokers refuse it with "unacceptable protocol version". */
  private async probeProtocolVersion(base: IClientOptions): Promise<4 | 5> {
    try {
      // A client id of its own: a clean session under ours would wipe the persistent session the broker keeps for us.
      const probe = await mqtt.connectAsync(this.brokerUrl, { ...base, clientId: `${base.clientId}-probe`, protocolVersion: 5, reconnectPeriod: 0, clean: true });
      await probe.endAsync();
      return 5;
    } catch (err) {
      const code = (err as { code?: number }).code;
      return code === 1 || code === 132 ? 4 : 5;
    }
  }
}

export interface HandlerRetry {
  filter: string;
  topic: string;
  /** Epoch ms of the first failure. */
  since: number;
  attempts: number;
  error: string;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * Leaves the broker. mqtt.js's graceful end waits for the acknowledgements of what was published
 * for as long as it takes, and after a lost connection (no reconnect once ending) that is forever:
 * it gets `graceMs`, then the connection is closed. What was not acknowledged is published
 * again after the restart (task announcements are bookkept until acknowledged).
 *
 * The DISCONNECT then gets `graceMs` too. mqtt.js ends once the socket closes, which it sees only
 * after reading everything the broker sent before closing its side; a message it was handed and
 * never finished (the service takes none once stopping) stops that reading, so under a backlog the
 * end would wait forever. After the grace the socket is destroyed: the broker delivers what was not
 * acknowledged again.
 */
export async function leave(client: MqttClient, graceMs = END_GRACE_MS): Promise<void> {
  const waiting = () => Object.keys(client.outgoing).length > 0;
  if (client.connected && waiting()) await within(graceMs, new Promise<void>((resolve) => client.once('outgoingEmpty', resolve)));
  const ended = client.endAsync(!client.connected || waiting());
  if (!(await within(graceMs, ended))) {
    client.stream.destroy();
    await ended;
  }
}

/** Publishes, failing after `ms` without the broker's acknowledgement (mqtt.js would wait for ever). */
export async function publishWithin(client: MqttClient, topic: string, payload: string | Buffer, qos: 0 | 1, ms: number): Promise<void> {
  if (!(await within(ms, client.publishAsync(topic, payload, { qos })))) throw new Error(`the broker did not acknowledge within ${ms / 1000} s`);
}

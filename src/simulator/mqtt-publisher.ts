import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { deviceUsername, type CredentialMap } from './device-credentials';
import type { Publisher } from './simulator';

/** The broker refused a connection at CONNACK (4 bad username or password, 5 not authorised): printed without a stack. */
export class BrokerRefusedError extends Error {}

/** Told when the broker refuses a reconnection (a rotated credential, say). */
export type ConnectionWarning = (message: string) => void;

interface Login {
  username: string;
  secret: string;
}

/**
 * One MQTT connection: MQTT 3.1.1 (every broker speaks it), reconnecting on its own. No retries for the
 * first connection: an unreachable broker or a refused credential is reported at once, not waited for.
 */
async function open(url: string, login: Login | undefined, warn: ConnectionWarning): Promise<MqttClient> {
  const client = await mqtt
    .connectAsync(
      login ? withoutLogin(url) : url,
      {
        clientId: `xla-simulator-${randomBytes(6).toString('hex')}`,
        username: login?.username,
        password: login?.secret,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 1_000,
        connectTimeout: 5_000,
      },
      false,
    )
    .catch((err: Error & { code?: unknown }) => {
      if (err.code !== 4 && err.code !== 5) throw err;
      throw new BrokerRefusedError(
        login
          ? `the broker refused the credential of ${login.username} (CONNACK ${err.code}): rotated since it was issued, or a device the service does not know?`
          : `the broker wants device credentials: pass --api-url/--api-key or --credentials (CONNACK ${err.code})`,
      );
    });
  // Without a listener an 'error' event would end the process. Socket errors are retried on their own (and every
  // connection has one when the service stops first); a refused reconnect is final, so it is said.
  client.on('error', (err: Error & { code?: unknown }) => {
    if (typeof err.code === 'number') warn(`${login?.username ?? 'MQTT'}: ${err.message} on reconnecting; this connection stays closed`);
  });
  return client;
}

/** The broker URL without the user and password it may carry (MQTT_URL holds the service's own): a device logs in as itself. */
function withoutLogin(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** Everything over one anonymous connection: for brokers with MQTT_AUTH=off. QoS 1. */
export class MqttPublisher implements Publisher {
  private constructor(private readonly client: MqttClient) {}

  static async connect(url: string, warn: ConnectionWarning = () => undefined): Promise<MqttPublisher> {
    return new MqttPublisher(await open(url, undefined, warn));
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

export interface DeviceConnectOptions {
  url: string;
  /** Topic prefix: a message's device is read from the levels after it, `{siteKey}/{zoneKey}/{deviceKey}/…`. */
  prefix: string;
  /** Connections opened at once; the broker checks every secret with scrypt. */
  concurrency?: number;
  warn?: ConnectionWarning;
}

/**
 * One connection per device with the device's own credential, as real devices connect: a broker with
 * MQTT_AUTH=on lets each publish only under its own topics. All are opened up front, so a refused
 * credential stops the run before it starts; QoS 1.
 */
export class DevicePublisher implements Publisher {
  private constructor(
    private readonly prefix: string,
    private readonly clients: Map<string, MqttClient>,
  ) {}

  static async connect(credentials: CredentialMap, options: DeviceConnectOptions): Promise<DevicePublisher> {
    const clients = new Map<string, MqttClient>();
    const queue = [...credentials];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [username, secret] = next;
        try {
          clients.set(username, await open(options.url, { username, secret }, options.warn ?? (() => undefined)));
        } catch (error) {
          queue.length = 0; // the other workers stop after their current connection
          throw error;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency ?? 16, queue.length) }, worker));
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) {
      await Promise.all([...clients.values()].map((c) => c.endAsync(true)));
      throw failure.reason;
    }
    return new DevicePublisher(options.prefix, clients);
  }

  get connections(): number {
    return this.clients.size;
  }

  async publish(topic: string, payload: string): Promise<void> {
    const [siteKey, , deviceKey] = topic.slice(this.prefix.length + 1).split('/');
    const client = this.clients.get(deviceUsername(siteKey, deviceKey ?? ''));
    if (!client) throw new Error(`no device connection for ${topic}`);
    await client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.endAsync()));
  }
}

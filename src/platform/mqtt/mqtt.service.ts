import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { EmbeddedBroker } from './embedded-broker';

const MIN_RECONNECT_MS = 1_000;
const MAX_RECONNECT_MS = 30_000;
const FIRST_CONNECT_WAIT_MS = 3_000;

/**
 * The service's one MQTT connection: MQTT 5 where the broker speaks it (3.1.1 otherwise),
 * reconnecting with exponential backoff. Starts the embedded broker when MQTT_URL is not set.
 */
@Injectable()
export class MqttService implements OnApplicationShutdown {
  private readonly logger = new Logger(MqttService.name);
  private client?: MqttClient;
  private broker?: EmbeddedBroker;

  constructor(private readonly config: AppConfig) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The URL devices and tools can publish to (the embedded broker's real port when embedded). */
  get brokerUrl(): string {
    return this.config.mqttUrl ?? `mqtt://127.0.0.1:${this.broker?.port ?? this.config.mqttPort}`;
  }

  async start(): Promise<void> {
    if (!this.config.mqttUrl) {
      this.broker = await EmbeddedBroker.start(this.config.host, this.config.mqttPort);
      this.logger.log(`Embedded MQTT broker listening on port ${this.broker.port}`);
    }
    const base: IClientOptions = {
      clientId: `xla-monitor-${randomBytes(6).toString('hex')}`,
      reconnectPeriod: MIN_RECONNECT_MS,
      connectTimeout: 5_000,
    };
    const protocolVersion = await this.probeProtocolVersion(base);
    const client = mqtt.connect(this.brokerUrl, { ...base, protocolVersion });
    client.on('connect', () => {
      client.options.reconnectPeriod = MIN_RECONNECT_MS;
      this.logger.log(`Connected to MQTT broker ${redact(this.brokerUrl)} (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`);
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? MIN_RECONNECT_MS) * 2, MAX_RECONNECT_MS);
    });
    client.on('offline', () => this.logger.warn('MQTT broker unreachable; reconnecting with backoff'));
    client.on('error', (err) => this.logger.warn(`MQTT error: ${err.message}`));
    this.client = client;
    // Give the first connection a moment so the service starts ready; an unreachable broker is not fatal.
    await Promise.race([new Promise((resolve) => client.once('connect', resolve)), new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref())]);
  }

  async publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
    if (!this.client) throw new Error('MQTT is not started');
    await this.client.publishAsync(topic, payload, { qos });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync();
    await this.broker?.stop();
  }

  /** MQTT 5 when the broker accepts it; aedes and older brokers refuse it with "unacceptable protocol version". */
  private async probeProtocolVersion(base: IClientOptions): Promise<4 | 5> {
    try {
      const probe = await mqtt.connectAsync(this.brokerUrl, { ...base, protocolVersion: 5, reconnectPeriod: 0, clean: true });
      await probe.endAsync();
      return 5;
    } catch (err) {
      const code = (err as { code?: number }).code;
      return code === 1 || code === 132 ? 4 : 5;
    }
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

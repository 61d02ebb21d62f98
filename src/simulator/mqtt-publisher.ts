import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import type { Publisher } from './simulator';

/** The simulator's MQTT connection: MQTT 3.1.1 (every broker speaks it), QoS 1, reconnecting on its own. */
export class MqttPublisher implements Publisher {
  private constructor(private readonly client: MqttClient) {}

  static async connect(url: string): Promise<MqttPublisher> {
    // No retries for the first connection: an unreachable broker is reported at once, not waited for.
    const client = await mqtt.connectAsync(
      url,
      {
      clientId: `xla-simulator-${randomBytes(6).toString('hex')}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
      },
      false,
    );
    return new MqttPublisher(client);
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

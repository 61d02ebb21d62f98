import { Logger } from '@nestjs/common';
import mqtt, { type IConnackPacket, type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { MOSQUITTO_BINARY } from '../../bench/support';
import type { AppConfig } from '../../src/platform/config/app-config';
import { BrokerQueueProbe, probeBrokerQueue, QUEUE_PROBE_MESSAGES } from '../../src/platform/mqtt/broker-queue-probe';
import type { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { queueProbeVerdict } from '../../src/platform/mqtt/queue-probe-verdict';
import { startMosquitto } from '../support/mosquitto';
import { pollUntil } from '../support/test-app';

// Each test starts a Mosquitto of its own, with or without the servers.
// No skipping: CI installs Mosquitto; without it this test fails and says why.
if (!existsSync(MOSQUITTO_BINARY)) throw new Error(`Mosquitto not found at ${MOSQUITTO_BINARY}; install it (apt-get install -y mosquitto) to run the broker tests.`);

type Broker = Awaited<ReturnType<typeof startMosquitto>>;

/** Connects and tells whether the broker still held a session for this client id. */
async function connectSession(url: string, clientId: string, clean: boolean): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  const client = mqtt.connect(url, { clientId, clean, protocolVersion: 4, reconnectPeriod: 0 });
  const connack = await new Promise<IConnackPacket>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, sessionPresent: connack.sessionPresent };
}

describe(BrokerQueueProbe.name, () => {
  describe.each([
    // Mosquitto's defaults (max_inflight_messages 20 is one too).
    [1_000, 'drops'],
    [100_000, 'keeps-all'],
  ] as const)('against a Mosquitto with max_queued_messages %i', (maxQueued, expected) => {
    let broker: Broker;
    beforeAll(async () => {
      broker = await startMosquitto({ settings: { max_queued_messages: maxQueued, max_inflight_messages: 20 } });
    });
    afterAll(() => broker.stop());

    it(`finds that it ${expected}, names the broker, and leaves no probe session behind`, async () => {
      const clientId = `probe-${randomUUID().slice(0, 8)}`;
      const result = await probeBrokerQueue(broker.url, { clientId, topic: `xla/v1/queue-probe/${clientId}` });
      const version = expect.stringMatching(/^mosquitto version \d/);
      expect(result).toMatchObject({ roundTrip: true, sent: QUEUE_PROBE_MESSAGES, brokerVersion: version });
      expect(queueProbeVerdict(result).kind).toBe(expected);
      if (expected === 'drops') expect(result.received).toBeLessThan(QUEUE_PROBE_MESSAGES);
      const { client, sessionPresent } = await connectSession(broker.url, clientId, true);
      await client.endAsync();
      expect(sessionPresent).toBe(false);
    });
  });

  describe('at start-up', () => {
    let broker: Broker;
    let warn: jest.SpyInstance;
    beforeAll(async () => {
      broker = await startMosquitto({ settings: { max_queued_messages: 1_000, max_inflight_messages: 20 } });
    });
    afterAll(() => broker.stop());
    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warn.mockRestore());

    const probeFor = (env: { mqttUrl?: string; mqttClientId?: string }) => {
      const config = { ...env, mqttTopicPrefix: `test-${randomUUID().slice(0, 8)}/xla/v1` } as AppConfig;
      return new BrokerQueueProbe(config, { brokerUrl: broker.url } as MqttService);
    };

    it('warns in the background, naming max_queued_messages, and leaves the service session and its queue alone', async () => {
      const serviceId = `xla-${randomUUID().slice(0, 8)}`;
      const topic = `svc-${serviceId}/reading`;
      const service = await connectSession(broker.url, serviceId, false);
      await service.client.subscribeAsync(topic, { qos: 1 });
      await service.client.endAsync();
      const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
      await Promise.all(Array.from({ length: 5 }, (_, i) => publisher.publishAsync(topic, String(i), { qos: 1 })));
      await publisher.endAsync();

      const sut = probeFor({ mqttUrl: broker.url, mqttClientId: serviceId });
      expect(sut.onApplicationBootstrap()).toBeUndefined();
      const [message] = await pollUntil(() => Promise.resolve(warn.mock.calls[0] as [string] | undefined), 30_000);
      await sut.beforeApplicationShutdown();
      expect(message).toMatch(/^The MQTT broker \(mosquitto version [^)]+\) kept only \d+ of 1500 QoS 1 messages/);
      expect(message).toContain('max_queued_messages');
      expect(message).toContain('config/mosquitto/mosquitto.conf');

      const received: string[] = [];
      const back = mqtt.connect(broker.url, { clientId: serviceId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
      back.on('message', (_topic, payload) => received.push(payload.toString()));
      await pollUntil(() => Promise.resolve(received.length >= 5));
      await back.endAsync();
      expect(received.sort()).toEqual(['0', '1', '2', '3', '4']);
      await (await connectSession(broker.url, serviceId, true)).client.endAsync();
    });

    it('stops at once when the service shuts down, without a warning', async () => {
      const sut = probeFor({ mqttUrl: broker.url, mqttClientId: `xla-${randomUUID().slice(0, 8)}` });
      sut.onApplicationBootstrap();
      await expect(sut.beforeApplicationShutdown()).resolves.toBeUndefined();
      expect(warn).not.toHaveBeenCalled();
    });

    it('connects nowhere for an embedded broker, nor without a persistent session', async () => {
      const connect = jest.spyOn(mqtt, 'connect');
      try {
        for (const env of [{ mqttClientId: 'xla-embedded' }, { mqttUrl: broker.url }]) {
          const sut = probeFor(env);
          sut.onApplicationBootstrap();
          await sut.beforeApplicationShutdown();
        }
        expect(connect).not.toHaveBeenCalled();
        // With both, the probe's first connection starts at once.
        const sut = probeFor({ mqttUrl: broker.url, mqttClientId: `xla-${randomUUID().slice(0, 8)}` });
        sut.onApplicationBootstrap();
        expect(connect).toHaveBeenCalledTimes(1);
        await sut.beforeApplicationShutdown();
      } finally {
        connect.mockRestore();
      }
    });
  });
});

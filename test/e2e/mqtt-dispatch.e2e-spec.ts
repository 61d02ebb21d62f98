import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

describe('MQTT message dispatch', () => {
  let sut: TestApp;
  let mqttService: MqttService;
  let publisher: MqttClient;

  beforeAll(async () => {
    sut = await startTestApp();
    mqttService = sut.app.get(MqttService);
    publisher = await mqtt.connectAsync(mqttService.brokerUrl, { clientId: `publisher-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await publisher.endAsync();
    await sut.close();
  });

  /** Subscribes through the service and waits until the broker has the subscription in place. */
  const subscribe = async (topic: string, handler: (payload: string) => Promise<void> | void) => {
    let ready = false;
    mqttService.subscribe(topic, (_t, payload) => {
      if (payload.toString() === 'ping') return void (ready = true);
      return handler(payload.toString());
    });
    await pollUntil(async () => {
      await publisher.publishAsync(topic, 'ping', { qos: 1 });
      return ready;
    });
  };

  it('retries a handler that throws or rejects, with backoff, and runs the handlers after it once it succeeded', async () => {
    const topic = `dispatch-${randomUUID().slice(0, 8)}/retry`;
    const calls: string[] = [];
    await subscribe(topic, (payload) => {
      calls.push(`first ${payload}`);
      const attempt = calls.filter((c) => c === `first ${payload}`).length;
      if (attempt === 1) throw new Error('not now (thrown)');
      if (attempt === 2) return Promise.reject(new Error('not now (rejected)'));
      return Promise.resolve();
    });
    mqttService.subscribe(topic, (_t, payload) => void calls.push(`second ${payload.toString()}`));

    await publisher.publishAsync(topic, 'm1', { qos: 1 });
    await pollUntil(() => Promise.resolve(calls.includes('second m1')));
    expect(calls.filter((c) => c.endsWith('m1'))).toEqual(['first m1', 'first m1', 'first m1', 'second m1']);
  });

  it('takes a stream through a synchronous handler in order, each message once', async () => {
    const topic = `dispatch-${randomUUID().slice(0, 8)}/sync`;
    const seen: string[] = [];
    await subscribe(topic, (payload) => void seen.push(payload));
    // Under the 1,000 queued messages a stock Mosquitto keeps for a subscriber (CI's machine broker is one).
    const sent = Array.from({ length: 800 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((m) => publisher.publishAsync(topic, m, { qos: 1 })));
    await pollUntil(() => Promise.resolve(seen.length >= sent.length));
    // Acknowledged ones do not come back: a last message arriving after them shows nothing else is pending.
    await publisher.publishAsync(topic, 'last', { qos: 1 });
    await pollUntil(() => Promise.resolve(seen.includes('last')));
    expect(seen).toEqual([...sent, 'last']);
  });

  it('reports a subscriber that keeps retrying as degraded, on /health and /health/ready, until it succeeds', async () => {
    const topic = `dispatch-${randomUUID().slice(0, 8)}/away`;
    let databaseAway = true;
    let handled = false;
    await subscribe(topic, () => {
      if (databaseAway) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      handled = true;
    });
    await request(sut.http).get('/health/ready').expect(200);

    await publisher.publishAsync(topic, 'm1', { qos: 1 });
    const degraded = await pollUntil(async () => {
      const res = await request(sut.http).get('/health');
      return res.body.status === 'degraded' ? res : undefined;
    });
    expect(degraded.status).toBe(200);
    expect(degraded.body.ingest).toMatchObject({ status: 'degraded', retrying: [{ topic, attempts: expect.any(Number), error: expect.stringContaining('ECONNREFUSED') }] });
    await request(sut.http).get('/health/ready').expect(503);

    databaseAway = false;
    await pollUntil(() => Promise.resolve(handled));
    await pollUntil(async () => (await request(sut.http).get('/health/ready')).status === 200);
    expect((await request(sut.http).get('/health').expect(200)).body).toMatchObject({ status: 'ok', ingest: { status: 'up', retrying: [] } });
  });
});

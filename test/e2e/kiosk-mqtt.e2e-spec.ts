import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

describe('Kiosk ratings over MQTT', () => {
  let sut: TestApp;
  let terminal: MqttClient;
  let TOPIC: string;

  beforeAll(async () => {
    sut = await startTestApp();
    TOPIC = `${sut.config.mqttTopicPrefix}/alpha-branch/entrance/alpha-branch-kiosk-1/rating`;
    terminal = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `terminal-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await terminal.endAsync();
    await sut.close();
  });

  const publish = (payload: string, topic = TOPIC) => terminal.publishAsync(topic, payload, { qos: 1 });
  const ratingsWithId = (id: string) => sut.dataSource.query<Array<{ score: number; origin: string; rated_at: Date }>>('SELECT score, origin, rated_at FROM ratings WHERE submission_id = $1', [id]);
  const deadLetters = (reason: string) =>
    sut.dataSource.query<Array<{ topic: string; payload: string; detail: string; client_id: string | null }>>('SELECT topic, payload, detail, client_id FROM dead_letters WHERE reason = $1 ORDER BY id', [reason]);

  it("stores a terminal's rating on its kiosk touchpoint, once even when the message comes again", async () => {
    const id = randomUUID();
    const ts = new Date(Date.now() - 5 * 60_000).toISOString();
    await publish(JSON.stringify({ score: 4, ts, id }));
    await publish(JSON.stringify({ score: 4, ts, id }));
    const rows = await pollUntil(async () => {
      const found = await ratingsWithId(id);
      return found.length ? found : undefined;
    });
    expect(rows).toEqual([{ score: 4, origin: 'mqtt', rated_at: new Date(ts) }]);

    // A later message on the same stream being stored proves the duplicate was handled, not pending.
    const marker = randomUUID();
    await publish(JSON.stringify({ score: 1, id: marker }));
    await pollUntil(async () => (await ratingsWithId(marker)).length === 1);
    await expect(ratingsWithId(id)).resolves.toHaveLength(1);
  });

  it('makes a message without an id idempotent by its content', async () => {
    const payload = JSON.stringify({ score: 2, ts: Date.now() - 60_000 });
    await publish(payload);
    await publish(payload);
    const marker = randomUUID();
    await publish(JSON.stringify({ score: 3, id: marker, ts: Date.now() }));
    await pollUntil(async () => (await ratingsWithId(marker)).length === 1);
    const [{ n }] = await sut.dataSource.query(`SELECT count(*)::int AS n FROM ratings WHERE submission_id LIKE 'mqtt-%' AND score = 2`);
    expect(n).toBe(1);
  });

  it.each([
    ['malformed', 'not json', 'alpha-branch/entrance/alpha-branch-kiosk-1'],
    ['malformed', JSON.stringify({ value: 3 }), 'alpha-branch/entrance/alpha-branch-kiosk-1'],
    ['invalid', JSON.stringify({ score: 9, id: 'too-high' }), 'alpha-branch/entrance/alpha-branch-kiosk-1'],
    ['invalid', JSON.stringify({ score: 3, ts: new Date(Date.now() + 3_600_000).toISOString() }), 'alpha-branch/entrance/alpha-branch-kiosk-1'],
    ['unknown_device', JSON.stringify({ score: 3 }), 'alpha-branch/entrance/no-such-terminal'],
    ['unknown_device', JSON.stringify({ score: 3 }), 'alpha-hq/1f-restroom/alpha-1f-soap'],
  ])('dead-letters a %s message (%s) from %s, once even if it comes twice', async (reason, payload, device) => {
    const topic = `${sut.config.mqttTopicPrefix}/${device}/rating`;
    await publish(payload, topic);
    await publish(payload, topic);
    const letters = await pollUntil(async () => {
      const found = (await deadLetters(reason)).filter((l) => l.topic === topic && l.payload === payload);
      return found.length ? found : undefined;
    });
    const marker = randomUUID();
    await publish(JSON.stringify({ score: 3, id: marker }));
    await pollUntil(async () => (await ratingsWithId(marker)).length === 1);
    expect((await deadLetters(reason)).filter((l) => l.topic === topic && l.payload === payload)).toHaveLength(1);
    expect(letters[0]?.detail).toEqual(expect.any(String));
  });

  it('keeps the tenant on dead letters it can place, and counts them in /metrics', async () => {
    const [letter] = await deadLetters('invalid');
    expect(letter?.client_id).toEqual(expect.any(String));
    const metrics = await request(sut.http).get('/metrics');
    expect(metrics.text).toMatch(/xla_dead_letters_total\{reason="malformed"\} 2/);
    expect(metrics.text).toMatch(/xla_ratings_stored_total\{origin="mqtt",excluded="false"\} \d+/);
  });
});

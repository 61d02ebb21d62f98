import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

describe('Service events', () => {
  let sut: TestApp;
  let manager: string;
  let handheld: MqttClient;

  beforeAll(async () => {
    sut = await startTestApp();
    manager = await sut.keyFor('fm_manager', 'alpha');
    // The service's own credential: device identity has tests of its own (mqtt-auth).
    handheld = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `events-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await handheld.endAsync();
    await sut.close();
  });

  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  const post = (body: Record<string, unknown>, key = manager) => request(sut.http).post('/api/v1/events').set('Authorization', `Bearer ${key}`).send(body);
  const rows = (where = 'true') => sut.dataSource.query<Array<Record<string, unknown>>>(`SELECT kind, tag, consumable, score, passed, note, source, device_id FROM service_events WHERE ${where} ORDER BY ts`);
  const deadLetters = (reason: string) => sut.dataSource.query<Array<{ detail: string }>>(`SELECT detail FROM dead_letters WHERE reason = $1 AND topic LIKE '%/event'`, [reason]);

  describe('over HTTP', () => {
    it('records a refill and an inspection, scrubs the note, and stores a retry of the same id once', async () => {
      const id = randomUUID();
      const refill = { id, zone: 'alpha-hq.1f-restroom', kind: 'refill', consumable: 'soap', tag: 'cleaner-3', ts: minutesAgo(5), note: 'Ring 070-123 45 67 om det tar slut igen' };
      const first = await post(refill).expect(201);
      expect(first.body).toMatchObject({ id, zone: 'alpha-hq.1f-restroom', kind: 'refill', consumable: 'soap', tag: 'cleaner-3', source: 'api', ts: refill.ts });
      expect(first.body.note).not.toContain('070-123 45 67');
      expect((await post(refill).expect(200)).body).toEqual(first.body);
      await post({ zone: 'alpha-hq.1f-restroom', kind: 'inspection', score: 86.5, tag: 'auditor-1', ts: minutesAgo(4) }).expect(201);
      await post({ zone: 'alpha-hq.kitchen', kind: 'inspection', passed: false, tag: 'auditor-1', ts: minutesAgo(3) }).expect(201);
      expect(await rows(`source = 'api'`)).toEqual([
        expect.objectContaining({ kind: 'refill', consumable: 'soap', tag: 'cleaner-3', score: null, passed: null }),
        expect.objectContaining({ kind: 'inspection', consumable: null, score: 86.5, passed: null }),
        expect.objectContaining({ kind: 'inspection', consumable: null, score: null, passed: false }),
      ]);
    });

    it.each([
      ['an unknown kind', { kind: 'mopping' }, 'kind', /expected one of checkin, refill, inspection/],
      ['a time in the future', { ts: new Date(Date.now() + 3_600_000).toISOString() }, 'ts', /after its arrival/],
      ['a time older than the readings window', { ts: new Date(Date.now() - 30 * 86_400_000).toISOString() }, 'ts', /older than/],
      ['a refill without a consumable', { kind: 'refill' }, 'consumable', /what was refilled/],
      ['an inspection without a result', { kind: 'inspection' }, 'score', /score \(0-100\) or passed/],
      ['a score out of range', { kind: 'inspection', score: 101 }, 'score', /from 0 to 100/],
      ['no tag', { tag: '' }, 'tag', /staff tag/],
    ])('refuses %s with a 400 naming the field', async (_name, change, field, message) => {
      const res = await post({ zone: 'alpha-hq.1f-restroom', kind: 'checkin', tag: 'cleaner-3', ts: minutesAgo(1), ...change }).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    });

    it("answers 404 for an unknown zone, a retired one and another client's, and 403 to a client viewer", async () => {
      const body = { kind: 'checkin', tag: 'cleaner-3', ts: minutesAgo(1) };
      await post({ ...body, zone: 'alpha-hq.no-such-zone' }).expect(404);
      await post({ ...body, zone: 'alpha-hq.1f-restroom' }, await sut.keyFor('fm_manager', 'beta')).expect(404);
      await post({ ...body, zone: 'alpha-hq.1f-restroom' }, await sut.keyFor('client_viewer', 'alpha')).expect(403);
      await sut.dataSource.query(`UPDATE zones SET retired_at = now() WHERE key = 'kitchen'`);
      try {
        await post({ ...body, zone: 'alpha-hq.kitchen' }).expect(404);
      } finally {
        await sut.dataSource.query(`UPDATE zones SET retired_at = NULL WHERE key = 'kitchen'`);
      }
    });
  });

  describe('over MQTT, on {prefix}/{site}/{zone}/{device}/event', () => {
    const topic = (device = 'alpha-1f-checkin', zone = '1f-restroom') => `${sut.config.mqttTopicPrefix}/alpha-hq/${zone}/${device}/event`;
    const send = (payload: string, to = topic()) => handheld.publishAsync(to, payload, { qos: 1 });

    it("stores a check-in in the device's zone, once however often it is delivered", async () => {
      const event = JSON.stringify({ kind: 'checkin', tag: 'cleaner-9', ts: Date.now() - 60_000 });
      await send(event);
      await send(event);
      await pollUntil(async () => (await rows(`source = 'mqtt'`)).length >= 1);
      // A later message from the same device is stored after it: both deliveries of the first were handled by then.
      await send(JSON.stringify({ kind: 'refill', consumable: 'paper', tag: 'cleaner-9', ts: Date.now() - 30_000 }));
      await pollUntil(async () => (await rows(`source = 'mqtt'`)).length >= 2);
      const stored = await rows(`source = 'mqtt'`);
      expect(stored).toEqual([
        expect.objectContaining({ kind: 'checkin', tag: 'cleaner-9', device_id: expect.any(String) }),
        expect.objectContaining({ kind: 'refill', consumable: 'paper' }),
      ]);
    });

    it.each([
      ['unknown_kind', JSON.stringify({ kind: 'mopping', tag: 'x', ts: Date.now() }), 'alpha-1f-checkin', /kind: expected one of/],
      ['future_timestamp', JSON.stringify({ kind: 'checkin', tag: 'x', ts: Date.now() + 3_600_000 }), 'alpha-1f-checkin', /after its arrival/],
      ['malformed', 'not json', 'alpha-1f-checkin', /JSON object/],
      ['malformed', JSON.stringify({ kind: 'checkin', tag: 'x\u0000y', ts: Date.now() }), 'alpha-1f-checkin', /NUL/],
      ['unknown_device', JSON.stringify({ kind: 'checkin', tag: 'x', ts: Date.now() }), 'ghost', /no active device "ghost"/],
    ])('dead-letters a bad event with the reason %s', async (reason, payload, device, detail) => {
      await send(payload, topic(device));
      const found = await pollUntil(async () => {
        const letters = await deadLetters(reason);
        return letters.some((l) => detail.test(l.detail)) ? letters : undefined;
      });
      expect(found.some((l) => detail.test(l.detail))).toBe(true);
    });
  });
});

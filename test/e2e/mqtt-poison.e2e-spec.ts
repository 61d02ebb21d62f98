import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { encodeRecord } from '../../src/telemetry/ingest-record';
import { Spool } from '../../src/telemetry/spool';
import { freshStorage, pollUntil, startTestApp, type TestApp } from '../support/test-app';

/**
 * Poison messages: whatever a careless device or an attacker publishes, intake goes on. Every valid
 * message is stored, every bad one is dead-lettered exactly once, and the ingest checkpoint reaches
 * the end. Runs against the embedded broker, and against Mosquitto when MQTT_URL is set (CI).
 */

type Planned =
  | { kind: 'reading'; topic: string; payload: Buffer; ts: number; value: number }
  | { kind: 'rating'; topic: string; payload: Buffer; id: string }
  /** Bad topics go over a connection of their own: a strict broker (Mosquitto) may refuse them and disconnect. */
  | { kind: 'bad'; topic: string; payload: Buffer; badTopic: boolean };

/** What the dead-letter table keys a message by (DeadLettersRepository): the topic as it crossed the wire, and the payload. */
const fingerprintOf = (topic: string, payload: Buffer) =>
  createHash('sha256').update(Buffer.from(topic, 'utf8').toString('utf8')).update('\0').update(payload).digest('base64url');

const POISON_TEXT = ['\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\udca9y', `${'a'.repeat(199)}💩`, `${'ö'.repeat(511)}💩`, '💩'.repeat(300)];
const EXTREME_NUMBERS = ['1e309', '-1e309', '1e300', '-1e300', '8640000000000001', '-8640000000000001', '9007199254740993', '1e-320'];
const EXTREME_TIMES = ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z', '-000001-01-01T00:00:00Z'];

function arbitraries(prefix: string) {
  const soap = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap`;
  const checkin = `${prefix}/alpha-hq/1f-restroom/alpha-1f-checkin/cleaning_checkin`;
  const kiosk = `${prefix}/alpha-branch/entrance/alpha-branch-kiosk-1/rating`;
  const poison = fc.oneof(fc.constantFrom(...POISON_TEXT), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => `${s}\u0000`));
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  // JSON.stringify writes lone surrogates as \u escapes, which JSON.parse turns back into lone surrogates.
  const raw = (text: string) => Buffer.from(text);

  const reading = fc.integer({ min: 0, max: 100 }).map((value) => ({ kind: 'reading' as const, topic: `${soap}/soap_level`, value }));
  const rating = fc.integer({ min: 1, max: 4 }).map((score) => ({ kind: 'rating' as const, topic: kiosk, score }));
  const badTopic = fc
    .tuple(poison, fc.constantFrom('site', 'zone', 'device', 'signal', 'rating-device'), fc.nat(1_000_000))
    .map(([p, level, seq]) => {
      const topic = {
        site: `${prefix}/alpha-hq${p}/1f-restroom/alpha-1f-soap/soap_level`,
        zone: `${prefix}/alpha-hq/${p}/alpha-1f-soap/soap_level`,
        device: `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap${p}/soap_level`,
        signal: `${soap}/soap_level${p}`,
        'rating-device': `${prefix}/alpha-branch/entrance/${p}/rating`,
      }[level];
      return { kind: 'bad' as const, topic, payload: json({ value: 50, score: 3, seq }), badTopic: true };
    });
  const badPayload = fc.oneof(
    fc.tuple(poison, fc.nat()).map(([p, seq]) => ({ topic: checkin, payload: json({ tag: p, seq }) })),
    fc.tuple(poison, fc.nat()).map(([p, seq]) => ({ topic: `${soap}/senml`, payload: json([{ bn: 'x:', n: 'soap_level', v: 40, u: p, t: -seq - 1 }]) })),
    fc.tuple(poison, fc.nat()).map(([p, seq]) => ({ topic: `${prefix}/alpha-hq/1f-restroom/alpha-1f-checkin/senml`, payload: json([{ n: 'cleaning_checkin', vs: p, t: -seq - 1 }]) })),
    // 1e-320 is a fine soap level (0 %), so not among the bad values.
    fc.tuple(fc.constantFrom(...EXTREME_NUMBERS.filter((n) => n !== '1e-320')), fc.nat()).map(([n, seq]) => ({ topic: `${soap}/soap_level`, payload: raw(`{"value":${n},"seq":${seq}}`) })),
    fc.tuple(fc.constantFrom(...EXTREME_NUMBERS), fc.nat()).map(([n, seq]) => ({ topic: `${soap}/soap_level`, payload: raw(`{"value":50,"ts":${n},"seq":${seq}}`) })),
    fc.tuple(fc.constantFrom(...EXTREME_TIMES), fc.nat()).map(([t, seq]) => ({ topic: `${soap}/soap_level`, payload: json({ value: 50, ts: t, seq }) })),
    fc.tuple(fc.constantFrom(...EXTREME_NUMBERS), fc.nat()).map(([n, seq]) => ({ topic: kiosk, payload: raw(`{"score":3,"ts":${n},"id":"bad-${seq}"}`) })),
    fc.tuple(fc.constantFrom(...EXTREME_NUMBERS), fc.nat()).map(([n, seq]) => ({ topic: kiosk, payload: raw(`{"score":${n},"id":"bad-${seq}"}`) })),
    fc.tuple(fc.constantFrom(...EXTREME_TIMES), fc.nat()).map(([t, seq]) => ({ topic: kiosk, payload: json({ score: 3, ts: t, id: `bad-${seq}` }) })),
    fc.tuple(poison, fc.nat()).map(([p, seq]) => ({ topic: kiosk, payload: json({ score: 3, id: `${p}-${seq}` }) })),
    fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(`${soap}/soap_level`, kiosk, checkin)).map(([bytes, topic]) => ({ topic, payload: Buffer.concat([Buffer.from([0xff]), bytes]) })),
  );
  const bad = fc.oneof(badTopic, badPayload.map((m) => ({ kind: 'bad' as const, ...m, badTopic: false })));
  return fc.array(fc.oneof({ arbitrary: reading, weight: 3 }, { arbitrary: rating, weight: 1 }, { arbitrary: bad, weight: 4 }), { minLength: 20, maxLength: 60 });
}

describe('Poison messages over MQTT', () => {
  let sut: TestApp;
  let device: MqttClient;
  let readingSeq = 0;

  beforeAll(async () => {
    sut = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    device = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `poison-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await device.endAsync();
    await sut.close();
  });

  /** A message whose topic a strict broker may refuse, on a connection of its own: did the broker acknowledge it? */
  async function publishAlone(topic: string, payload: Buffer): Promise<boolean> {
    const client = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `poison-${randomUUID()}`, protocolVersion: 4, reconnectPeriod: 0 });
    try {
      const acked = client.publishAsync(topic, payload, { qos: 1 }).then(
        () => true,
        () => false,
      );
      const refused = new Promise<boolean>((resolve) => {
        client.once('close', () => resolve(false));
        setTimeout(() => resolve(false), 3_000).unref();
      });
      return await Promise.race([acked, refused]);
    } finally {
      client.end(true);
    }
  }

  const ingestHealth = async () => (await request(sut.http).get('/health')).body as { status: string; ingest: { backlogBytes: number; oldestUnstoredSeconds: number; retrying: unknown[] } };
  const idle = async () => {
    const health = await ingestHealth();
    return health.ingest.backlogBytes === 0 && health.ingest.oldestUnstoredSeconds === 0 && health.ingest.retrying.length === 0 ? health : undefined;
  };

  it('stores every valid message, dead-letters every bad one once, and reaches the end of the backlog', async () => {
    const prefix = sut.config.mqttTopicPrefix;
    await fc.assert(
      fc.asyncProperty(arbitraries(prefix), async (generated) => {
        const start = Date.now() - 60_000;
        const planned: Planned[] = generated.map((m) => {
          if (m.kind === 'reading') {
            const ts = start - readingSeq++ * 1_000;
            return { kind: 'reading', topic: m.topic, ts, value: m.value, payload: Buffer.from(JSON.stringify({ value: m.value, ts })) };
          }
          if (m.kind === 'rating') {
            const id = randomUUID();
            return { kind: 'rating', topic: m.topic, id, payload: Buffer.from(JSON.stringify({ score: m.score, ts: new Date().toISOString(), id })) };
          }
          return m;
        });

        const accepted: Planned[] = [];
        for (const m of planned) {
          if (m.kind === 'bad' && m.badTopic) {
            if (await publishAlone(m.topic, m.payload)) accepted.push(m);
          } else {
            await device.publishAsync(m.topic, m.payload, { qos: 1 });
            accepted.push(m);
          }
        }

        const readings = accepted.filter((m) => m.kind === 'reading');
        const ratings = accepted.filter((m) => m.kind === 'rating');
        const bad = new Set(accepted.filter((m) => m.kind === 'bad').map((m) => fingerprintOf(m.topic, m.payload)));
        const everyFingerprint = accepted.map((m) => fingerprintOf(m.topic, m.payload));

        // A publisher's PUBACK comes from the broker; the service stores behind it, so wait for everything to land.
        const storedReadings = () =>
          sut.dataSource.query<Array<{ ts: Date; value: number }>>(
            `SELECT r.ts, r.value FROM readings r JOIN devices d ON d.id = r.device_id
             WHERE d.key = 'alpha-1f-soap' AND r.signal = 'soap_level' AND r.ts = ANY($1::timestamptz[]) ORDER BY r.ts DESC`,
            [readings.map((r) => new Date(r.ts).toISOString())],
          );
        const storedRatings = () => sut.dataSource.query<Array<{ submission_id: string }>>(`SELECT submission_id FROM ratings WHERE submission_id = ANY($1)`, [ratings.map((r) => r.id)]);
        const letters = () =>
          sut.dataSource.query<Array<{ fingerprint: string; n: number }>>(
            `SELECT fingerprint, count(*)::int AS n FROM dead_letters WHERE fingerprint = ANY($1) GROUP BY fingerprint`,
            [everyFingerprint],
          );
        await pollUntil(async () => (await storedReadings()).length >= readings.length && (await storedRatings()).length >= ratings.length && (await letters()).length >= bad.size, 20_000);
        await pollUntil(idle, 20_000);

        expect((await storedReadings()).map((r) => [r.ts.getTime(), r.value])).toEqual(readings.map((r) => [r.ts, r.value]));
        expect((await storedRatings()).map((r) => r.submission_id).sort()).toEqual(ratings.map((r) => r.id).sort());
        const refused = await letters();
        expect(new Set(refused.map((l) => l.fingerprint))).toEqual(bad);
        expect(refused.every((l) => l.n === 1)).toBe(true);
      }),
      { numRuns: 4, endOnFailure: true },
    );
    const health = await ingestHealth();
    expect(health.status).toBe('ok');
  });

  it('dead-letters the one message that storage refuses and stores the rest of its batch', async () => {
    // A trigger stands in for any refusal by the database of one message's data.
    await sut.dataSource.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.value = 66.6 THEN RAISE EXCEPTION 'poisoned reading' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$`);
    await sut.dataSource.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    await sut.dataSource.query(`CREATE FUNCTION refuse_poison_rating() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.submission_id LIKE 'poison-%' THEN RAISE EXCEPTION 'poisoned rating' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$`);
    await sut.dataSource.query(`CREATE TRIGGER refuse_poison_rating BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION refuse_poison_rating()`);
    try {
      const prefix = sut.config.mqttTopicPrefix;
      const soap = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;
      const kiosk = `${prefix}/alpha-branch/entrance/alpha-branch-kiosk-1/rating`;
      const base = Date.now() - 3_600_000;
      const values = Array.from({ length: 41 }, (_, i) => (i === 20 ? 66.6 : i));
      for (const [i, value] of values.entries()) await device.publishAsync(soap, JSON.stringify({ value, ts: base + i * 1_000 }), { qos: 1 });
      const ids = ['ok-1', 'poison-1', 'ok-2'].map((id) => `${id}-${randomUUID()}`);
      for (const id of ids) await device.publishAsync(kiosk, JSON.stringify({ score: 2, id }), { qos: 1 });

      const refusedLetters = () => sut.dataSource.query<Array<{ payload: string; detail: string }>>(`SELECT payload, detail FROM dead_letters WHERE reason = 'storage_rejected' ORDER BY id`);
      const storedRatings = () => sut.dataSource.query<Array<{ submission_id: string }>>(`SELECT submission_id FROM ratings WHERE submission_id = ANY($1) ORDER BY submission_id`, [ids]);
      await pollUntil(async () => (await refusedLetters()).length >= 2 && (await storedRatings()).length >= 2, 20_000);
      await pollUntil(idle, 20_000);
      const stored = await sut.dataSource.query<Array<{ value: number }>>(
        `SELECT value FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key = 'alpha-1f-soap' AND r.ts >= $1 AND r.ts < $2 ORDER BY r.ts`,
        [new Date(base).toISOString(), new Date(base + 41_000).toISOString()],
      );
      expect(stored.map((r) => r.value)).toEqual(values.filter((v) => v !== 66.6));
      expect(await refusedLetters()).toEqual([
        { payload: expect.stringContaining('66.6'), detail: expect.stringContaining('poisoned reading') },
        { payload: expect.stringContaining('poison-1'), detail: expect.stringContaining('poisoned rating') },
      ]);
      expect((await storedRatings()).map((r) => r.submission_id)).toEqual([ids[0], ids[2]]);
    } finally {
      await sut.dataSource.query(`DROP TRIGGER refuse_poison ON readings; DROP FUNCTION refuse_poison()`);
      await sut.dataSource.query(`DROP TRIGGER refuse_poison_rating ON ratings; DROP FUNCTION refuse_poison_rating()`);
    }
  });
});

describe('A restart in the middle of a poisoned backlog', () => {
  it('recovers with nothing lost: valid readings stored, poison dead-lettered, the spool drained', async () => {
    const storage = await freshStorage();
    let sut = await startTestApp({ storage });
    const prefix = sut.config.mqttTopicPrefix;
    await sut.stop();
    try {
      // What the service had acknowledged into its spool before it died: valid readings between poison.
      const soap = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;
      const arrived = Date.now() - 30 * 60_000;
      const valid = Array.from({ length: 30 }, (_, i) => ({ topic: soap, payload: Buffer.from(JSON.stringify({ value: i, ts: arrived - i * 1_000 })) }));
      const poison = [
        { topic: `${prefix}/alpha-hq\u0000/1f-restroom/alpha-1f-soap/soap_level`, payload: Buffer.from('50') },
        { topic: `${prefix}/alpha-hq/1f-restroom/alpha-1f-checkin/cleaning_checkin`, payload: Buffer.from(JSON.stringify({ tag: 'a\u0000b' })) },
        { topic: `${prefix}/alpha-hq/1f-restroom/alpha-1f-checkin/cleaning_checkin`, payload: Buffer.from(JSON.stringify({ tag: '\ud800' })) },
        { topic: soap, payload: Buffer.from('{"value":50,"ts":8640000000000001}') },
        { topic: `${prefix}/alpha-hq/1f-restroom/${'a'.repeat(199)}💩/soap_level`, payload: Buffer.from('50') },
      ];
      const backlog = valid.flatMap((m, i) => (i % 6 === 0 && poison[i / 6] ? [poison[i / 6], m] : [m]));
      const spool = Spool.open(join(storage.dataDir, 'spool'));
      for (const m of backlog) spool.append(encodeRecord({ ...m, receivedAt: new Date(arrived) }));
      spool.flush();
      spool.close();

      sut = await startTestApp({ storage, env: { MQTT_TOPIC_PREFIX: prefix } });
      await pollUntil(async () => {
        const { ingest } = (await request(sut.http).get('/health')).body as { ingest: { backlogBytes: number; oldestUnstoredSeconds: number } };
        return ingest.backlogBytes === 0 && ingest.oldestUnstoredSeconds === 0;
      }, 20_000);
      const stored = await sut.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key = 'alpha-1f-soap'`);
      expect(stored).toEqual([{ n: valid.length }]);
      const letters = await sut.dataSource.query<Array<{ reason: string }>>(`SELECT reason FROM dead_letters ORDER BY id`);
      expect(letters.map((l) => l.reason).sort()).toEqual(['bad_topic', 'bad_topic', 'malformed', 'malformed', 'malformed']);
    } finally {
      await sut.close();
    }
  });
});

import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/platform/access/roles';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { ReadingBatch } from '../../src/telemetry/reading-batch';
import { TelemetryRepository } from '../../src/telemetry/telemetry.repository';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

describe('Sensor telemetry over MQTT', () => {
  let sut: TestApp;
  let sensor: MqttClient;
  let soapTopic: (signal: string) => string;

  beforeAll(async () => {
    sut = await startTestApp();
    soapTopic = (signal) => `${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/alpha-1f-soap/${signal}`;
    sensor = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await sensor.endAsync();
    await sut.close();
  });

  const publish = (topic: string, payload: string) => sensor.publishAsync(topic, payload, { qos: 1 });
  const readings = (signal: string) =>
    sut.dataSource.query<Array<{ value: number; ts: Date }>>(
      `SELECT r.value, r.ts FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key = 'alpha-1f-soap' AND r.signal = $1 ORDER BY r.ts`,
      [signal],
    );
  const deadLetters = (reason: string) => sut.dataSource.query<Array<{ topic: string; detail: string; device_ref: string | null }>>('SELECT topic, detail, device_ref FROM dead_letters WHERE reason = $1', [reason]);

  it('stores a JSON reading with its own time, and a bare number at its time of arrival', async () => {
    const ts = new Date(Date.now() - 60_000);
    await publish(soapTopic('soap_level'), JSON.stringify({ value: 42, ts: ts.toISOString() }));
    const before = Date.now();
    await publish(soapTopic('battery'), '87');
    const soap = await pollUntil(async () => ((await readings('soap_level')).length ? readings('soap_level') : undefined));
    expect(soap).toEqual([{ value: 42, ts }]);
    const battery = await pollUntil(async () => ((await readings('battery')).length ? readings('battery') : undefined));
    expect(battery[0]?.value).toBe(87);
    expect(battery[0].ts.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('stores a SenML pack with base name, time and unit as one reading per record', async () => {
    const bt = Math.floor(Date.now() / 1000) - 600;
    const pack = [
      { bn: 'urn:dev:xla:alpha-1f-soap:', bt, bu: '%', n: 'soap_level', v: 71 },
      { n: 'soap_level', t: 60, v: 0.7, u: '/' },
      { n: 'battery', t: 60, v: 91 },
    ];
    await publish(`${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/alpha-1f-soap/senml`, JSON.stringify(pack));
    const packTimes = [bt * 1000, (bt + 60) * 1000];
    const soap = await pollUntil(async () => {
      const rows = (await readings('soap_level')).filter((r) => packTimes.includes(r.ts.getTime()));
      return rows.length === 2 ? rows : undefined;
    });
    expect(soap).toEqual([
      { value: 71, ts: new Date(bt * 1000) },
      { value: 70, ts: new Date((bt + 60) * 1000) },
    ]);
    expect((await readings('battery')).some((r) => r.value === 91 && r.ts.getTime() === (bt + 60) * 1000)).toBe(true);
  });

  it('stores a redelivered message once', async () => {
    const payload = JSON.stringify({ value: 55, ts: Date.now() - 30_000 });
    await publish(soapTopic('soap_level'), payload);
    await publish(soapTopic('soap_level'), payload);
    await pollUntil(async () => (await readings('soap_level')).some((r) => r.value === 55));
    // A later message being stored proves the duplicate was handled, not still pending.
    await publish(soapTopic('soap_level'), JSON.stringify({ value: 56, ts: Date.now() - 20_000 }));
    await pollUntil(async () => (await readings('soap_level')).some((r) => r.value === 56));
    expect((await readings('soap_level')).filter((r) => r.value === 55)).toHaveLength(1);
  });

  it('dead-letters an unknown device, an undeclared signal and a malformed payload, with the device and reason', async () => {
    await publish(`${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/ghost/soap_level`, '12');
    await publish(soapTopic('co2'), '600');
    await publish(soapTopic('soap_level'), '{"value":');
    await pollUntil(async () => (await deadLetters('unknown_device')).length === 1 && (await deadLetters('undeclared_signal')).length === 1 && (await deadLetters('malformed')).length >= 1);
    expect((await deadLetters('undeclared_signal'))[0]).toMatchObject({ device_ref: 'alpha-hq.alpha-1f-soap', detail: expect.stringContaining('co2') });
  });

  it('serves readings and dead letters to the right client only', async () => {
    const alpha = await sut.keyFor('fm_manager', 'alpha');
    const beta = await sut.keyFor('fm_manager', 'beta');
    const mine = await request(sut.http).get('/api/v1/readings?device=alpha-hq.alpha-1f-soap&signal=soap_level').set('Authorization', `Bearer ${alpha}`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: { value: number }) => r.value)).toEqual(expect.arrayContaining([42, 55, 56]));
    const theirs = await request(sut.http).get('/api/v1/readings?device=alpha-hq.alpha-1f-soap').set('Authorization', `Bearer ${beta}`);
    expect(theirs.body.items).toEqual([]);

    const letters = await request(sut.http).get('/api/v1/dead-letters?reason=undeclared_signal').set('Authorization', `Bearer ${alpha}`);
    expect(letters.body.items).toEqual([expect.objectContaining({ reason: 'undeclared_signal', device: 'alpha-hq.alpha-1f-soap' })]);
    const betaLetters = await request(sut.http).get('/api/v1/dead-letters').set('Authorization', `Bearer ${beta}`);
    expect(betaLetters.body.total).toBe(0);
    const viewer = await sut.keyFor('client_viewer', 'alpha');
    expect((await request(sut.http).get('/api/v1/dead-letters').set('Authorization', `Bearer ${viewer}`)).status).toBe(403);
  });

  it('shows a cleaner’s check-in tag to admin and fm_manager, and to the other roles a stable pseudonym per tag', async () => {
    const [device] = await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM devices WHERE key = 'alpha-1f-checkin'`);
    const at = Date.now() - 2 * 3_600_000;
    const batch = new ReadingBatch();
    // Stored directly, without a health update, so the reader stays offline for the device-status test.
    ['badge-anna-7', 'badge-anna-7', 'badge-bo-3'].forEach((tag, i) => batch.push({ deviceId: device.id, signal: 'cleaning_checkin', ts: at + i * 60_000, value: 1, tag, receivedAt: at }));
    await sut.app.get(TelemetryRepository).insertReadings(batch, []);
    const seenBy = async (role: Role) => {
      const key = await sut.keyFor(role, role === 'admin' ? undefined : 'alpha');
      const res = await request(sut.http).get('/api/v1/readings?device=alpha-hq.alpha-1f-checkin&signal=cleaning_checkin').set('Authorization', `Bearer ${key}`);
      expect(res.status).toBe(200);
      return { text: res.text, items: (res.body.items as Array<Record<string, unknown>>).reverse() };
    };
    const tags = ['badge-anna-7', 'badge-anna-7', 'badge-bo-3'];
    expect((await seenBy('fm_manager')).items.map((r) => r.tag)).toEqual(tags);
    expect((await seenBy('admin')).items.map((r) => r.tag)).toEqual(tags);

    const viewer = await seenBy('client_viewer');
    const [anna, annaAgain, bo] = viewer.items.map((r) => r.tag);
    expect(anna).toMatch(/^staff-[0-9a-f]{12}$/);
    expect(annaAgain).toBe(anna);
    expect(bo).toMatch(/^staff-[0-9a-f]{12}$/);
    expect(bo).not.toBe(anna);
    expect(viewer.text).not.toContain('badge');
    expect(Object.keys(viewer.items[0]).sort()).toEqual(['receivedAt', 'signal', 'tag', 'ts', 'value']);
    expect((await seenBy('account_manager')).items.map((r) => r.tag)).toEqual([anna, anna, bo]);
  });

  it('keeps readings in monthly partitions made ahead of time', async () => {
    const partitions = await sut.dataSource.query<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings' ORDER BY 1`,
    );
    const month = (offset: number) => {
      const d = new Date();
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
      return `readings_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(partitions.map((p) => p.name)).toEqual(expect.arrayContaining([month(0), month(1), month(2), 'readings_default']));
    const [{ n }] = await sut.dataSource.query(`SELECT count(*)::int AS n FROM readings_default`);
    expect(n).toBe(0);
  });

  it('keeps hourly aggregates per zone and signal, counting people from a counter through a reset', async () => {
    const base = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000; // an hour of its own, well inside the age limit
    const counter = `${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/alpha-1f-counter/people_count`;
    // 100 → 130 → 150, then the counter resets to 0 and goes on to 20: 50 + 20 people.
    const values = [100, 130, 150, 0, 20];
    for (const [i, value] of values.entries()) await publish(counter, JSON.stringify({ value, ts: base + (i + 1) * 60_000 }));
    for (const [i, value] of [40, 60, 20].entries()) await publish(soapTopic('soap_level'), JSON.stringify({ value, ts: base + (i + 1) * 60_000 }));

    const admin = await sut.keyFor('fm_manager', 'alpha');
    const from = encodeURIComponent(new Date(base).toISOString());
    const to = encodeURIComponent(new Date(base + 3_600_000).toISOString());
    const people = await pollUntil(async () => {
      const res = await request(sut.http).get(`/api/v1/zones/alpha-hq.1f-restroom/signals/people_count/hourly?from=${from}&to=${to}`).set('Authorization', `Bearer ${admin}`);
      const items = (res.body as { items?: Array<Record<string, unknown>> }).items;
      return items?.[0]?.n === values.length ? items : undefined;
    });
    expect(people).toEqual([{ hour: new Date(base).toISOString(), n: 5, sum: 70, min: 0, max: 150, avg: 14 }]);
    const soap = await pollUntil(async () => {
      const res = await request(sut.http).get(`/api/v1/zones/alpha-hq.1f-restroom/signals/soap_level/hourly?from=${from}&to=${to}`).set('Authorization', `Bearer ${admin}`);
      const items = (res.body as { items?: Array<Record<string, unknown>> }).items;
      return items?.[0]?.n === 3 ? items : undefined;
    });
    expect(soap[0]).toMatchObject({ n: 3, sum: 120, min: 20, max: 60, avg: 40 });

    // A redelivered reading changes nothing.
    await publish(counter, JSON.stringify({ value: 150, ts: base + 3 * 60_000 }));
    await publish(soapTopic('soap_level'), JSON.stringify({ value: 61, ts: Date.now() - 1_000 }));
    await pollUntil(async () => (await readings('soap_level')).some((r) => r.value === 61));
    const again = await request(sut.http).get(`/api/v1/zones/alpha-hq.1f-restroom/signals/people_count/hourly?from=${from}&to=${to}`).set('Authorization', `Bearer ${admin}`);
    expect(again.body.items[0]).toMatchObject({ n: 5, sum: 70 });

    const unknown = await request(sut.http).get('/api/v1/zones/alpha-hq.1f-restroom/signals/rating/hourly').set('Authorization', `Bearer ${admin}`);
    expect(unknown.status).toBe(400);
    const beta = await sut.keyFor('fm_manager', 'beta');
    const foreign = await request(sut.http).get(`/api/v1/zones/alpha-hq.1f-restroom/signals/people_count/hourly?from=${from}&to=${to}`).set('Authorization', `Bearer ${beta}`);
    expect(foreign.body.items).toEqual([]);
  });

  it('tells online devices from offline ones by their last message and expected interval', async () => {
    const admin = await sut.keyFor('admin');
    const online = await request(sut.http).get('/api/v1/devices?status=online&limit=200').set('Authorization', `Bearer ${admin}`);
    expect(online.body.items.map((d: { ref: string }) => d.ref).sort()).toEqual(['alpha-hq.alpha-1f-counter', 'alpha-hq.alpha-1f-soap']);
    expect(online.body.items.find((d: { ref: string }) => d.ref === 'alpha-hq.alpha-1f-soap')).toMatchObject({ status: 'online', lastBattery: 87, lastSeenAt: expect.any(String) });
    const offline = await request(sut.http).get('/api/v1/devices?status=offline&limit=200').set('Authorization', `Bearer ${admin}`);
    expect(offline.body.items.map((d: { ref: string }) => d.ref)).toEqual(expect.arrayContaining(['beta-hq.beta-1f-soap', 'alpha-branch.alpha-branch-kiosk-1']));
    expect(offline.body.items.every((d: { status: string; lastSeenAt: unknown }) => d.status === 'offline')).toBe(true);
  });

  it('drops raw readings a month at a time past retention, keeping their hourly aggregates', async () => {
    const repository = sut.app.get(TelemetryRepository);
    const longAgo = new Date(Date.UTC(2024, 0, 15));
    await repository.ensurePartitions(longAgo, 0);
    const [device] = await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM devices WHERE key = 'alpha-1f-soap'`);
    const batch = new ReadingBatch();
    batch.push({ deviceId: device.id, signal: 'soap_level', ts: longAgo.getTime(), value: 33, receivedAt: longAgo.getTime() });
    await repository.insertReadings(batch, []);
    const month = `SELECT count(*)::int AS n FROM readings WHERE ts >= '2024-01-01' AND ts < '2024-02-01'`;
    await expect(sut.dataSource.query(month)).resolves.toEqual([{ n: 1 }]);

    const dropped = await repository.dropPartitionsBefore(new Date(Date.UTC(2024, 6, 1)));
    expect(dropped).toEqual(['readings_2024_01']);
    await expect(sut.dataSource.query(month)).resolves.toEqual([{ n: 0 }]);
    const hourly = await sut.dataSource.query(`SELECT n, sum FROM readings_hourly WHERE hour = '2024-01-15T00:00:00Z' AND signal = 'soap_level'`);
    expect(hourly).toEqual([{ n: 1, sum: 33 }]);
  });

  it('stores a batch that meets readings already stored (a replay) once, adding only the new ones to their hour', async () => {
    const repository = sut.app.get(TelemetryRepository);
    const [row] = await sut.dataSource.query<Array<{ id: string; zone_id: string }>>(`SELECT id, zone_id FROM devices WHERE key = 'alpha-1f-soap'`);
    const hour = Date.UTC(2025, 4, 6, 10);
    const batchOf = (...readings: Array<[minute: number, value: number]>) => {
      const batch = new ReadingBatch();
      for (const [minute, value] of readings) batch.push({ deviceId: row.id, signal: 'paper_level', ts: hour + minute * 60_000, value, receivedAt: hour + minute * 60_000 });
      return batch;
    };
    const aggregate = () => sut.dataSource.query(`SELECT n, sum, min, max FROM readings_hourly WHERE zone_id = $1 AND signal = 'paper_level' AND hour = $2`, [row.zone_id, new Date(hour)]);

    await expect(repository.insertReadings(batchOf([1, 10], [2, 20]), [])).resolves.toBe(2);
    // Two stored already, one new, and the new one twice in the same batch.
    await expect(repository.insertReadings(batchOf([1, 10], [3, 30], [2, 20], [3, 30]), [])).resolves.toBe(1);
    await expect(aggregate()).resolves.toEqual([{ n: 3, sum: 60, min: 10, max: 30 }]);
    const stored = await sut.dataSource.query(`SELECT value FROM readings WHERE device_id = $1 AND signal = 'paper_level' ORDER BY ts`, [row.id]);
    expect(stored).toEqual([{ value: 10 }, { value: 20 }, { value: 30 }]);
  });
});

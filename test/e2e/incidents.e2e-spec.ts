import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { DEVICE_OFFLINE_JOB, DeviceOfflineService } from '../../src/operations/device-offline.service';
import { Clock } from '../../src/platform/clock';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

describe('Incidents', () => {
  let sut: TestApp;
  let manager: string;
  let restroomToken: string;

  beforeAll(async () => {
    sut = await startTestApp();
    manager = await sut.keyFor('fm_manager', 'alpha');
    restroomToken = await sut.tokenOf('alpha-1f-restroom-qr');
  });
  afterAll(() => sut.close());

  const report = (category: string, id = randomUUID()) => request(sut.http).post('/api/v1/incidents').send({ token: restroomToken, category, id });
  const incidents = async (query: Record<string, string> = {}, key = manager) =>
    (await request(sut.http).get('/api/v1/incidents').query(query).set('Authorization', `Bearer ${key}`).expect(200)).body.items as Array<Record<string, unknown>>;
  const act = (id: string, action: 'ack' | 'resolve', key = manager) => request(sut.http).post(`/api/v1/incidents/${id}/${action}`).set('Authorization', `Bearer ${key}`);

  it('opens one incident for ten reports of no soap within five minutes, counting them, and resolves it on a refill', async () => {
    const first = randomUUID();
    for (let i = 0; i < 10; i++) await report('out_of_supplies', i === 0 ? first : undefined).expect(201);
    await report('out_of_supplies', first).expect(201); // a retry of the first: no eleventh report
    const [open] = await incidents({ status: 'open' });
    expect(open).toMatchObject({ zone: 'alpha-hq.1f-restroom', category: 'out_of_supplies', priority: 'high', origin: 'report', status: 'open', reports: 10, responseS: null, resolutionS: null });
    expect(await incidents({ status: 'open' })).toHaveLength(1);

    await request(sut.http)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${manager}`)
      .send({ zone: 'alpha-hq.1f-restroom', kind: 'refill', consumable: 'soap', tag: 'cleaner-3', ts: new Date().toISOString() })
      .expect(201);
    const [resolved] = await incidents({ status: 'resolved' });
    expect(resolved).toMatchObject({ id: open.id, status: 'resolved', resolution: 'auto', resolvedBy: 'refill:cleaner-3' });
    // The next report opens a new incident: the old one is put right.
    await report('out_of_supplies').expect(201);
    expect(await incidents({ status: 'open' })).toEqual([expect.objectContaining({ reports: 1, category: 'out_of_supplies' })]);
  });

  it('is acknowledged and resolved by staff, who is recorded; another client gets 404 and a viewer may not act', async () => {
    await report('leak').expect(201);
    const [leak] = (await incidents({ status: 'open' })).filter((i) => i.category === 'leak');
    expect(leak).toMatchObject({ priority: 'critical' });
    await act(String(leak.id), 'ack', await sut.keyFor('fm_manager', 'beta')).expect(404);
    await act(String(leak.id), 'resolve', await sut.keyFor('fm_manager', 'beta')).expect(404);
    await request(sut.http).get(`/api/v1/incidents/${String(leak.id)}`).set('Authorization', `Bearer ${await sut.keyFor('client_viewer', 'beta')}`).expect(404);
    await act(String(leak.id), 'ack', await sut.keyFor('client_viewer', 'alpha')).expect(403);

    const acked = (await act(String(leak.id), 'ack').expect(200)).body;
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.stringMatching(/^key:/), responseS: expect.any(Number) });
    // Again: nothing changes.
    expect((await act(String(leak.id), 'ack').expect(200)).body.acknowledgedAt).toBe(acked.acknowledgedAt);
    const resolved = (await act(String(leak.id), 'resolve').expect(200)).body;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'manual', resolvedBy: acked.acknowledgedBy });
    await act(randomUUID(), 'ack').expect(404);
    await act('not-a-uuid', 'ack').expect(400);
  });

  it('opens one through the API, or answers the open one of that zone and category', async () => {
    const body = { category: 'spill' };
    const open = (key = manager, zone = 'alpha-hq.kitchen') => request(sut.http).post(`/api/v1/zones/${zone}/incidents`).set('Authorization', `Bearer ${key}`);
    const opened = await open().send(body).expect(201);
    expect(opened.body).toMatchObject({ origin: 'api', status: 'open', reports: 0, zone: 'alpha-hq.kitchen' });
    const again = await open().send(body).expect(200);
    expect(again.body.id).toBe(opened.body.id);
    await open().send({ category: 'haunting' }).expect(400);
    await open(await sut.keyFor('fm_manager', 'beta')).send(body).expect(404);
    await open(manager, 'alpha-hq.nowhere').send(body).expect(404);
  });

  it('opens one when the soap dispenser runs out, joins reports to it, and resolves it when the level is back', async () => {
    // Whatever earlier tests left open in the restroom is put right first.
    for (const open of (await incidents({ status: 'open' })).filter((i) => i.category === 'out_of_supplies')) await act(String(open.id), 'resolve').expect(200);
    const dispenser: MqttClient = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `soap-${randomUUID()}`, protocolVersion: 4 });
    const soap = (value: number, ts: number) => dispenser.publishAsync(`${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`, JSON.stringify({ value, ts }), { qos: 1 });
    try {
      const ranOut = Date.now() - 120_000;
      await soap(40, ranOut - 60_000);
      await soap(5, ranOut);
      const opened = await pollUntil(async () => (await incidents({ status: 'open' })).find((i) => i.category === 'out_of_supplies'));
      expect(opened).toMatchObject({ origin: 'sensor', priority: 'high', reports: 0, openedAt: new Date(ranOut).toISOString() });
      await report('out_of_supplies').expect(201);
      expect((await request(sut.http).get(`/api/v1/incidents/${String(opened.id)}`).set('Authorization', `Bearer ${manager}`).expect(200)).body.reports).toBe(1);
      // 15 % is between the lines: nothing changes; 80 % puts it right.
      await soap(15, ranOut + 30_000);
      await soap(80, ranOut + 60_000);
      const resolved = await pollUntil(async () => (await incidents({ status: 'resolved' })).find((i) => i.id === opened.id));
      expect(resolved).toMatchObject({ resolution: 'auto', resolvedBy: 'sensor:soap_level', resolvedAt: new Date(ranOut + 60_000).toISOString() });

      // A flapping dispenser: each time it runs out and comes back is an incident of its own, however the readings are batched.
      await Promise.all([soap(4, ranOut + 70_000), soap(90, ranOut + 80_000), soap(3, ranOut + 90_000), soap(95, ranOut + 100_000)]);
      const flaps = await pollUntil(async () => {
        const found = (await incidents({ status: 'resolved' })).filter((i) => i.origin === 'sensor' && Date.parse(String(i.openedAt)) > ranOut + 60_000);
        return found.length === 2 ? found : undefined;
      });
      expect(flaps.map((i) => [i.openedAt, i.resolvedAt]).sort()).toEqual([
        [new Date(ranOut + 70_000).toISOString(), new Date(ranOut + 80_000).toISOString()],
        [new Date(ranOut + 90_000).toISOString(), new Date(ranOut + 100_000).toISOString()],
      ]);
    } finally {
      await dispenser.endAsync();
    }
  });

  it('resolves a spill when a cleaner checks in over MQTT', async () => {
    const handheld: MqttClient = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `incidents-${randomUUID()}`, protocolVersion: 4 });
    try {
      await report('spill').expect(201);
      await handheld.publishAsync(`${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/alpha-1f-checkin/event`, JSON.stringify({ kind: 'checkin', tag: 'cleaner-5', ts: Date.now() }), { qos: 1 });
      const spill = await pollUntil(async () => (await incidents({ status: 'resolved' })).find((i) => i.category === 'spill' && i.zone === 'alpha-hq.1f-restroom'));
      expect(spill).toMatchObject({ resolution: 'auto', resolvedBy: 'checkin:cleaner-5' });
    } finally {
      await handheld.endAsync();
    }
  });

  it('keeps device_offline off the QR page and its API: only the system opens those', async () => {
    await report('device_offline').expect(400);
    const page = await request(sut.http).get(`/r/${restroomToken}/report`).expect(200);
    expect(page.text).toContain('value="leak"');
    expect(page.text).not.toContain('device_offline');
  });

  describe('device offline', () => {
    const HOUR = 3_600_000;
    const MIN = 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    let kiosk: MqttClient;
    let job: DeviceOfflineService;
    let now: number;

    beforeEach(async () => {
      // The tests drive the job's minutes and the clock themselves.
      const registry = sut.app.get(SchedulerRegistry);
      if (registry.doesExist('interval', DEVICE_OFFLINE_JOB)) registry.deleteInterval(DEVICE_OFFLINE_JOB);
      job = sut.app.get(DeviceOfflineService);
      jest.spyOn(sut.app.get(Clock), 'now').mockImplementation(() => new Date(now));
      kiosk = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `kiosk-${randomUUID()}`, protocolVersion: 4 });
    });
    afterEach(async () => {
      jest.restoreAllMocks();
      await kiosk.endAsync();
    });

    /** The entrance kiosk (interval 1 h) reports its battery at the clock's time; ingest records when it was heard. */
    const kioskHeard = async () => {
      const at = now;
      await kiosk.publishAsync(`${sut.config.mqttTopicPrefix}/alpha-branch/entrance/alpha-branch-kiosk-1/battery`, JSON.stringify({ value: 80, ts: at }), { qos: 1 });
      await pollUntil(async () => {
        const [row] = await sut.dataSource.query<Array<{ seen: Date }>>(
          `SELECT h.last_seen_at AS seen FROM device_health h JOIN devices d ON d.id = h.device_id WHERE d.key = 'alpha-branch-kiosk-1'`,
        );
        return row?.seen.getTime() === at;
      });
    };
    const runAt = async (ms: number) => {
      now = ms;
      await expect(job.tick()).resolves.toBe(true);
    };
    const entrance = async (query: Record<string, string> = {}) => (await incidents(query)).filter((i) => i.zone === 'alpha-branch.entrance' && i.category === 'device_offline');

    it('opens one incident when a device goes silent for three intervals, and resolves it when it is heard again', async () => {
      const t0 = Math.floor(Date.now() / 1000) * 1000;
      now = t0;
      await kioskHeard();
      // Silent for exactly three intervals is still online.
      await runAt(t0 + 3 * HOUR);
      expect(await entrance()).toEqual([]);

      await runAt(t0 + 3 * HOUR + MIN);
      const [opened, ...more] = await entrance();
      expect(more).toEqual([]);
      expect(opened).toMatchObject({
        category: 'device_offline',
        priority: 'medium',
        origin: 'sensor',
        status: 'open',
        reports: 0,
        openedAt: iso(t0 + 3 * HOUR),
        acknowledgedAt: null,
        resolvedAt: null,
        resolvedBy: null,
        resolution: null,
        targets: { respondS: 3600, resolveS: 8 * 3600 },
      });
      // The next minute: still the one incident.
      await runAt(t0 + 3 * HOUR + 2 * MIN);
      expect((await entrance()).map((i) => [i.id, i.status])).toEqual([[opened.id, 'open']]);

      now = t0 + 3 * HOUR + 5 * MIN;
      await kioskHeard();
      await runAt(t0 + 3 * HOUR + 6 * MIN);
      expect(await entrance()).toEqual([
        expect.objectContaining({ id: opened.id, status: 'resolved', resolution: 'auto', resolvedBy: 'sensor:device_health', resolvedAt: iso(t0 + 3 * HOUR + 5 * MIN) }),
      ]);
    });

    it('opens nothing for a retired device, nor in a zone whose contract has ended', async () => {
      // A day on: after whatever minutes the job ran before.
      const t0 = Math.floor(Date.now() / 1000) * 1000 + 24 * HOUR;
      now = t0;
      await kioskHeard();
      try {
        await sut.dataSource.query(`UPDATE devices SET retired_at = now() WHERE key = 'alpha-branch-kiosk-1'`);
        await runAt(t0 + 4 * HOUR);
        expect(await entrance({ status: 'open' })).toEqual([]);

        await sut.dataSource.query(`UPDATE devices SET retired_at = NULL WHERE key = 'alpha-branch-kiosk-1'`);
        await sut.dataSource.query(`UPDATE contracts SET ends_on = '2026-06-30' WHERE key = 'alpha-fm'`);
        await runAt(t0 + 4 * HOUR + MIN);
        expect(await entrance({ status: 'open' })).toEqual([]);

        // The same silence under a running contract opens one.
        await sut.dataSource.query(`UPDATE contracts SET ends_on = NULL WHERE key = 'alpha-fm'`);
        await runAt(t0 + 4 * HOUR + 2 * MIN);
        expect(await entrance({ status: 'open' })).toEqual([expect.objectContaining({ openedAt: iso(t0 + 3 * HOUR) })]);
      } finally {
        await sut.dataSource.query(`UPDATE devices SET retired_at = NULL WHERE key = 'alpha-branch-kiosk-1'`);
        await sut.dataSource.query(`UPDATE contracts SET ends_on = NULL WHERE key = 'alpha-fm'`);
      }
    });
  });
});

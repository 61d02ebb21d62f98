import { DateTime } from 'luxon';
import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SlaFactsService } from '../../src/operations/sla-facts.service';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { fixtureContracts, pollUntil, startTestApp, type TestApp } from '../support/test-app';

const TZ = 'Europe/Stockholm';
const FIELDS = ['serviceMinutes', 'occupiedMinutes', 'comfortableMinutes', 'deviceOnlineMinutes', 'deviceExpectedMinutes'] as const;

describe('SLA facts of comfort and device uptime, and the intervals behind them', () => {
  let sut: TestApp;
  let contractsDir: string;
  let sensors: MqttClient;
  // Yesterday at the site: a whole past day.
  const day = DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate()!;
  const local = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: TZ });
  const iso = (hhmm: string) => local(hhmm).toUTC().toISO({ suppressMilliseconds: false })!;

  beforeAll(async () => {
    contractsDir = fixtureContracts('sla-facts');
    const file = join(contractsDir, 'alpha.yaml');
    // Both Alpha sites open every day; stricter comfort than the defaults (CO2 ≤ 900 ppm, 21–24 °C); the kitchen counts
    // people and measures the air, the branch entrance only measures the air (next to its kiosk).
    const kitchenDevices = `            scale: nps11
        devices:
          - key: alpha-kitchen-counter
            signals: [people_count]
            interval: 5m
          - key: alpha-kitchen-air
            signals: [co2, temperature]
            interval: 10m
`;
    const restroomAir = `          - key: alpha-1f-air
            signals: [co2, temperature]
            interval: 10m
`;
    const entranceDevices = `          - key: alpha-branch-air
            signals: [co2, temperature]
            interval: 15m
          - key: alpha-branch-kiosk-1
`;
    const yaml = readFileSync(file, 'utf8')
      .replace('  starts: 2026-01-01\n', '  starts: 2026-01-01\ncomfort: { co2Max: 900, temperature: [21, 24] }\n')
      .replace('      mon-fri: "07:00-18:00"\n', '      mon-sun: "07:00-18:00"\n')
      .replace('      mon-fri: "08:00-17:00"\n', '      mon-sun: "08:00-17:00"\n')
      .replace('          - key: alpha-1f-counter\n', `${restroomAir}          - key: alpha-1f-counter\n`)
      .replace('            scale: nps11\n', kitchenDevices)
      .replace('          - key: alpha-branch-kiosk-1\n', entranceDevices);
    writeFileSync(file, yaml);
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    // The service's own credential: these tests are about the facts, not device identity.
    sensors = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `sla-facts-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await sensors.endAsync();
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const publish = (path: string, signal: string, hhmm: string, value: number) =>
    sensors.publishAsync(`${sut.config.mqttTopicPrefix}/${path}/${signal}`, JSON.stringify({ value, ts: local(hhmm).toMillis() }), { qos: 1 });
  const air = async (path: string, hhmm: string, co2: number | null, temperature: number | null) => {
    if (co2 !== null) await publish(path, 'co2', hhmm, co2);
    if (temperature !== null) await publish(path, 'temperature', hhmm, temperature);
  };
  const wholeDay = (zone: string) => ({ zone, from: local('00:00').toUTC().toISO()!, to: local('00:00').plus({ days: 1 }).toUTC().toISO()! });
  const facts = async (zone: string) => {
    const res = await request(sut.http)
      .get('/api/v1/sla-facts')
      .query(wholeDay(zone))
      .set('Authorization', `Bearer ${await sut.keyFor('client_viewer', 'alpha')}`)
      .expect(200);
    return res.body.items as Array<Record<string, number | string>>;
  };
  const totals = (rows: Array<Record<string, number | string>>) => Object.fromEntries(FIELDS.map((f) => [f, rows.reduce((n, r) => n + Number(r[f]), 0)]));
  /** Recomputes until the day's totals are these (the marks of the last readings may still be on their way). */
  const recomputedTo = async (zone: string, expected: Record<(typeof FIELDS)[number], number>) => {
    let rows: Array<Record<string, number | string>> = [];
    await pollUntil(async () => {
      await sut.app.get(SlaFactsService).catchUp();
      rows = await facts(zone);
      return JSON.stringify(totals(rows)) === JSON.stringify(expected);
    }).catch(() => undefined);
    expect(totals(rows)).toEqual(expected);
    return rows;
  };

  it('counts occupied minutes with comfort known, comfortable ones by the contract, and device minutes, from real readings', async () => {
    const counter = 'alpha-hq/kitchen/alpha-kitchen-counter';
    const kitchen = 'alpha-hq/kitchen/alpha-kitchen-air';
    // The first count is the baseline; 3 people at 09:00 (occupied 09:00-09:15), nobody at 09:10, 7 at 12:00.
    await publish(counter, 'people_count', '07:00', 100);
    await publish(counter, 'people_count', '09:00', 103);
    await publish(counter, 'people_count', '09:10', 103);
    await publish(counter, 'people_count', '12:00', 110);
    // Each reading holds 30 minutes: CO2 950 from 09:05 is over this contract's 900; 20.5 °C at 12:00 is below its 21 until 22.5 at 12:10.
    await air(kitchen, '08:55', 800, 22);
    await air(kitchen, '09:05', 950, 22);
    await air(kitchen, '12:00', 600, 20.5);
    await air(kitchen, '12:10', null, 22.5);
    await pollUntil(async () => {
      const [{ n }] = await sut.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key LIKE 'alpha-kitchen-%'`);
      return n === 11;
    });

    const rows = await recomputedTo('alpha-hq.kitchen', {
      serviceMinutes: 11 * 60,
      // 09:00-09:15 and 12:00-12:15, comfort known throughout.
      occupiedMinutes: 30,
      // 09:00-09:05 (CO2 800, 22 °C) and 12:10-12:15 (CO2 600, 22.5 °C).
      comfortableMinutes: 10,
      // Counter (online 15 min from a reading): 07:00-07:15, 09:00-09:25, 12:00-12:15 = 55; air (30 min): 08:55-09:35, 12:00-12:40 = 80.
      deviceOnlineMinutes: 135,
      deviceExpectedMinutes: 2 * 11 * 60,
    });
    expect(rows.find((r) => r.hour === iso('08:00'))).toMatchObject({ occupiedMinutes: 0, comfortableMinutes: 0, deviceOnlineMinutes: 5, deviceExpectedMinutes: 120 });
    expect(rows.find((r) => r.hour === iso('09:00'))).toMatchObject({ occupiedMinutes: 15, comfortableMinutes: 5, deviceOnlineMinutes: 60, deviceExpectedMinutes: 120 });
    expect(rows.find((r) => r.hour === iso('12:00'))).toMatchObject({ occupiedMinutes: 15, comfortableMinutes: 5, deviceOnlineMinutes: 55, deviceExpectedMinutes: 120 });
  });

  it('takes every service minute as occupied in a zone without a people counter, and a silent device as offline', async () => {
    const entrance = 'alpha-branch/entrance/alpha-branch-air';
    // Each reading holds 45 minutes: 10:00-10:45 too much CO2, 11:00-11:45 comfortable; the kiosk never reports.
    await air(entrance, '10:00', 1200, 22);
    await air(entrance, '11:00', 700, 21.5);
    await pollUntil(async () => {
      const [{ n }] = await sut.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key = 'alpha-branch-air'`);
      return n === 4;
    });

    await recomputedTo('alpha-branch.entrance', {
      serviceMinutes: 9 * 60,
      occupiedMinutes: 90,
      comfortableMinutes: 45,
      deviceOnlineMinutes: 90,
      deviceExpectedMinutes: 2 * 9 * 60,
    });
  });

  const intervals = async (query: Record<string, string>, key: string) => {
    const res = await request(sut.http).get('/api/v1/zone-intervals').query(query).set('Authorization', `Bearer ${key}`);
    return { status: res.status, type: res.headers['content-type'], items: (res.body as { items?: unknown[] }).items };
  };

  it('records a soap dispenser out until its refill, CO2 high and occupants uncomfortable, each with the people counted meanwhile', async () => {
    const [counter, soap, restroomAir] = ['alpha-1f-counter', 'alpha-1f-soap', 'alpha-1f-air'].map((d) => `alpha-hq/1f-restroom/${d}`);
    // 4 people at 08:10, 6 at 08:40, 3 at 09:20, 2 at 10:00 (the first count is the baseline).
    for (const [hhmm, count] of [['07:00', 50], ['08:10', 54], ['08:40', 60], ['09:20', 63], ['10:00', 65]] as const) await publish(counter, 'people_count', hhmm, count);
    // Out at 08:00 (6 %), still out at 08:30 (12 %), refilled at 09:00 (the refill, not the reading at 09:15, ends it).
    for (const [hhmm, level] of [['07:00', 80], ['08:00', 6], ['08:30', 12], ['09:15', 95]] as const) await publish(soap, 'soap_level', hhmm, level);
    // Each reading holds 30 minutes: CO2 1,000 from 08:30 is over this contract's 900; 700 from 09:00 is fine.
    await air(restroomAir, '08:30', 1000, 22);
    await air(restroomAir, '09:00', 700, 22);
    await request(sut.http)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${await sut.keyFor('fm_manager', 'alpha')}`)
      .send({ zone: 'alpha-hq.1f-restroom', kind: 'refill', consumable: 'soap', tag: 'cleaner-3', ts: iso('09:00') })
      .expect(201);
    await pollUntil(async () => {
      const [{ n }] = await sut.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.key LIKE 'alpha-1f-%'`);
      return n === 13;
    });

    const viewer = await sut.keyFor('client_viewer', 'alpha');
    const expected = [
      { zone: 'alpha-hq.1f-restroom', date: day, kind: 'soap_out', start: iso('08:00'), end: iso('09:00'), visitors: 10 },
      { zone: 'alpha-hq.1f-restroom', date: day, kind: 'co2_high', start: iso('08:30'), end: iso('09:00'), visitors: 6 },
      // Occupied 08:40-08:55 (15 minutes after the count) while CO2 was high; 09:20-09:30 was comfortable.
      { zone: 'alpha-hq.1f-restroom', date: day, kind: 'uncomfortable', start: iso('08:40'), end: iso('08:55'), visitors: 6 },
    ];
    let got: unknown[] | undefined;
    await pollUntil(async () => {
      await sut.app.get(SlaFactsService).catchUp();
      got = (await intervals(wholeDay('alpha-hq.1f-restroom'), viewer)).items;
      return JSON.stringify(got) === JSON.stringify(expected);
    }).catch(() => undefined);
    expect(got).toEqual(expected);

    // The hours agree: 60 minutes out with 10 visitors meanwhile; 25 occupied minutes with comfort known, 10 of them comfortable.
    const hours = await facts('alpha-hq.1f-restroom');
    const total = (f: string) => hours.reduce((n, r) => n + Number(r[f]), 0);
    expect([total('outMinutes'), total('visitorsWhileOut'), total('occupiedMinutes'), total('comfortableMinutes')]).toEqual([60, 10, 25, 10]);
    // A kind, and an overlap: the CO2 interval ends at 09:00, so a range from 08:59 still holds it.
    await expect(intervals({ zone: 'alpha-hq.1f-restroom', kind: 'co2_high', from: iso('08:59'), to: iso('12:00') }, viewer)).resolves.toMatchObject({ status: 200, items: [expected[1]] });
    await expect(intervals({ zone: 'alpha-hq.1f-restroom', from: iso('09:00'), to: iso('12:00') }, viewer)).resolves.toMatchObject({ status: 200, items: [] });
    // Another client's key does not find the zone.
    await expect(intervals(wholeDay('alpha-hq.1f-restroom'), await sut.keyFor('client_viewer', 'beta'))).resolves.toMatchObject({ status: 404, type: expect.stringContaining('application/problem+json') });
  });

  it('refuses a backwards range and one longer than 31 days with problem+json', async () => {
    const viewer = await sut.keyFor('client_viewer', 'alpha');
    const backwards = await intervals({ zone: 'alpha-hq.1f-restroom', from: iso('12:00'), to: iso('08:00') }, viewer);
    const tooLong = await intervals({ from: local('00:00').minus({ days: 32 }).toUTC().toISO()!, to: iso('00:00') }, viewer);
    for (const res of [backwards, tooLong]) expect(res).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json') });
  });

  /** Marks these zone-days for recomputation, as new facts for them would. */
  const markDays = (zones: ReadonlyArray<{ id: string; client_id: string }>, days: readonly string[]) =>
    sut.dataSource.query(
      `INSERT INTO sla_dirty_days (client_id, zone_id, local_date)
       SELECT z.client_id, z.id, d.day FROM unnest($1::uuid[], $2::uuid[]) AS z(client_id, id) CROSS JOIN unnest($3::date[]) AS d(day)
       ON CONFLICT (client_id, zone_id, local_date) DO UPDATE SET marked_at = clock_timestamp()`,
      [zones.map((z) => z.client_id), zones.map((z) => z.id), days],
    );

  it('forgets each zone-day it recomputed, and works through a backlog longer than one batch', async () => {
    // Over 250 zone-days: more than one batch (200) of marks, each with microseconds as PostgreSQL
    // writes them (forgetting compared them with a Date's milliseconds, so none was ever forgotten
    // and the job recomputed its first batch for ever).
    const zones = await sut.dataSource.query<Array<{ id: string; client_id: string }>>(`SELECT id, client_id FROM zones WHERE retired_at IS NULL ORDER BY key`);
    const perZone = Math.ceil(250 / zones.length);
    const days = Array.from({ length: perZone }, (_, i) => DateTime.fromISO(day).minus({ days: 30 + i }).toISODate()!);
    await markDays(zones, days);
    const marked = async () =>
      Number((await sut.dataSource.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM sla_dirty_days WHERE local_date = ANY($1::date[])`, [days]))[0].n);
    expect(await marked()).toBe(zones.length * perZone);
    const done = await sut.app.get(SlaFactsService).catchUp();
    expect(done).toBeGreaterThanOrEqual(zones.length * perZone);
    expect(await marked()).toBe(0);
    // A second run finds nothing of them to do.
    await sut.app.get(SlaFactsService).catchUp();
    expect(await marked()).toBe(0);
  });

  it('recomputes the same zone-days in two catch-ups at once (the job\'s and a caller\'s) into one set of hours', async () => {
    const zones = await sut.dataSource.query<Array<{ id: string; client_id: string }>>(`SELECT id, client_id FROM zones WHERE retired_at IS NULL ORDER BY key`);
    const days = Array.from({ length: 5 }, (_, i) => DateTime.fromISO(day).minus({ days: 60 + i }).toISODate()!);
    await markDays(zones, days);
    const service = sut.app.get(SlaFactsService);
    // Both read the same marks and write the same new hours: the second waits for the first, finds its rows and adds none.
    await expect(Promise.all([service.catchUp(), service.catchUp(), service.catchUp()])).resolves.toHaveLength(3);
    const [{ hours, distinct }] = await sut.dataSource.query<Array<{ hours: number; distinct: number }>>(
      `SELECT count(*)::int AS hours, count(DISTINCT (zone_id, hour))::int AS distinct FROM sla_facts_hourly
       WHERE hour >= $1::date - 1 AND hour < $2::date + 2`,
      [days[days.length - 1], days[0]],
    );
    expect(hours).toBeGreaterThan(0);
    expect(hours).toBe(distinct);
    const [{ left }] = await sut.dataSource.query<Array<{ left: number }>>(`SELECT count(*)::int AS left FROM sla_dirty_days WHERE local_date = ANY($1::date[])`, [days]);
    expect(left).toBe(0);
  });
});

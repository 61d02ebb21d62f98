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

describe('Cleaning tasks derived from the plan and the facts', () => {
  let sut: TestApp;
  let contractsDir: string;
  let sensors: MqttClient;
  // Yesterday at the site: a whole past day, so every task has its final status.
  const day = DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate()!;
  const local = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: TZ });
  const iso = (hhmm: string) => local(hhmm).toUTC().toISO({ suppressMilliseconds: false })!;

  beforeAll(async () => {
    contractsDir = fixtureContracts('tasks');
    const file = join(contractsDir, 'alpha.yaml');
    // Alpha HQ open every day, its restrooms cleaned after 10 visitors (or 4 service hours), within 30 minutes.
    const plan = `    cleaning:\n      restroom: { usage: { visits: 10, maxInterval: 4h, respondWithin: 30m } }\n    zones:\n`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('      mon-fri: "07:00-18:00"\n', '      mon-sun: "07:00-18:00"\n').replace('    zones:\n', plan));
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    // The service's own credential: these tests are about tasks, not device identity.
    sensors = await mqtt.connectAsync(sut.app.get(MqttService).brokerUrl, { clientId: `tasks-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await sensors.endAsync();
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const topic = (device: string, signal: string) => `${sut.config.mqttTopicPrefix}/alpha-hq/1f-restroom/${device}/${signal}`;
  const count = (hhmm: string, value: number) => sensors.publishAsync(topic('alpha-1f-counter', 'people_count'), JSON.stringify({ value, ts: local(hhmm).toMillis() }), { qos: 1 });
  const checkin = (hhmm: string) => sensors.publishAsync(topic('alpha-1f-checkin', 'cleaning_checkin'), JSON.stringify({ tag: 'cleaner-7', ts: local(hhmm).toMillis() }), { qos: 1 });
  const stored = async (n: number) =>
    pollUntil(async () => {
      const [{ rows }] = await sut.dataSource.query<Array<{ rows: number }>>(`SELECT count(*)::int AS rows FROM readings WHERE signal IN ('people_count', 'cleaning_checkin')`);
      return rows >= n;
    });
  const tasks = async (query: Record<string, string>, status = 200, key?: string) =>
    request(sut.http)
      .get('/api/v1/tasks')
      .query(query)
      .set('Authorization', `Bearer ${key ?? (await sut.keyFor('fm_manager', 'alpha'))}`)
      .expect(status);
  const wholeDay = () => ({ zone: 'alpha-hq.1f-restroom', from: local('00:00').toUTC().toISO()!, to: local('00:00').plus({ days: 1 }).toUTC().toISO()! });

  it('raises a task at the tenth visitor, completes it with the check-in, and misses the next one nobody cleaned', async () => {
    // The counter's first reading is its baseline; 5 + 5 people by 09:00, a clean at 09:15, 10 more by 10:00.
    await count('07:10', 100);
    await count('08:00', 105);
    await count('09:00', 110);
    await checkin('09:15');
    await count('10:00', 120);
    await stored(5);
    const res = await tasks(wholeDay());
    expect(res.body.items).toEqual([
      { zone: 'alpha-hq.1f-restroom', date: day, origin: 'usage', status: 'done', triggeredAt: iso('09:00'), dueAt: iso('09:30'), doneAt: iso('09:15'), windowStart: iso('09:00'), windowEnd: iso('18:00') },
      { zone: 'alpha-hq.1f-restroom', date: day, origin: 'usage', status: 'missed', triggeredAt: iso('10:00'), dueAt: iso('10:30'), doneAt: null, windowStart: iso('10:00'), windowEnd: iso('18:00') },
    ]);
  });

  it('turns the missed task into a late one when a check-in arrives hours late, as if the day were derived again from scratch', async () => {
    // This one comes from a staff tool as a service event.
    await request(sut.http)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${await sut.keyFor('fm_manager', 'alpha')}`)
      .send({ zone: 'alpha-hq.1f-restroom', kind: 'checkin', tag: 'cleaner-7', ts: iso('11:00') })
      .expect(201);
    const res = await tasks(wholeDay());
    expect(res.body.items.map((t: { status: string; doneAt: string | null }) => [t.status, t.doneAt])).toEqual([
      ['done', iso('09:15')],
      ['late', iso('11:00')],
      ['missed', null],
    ]);
    // After that clean nobody came for four service hours: the fallback fell due at 15:00 and nobody cleaned by the close.
    expect((await tasks({ ...wholeDay(), status: 'missed' })).body.items).toEqual([
      { zone: 'alpha-hq.1f-restroom', date: day, origin: 'usage', status: 'missed', triggeredAt: iso('15:00'), dueAt: iso('15:30'), doneAt: null, windowStart: iso('15:00'), windowEnd: iso('18:00') },
    ]);
  });

  it('sums the day into SLA facts per hour: tasks by status, visitors and service minutes, recomputed after the late check-in', async () => {
    await sut.app.get(SlaFactsService).catchUp();
    const res = await request(sut.http)
      .get('/api/v1/sla-facts')
      .query(wholeDay())
      .set('Authorization', `Bearer ${await sut.keyFor('client_viewer', 'alpha')}`)
      .expect(200);
    const rows = res.body.items as Array<Record<string, number | string>>;
    const total = (field: string) => rows.reduce((n, r) => n + Number(r[field]), 0);
    expect({ due: total('tasksDue'), onTime: total('tasksOnTime'), late: total('tasksLate'), missed: total('tasksMissed'), visitors: total('visitors'), service: total('serviceMinutes') }).toEqual({
      due: 3,
      onTime: 1,
      late: 1,
      missed: 1,
      visitors: 20,
      service: 11 * 60,
    });
    expect(rows.find((r) => r.hour === iso('10:00'))).toMatchObject({ zone: 'alpha-hq.1f-restroom', tasksDue: 1, tasksLate: 1, visitors: 10, serviceMinutes: 60 });
  });

  it("shows another client's zone to nobody, and refuses a backwards or too long range", async () => {
    await tasks(wholeDay(), 404, await sut.keyFor('fm_manager', 'beta'));
    const backwards = await tasks({ ...wholeDay(), to: local('00:00').minus({ days: 1 }).toUTC().toISO()! }, 400);
    expect(backwards.body.errors).toEqual([{ field: 'to', message: 'to must be after from' }]);
    await tasks({ ...wholeDay(), to: local('00:00').plus({ days: 40 }).toUTC().toISO()! }, 400);
  });
});

import { SchedulerRegistry } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceCredentialsService } from '../../src/auth/device-credentials.service';
import { taskId, type TaskMessage } from '../../src/operations/task-publication';
import { TASK_PUBLICATIONS_JOB, TaskPublisherService } from '../../src/operations/task-publisher.service';
import { Clock } from '../../src/platform/clock';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { startMosquitto } from '../support/mosquitto';
import { fixtureContracts, freshStorage, pollUntil, startTestApp, type Storage, type TestApp } from '../support/test-app';

const TZ = 'Europe/Stockholm';
// Both brokers: the embedded one always; a Mosquitto of the test's own (dynamic security) in the CI pass, where MQTT_URL is set.
const brokers = process.env.MQTT_URL ? (['embedded', 'mosquitto'] as const) : (['embedded'] as const);

describe.each(brokers)('Cleaning tasks published on MQTT (%s broker)', (kind) => {
  let storage: Storage;
  let sut: TestApp;
  let mosquitto: Awaited<ReturnType<typeof startMosquitto>> | undefined;
  let contractsDir: string;
  let sensors: MqttClient;
  let handheld: MqttClient;
  let credential: { username: string; secret: string };
  const clients: MqttClient[] = [];
  const received: Array<{ topic: string; message: TaskMessage & { marker?: string } }> = [];
  // Fixed across the restart, so both lives of the app use the same topics.
  const prefix = `test-${randomUUID().slice(0, 8)}/xla/v1`;
  const tasksTopic = `${prefix}/alpha-hq/1f-restroom/tasks`;
  // Yesterday at the site, and the job's clock moved through it.
  const day = DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate()!;
  const local = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: TZ });
  const iso = (hhmm: string) => local(hhmm).toUTC().toISO()!;
  // MQTT 5 where the broker speaks it (Mosquitto): a refused publish then gets a PUBACK with a reason code.
  const protocolVersion = kind === 'mosquitto' ? 5 : 4;

  const connect = async (url: string, options: mqtt.IClientOptions = {}) => {
    const client = await mqtt.connectAsync(url, { clientId: `tasks-${randomUUID()}`, protocolVersion, reconnectPeriod: 0, ...options });
    clients.push(client);
    return client;
  };
  const deviceUrl = () => mosquitto?.deviceUrl ?? sut.app.get(MqttService).deviceBrokerUrl;
  /** A cleaner's handheld: a device of the site, following every zone's tasks there. */
  const connectHandheld = async () => {
    // Mosquitto outlives the app: the first handheld would still be there, receiving every message a second time.
    await handheld?.endAsync(true);
    handheld = await connect(deviceUrl(), { username: credential.username, password: credential.secret });
    handheld.on('message', (topic, payload) => received.push({ topic, message: JSON.parse(payload.toString()) as TaskMessage }));
    await handheld.subscribeAsync(`${prefix}/alpha-hq/+/tasks`, { qos: 1 });
  };
  const start = async () => {
    sut = await startTestApp({ storage, env: { CONTRACTS_DIR: contractsDir, MQTT_URL: mosquitto?.url, MQTT_TOPIC_PREFIX: prefix } });
    // The test drives the job itself, with the clock where it wants it.
    sut.app.get(SchedulerRegistry).deleteInterval(TASK_PUBLICATIONS_JOB);
    // The service's own credential for the readings: these tests are about tasks, not device identity.
    sensors = await connect(sut.app.get(MqttService).brokerUrl);
  };

  beforeAll(async () => {
    contractsDir = fixtureContracts('task-publication');
    const file = join(contractsDir, 'alpha.yaml');
    // Alpha HQ open every day, its restrooms cleaned after 10 visitors, within 30 minutes (no fallback: a day without data has no task).
    const plan = `    cleaning:\n      restroom: { usage: { visits: 10, respondWithin: 30m } }\n    zones:\n`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('      mon-fri: "07:00-18:00"\n', '      mon-sun: "07:00-18:00"\n').replace('    zones:\n', plan));
    if (kind === 'mosquitto') mosquitto = await startMosquitto();
    storage = await freshStorage();
    await start();
    credential = await sut.app.get(DeviceCredentialsService).issue('alpha-hq', 'alpha-1f-checkin', { rotate: true });
    await connectHandheld();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await sut.close();
    await mosquitto?.stop();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const topic = (device: string, signal: string) => `${prefix}/alpha-hq/1f-restroom/${device}/${signal}`;
  const count = (hhmm: string, value: number) => sensors.publishAsync(topic('alpha-1f-counter', 'people_count'), JSON.stringify({ value, ts: local(hhmm).toMillis() }), { qos: 1 });
  const checkin = (hhmm: string) => sensors.publishAsync(topic('alpha-1f-checkin', 'cleaning_checkin'), JSON.stringify({ tag: 'cleaner-7', ts: local(hhmm).toMillis() }), { qos: 1 });
  const stored = (n: number) =>
    pollUntil(async () => {
      const [{ rows }] = await sut.dataSource.query<Array<{ rows: number }>>(`SELECT count(*)::int AS rows FROM readings WHERE signal IN ('people_count', 'cleaning_checkin')`);
      return rows >= n;
    });
  const idOf = async (hhmm: string) => {
    const [zone] = await sut.dataSource.query<Array<{ id: string }>>(`SELECT z.id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'alpha-hq' AND z.key = '1f-restroom'`);
    return taskId(zone.id, { origin: 'usage', triggeredAt: local(hhmm).toMillis() });
  };
  /**
   * Runs the job with the clock at that local time, and returns what it published and what the handheld
   * received from it: everything before a marker the service publishes after the run on the same topic
   * (one client, one topic, QoS 1: the broker keeps their order).
   */
  const runAt = async (hhmm: string) => {
    const clock = jest.spyOn(sut.app.get(Clock), 'now').mockReturnValue(local(hhmm).toJSDate());
    const published = await sut.app.get(TaskPublisherService).run().finally(() => clock.mockRestore());
    const marker = randomUUID();
    await sut.app.get(MqttService).publish(tasksTopic, JSON.stringify({ marker }));
    await pollUntil(() => Promise.resolve(received.some((r) => r.message.marker === marker)));
    const messages = received.splice(0).filter((r) => r.message.marker === undefined);
    return { published, messages };
  };
  const usageTask = async (triggered: string, status: string, doneAt: string | null) => ({
    topic: tasksTopic,
    message: {
      id: await idOf(triggered),
      site: 'alpha-hq',
      zone: '1f-restroom',
      date: day,
      origin: 'usage',
      status,
      triggeredAt: iso(triggered),
      dueAt: local(triggered).plus({ minutes: 30 }).toUTC().toISO()!,
      windowStart: iso(triggered),
      windowEnd: iso('18:00'),
      doneAt: doneAt && iso(doneAt),
    },
  });

  it('announces a usage task at the tenth visitor, once, and its completion once, on the zone’s tasks topic', async () => {
    // The counter's first reading is its baseline; 5 + 5 people by 09:00.
    await count('07:10', 100);
    await count('08:00', 105);
    await count('09:00', 110);
    await stored(3);
    await expect(runAt('08:55')).resolves.toEqual({ published: 0, messages: [] });
    await expect(runAt('09:05')).resolves.toEqual({ published: 1, messages: [await usageTask('09:00', 'due', null)] });
    await expect(runAt('09:10')).resolves.toEqual({ published: 0, messages: [] });
    await checkin('09:15');
    await stored(4);
    await expect(runAt('09:20')).resolves.toEqual({ published: 1, messages: [await usageTask('09:00', 'done', '09:15')] });
    await expect(runAt('09:25')).resolves.toEqual({ published: 0, messages: [] });
  });

  it('publishes nothing twice after a restart on the same database, and goes on with what is new', async () => {
    await sut.stop();
    await start();
    await connectHandheld();
    await expect(runAt('09:30')).resolves.toEqual({ published: 0, messages: [] });
    // 5 + 5 more people after the clean: a new task at 10:00.
    await count('09:40', 115);
    await count('10:00', 120);
    await stored(6);
    await expect(runAt('10:05')).resolves.toEqual({ published: 1, messages: [await usageTask('10:00', 'due', null)] });
  });

  it('withdraws an announced task that late data took away, once', async () => {
    // A clean at 09:50 reported late: only 5 people since, so the 10:00 task never was.
    await checkin('09:50');
    await stored(7);
    await expect(runAt('10:10')).resolves.toEqual({ published: 1, messages: [await usageTask('10:00', 'withdrawn', null)] });
    await expect(runAt('10:15')).resolves.toEqual({ published: 0, messages: [] });
  });

  it('sends a message again at the next run when its publish failed (at least once, under the same id)', async () => {
    // 5 more people since the 09:50 clean: a task at 10:30.
    await count('10:30', 125);
    await stored(8);
    const publish = jest.spyOn(sut.app.get(MqttService), 'publish').mockRejectedValueOnce(new Error('broker away'));
    await expect(runAt('10:35')).rejects.toThrow('broker away');
    publish.mockRestore();
    await expect(runAt('10:40')).resolves.toEqual({ published: 1, messages: [await usageTask('10:30', 'due', null)] });
    await expect(runAt('10:45')).resolves.toEqual({ published: 0, messages: [] });
  });

  it("lets a device subscribe to its own site's tasks, never another site's, and never publish there", async () => {
    const device = await connect(deviceUrl(), { username: credential.username, password: credential.secret });
    /** The QoS the broker granted, or 128/135 for a refused filter (mqtt.js rejects those). */
    const granted = (filter: string) =>
      device.subscribeAsync(filter, { qos: 1 }).then(
        ([grant]) => grant.qos,
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0] ?? Number.NaN,
      );
    expect(await granted(`${prefix}/alpha-hq/+/tasks`)).toBe(1);
    expect(await granted(`${prefix}/alpha-hq/kitchen/tasks`)).toBe(1);
    expect([128, 135]).toContain(await granted(`${prefix}/alpha-branch/+/tasks`));
    expect([128, 135]).toContain(await granted(`${prefix}/beta-hq/1f-restroom/tasks`));
    expect([128, 135]).toContain(await granted(`${prefix}/+/+/tasks`));
    const forged = JSON.stringify({ id: randomUUID(), status: 'done' });
    if (kind === 'mosquitto') {
      // Mosquitto answers the PUBACK with 135 (not authorised) and drops the message.
      await expect(device.publishAsync(tasksTopic, forged, { qos: 1 })).rejects.toThrow(/135|authori/i);
    } else {
      // The embedded broker refuses it and closes the connection (MQTT 3.1.1 has no negative PUBACK).
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      device.publish(tasksTopic, forged, { qos: 0 });
      await closed;
    }
    // The handheld saw none of it: the next thing on the topic is the run's marker.
    await expect(runAt('10:50')).resolves.toEqual({ published: 0, messages: [] });
  });
});

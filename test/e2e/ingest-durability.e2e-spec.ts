import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../src/platform/mqtt/embedded-broker';
import { startMosquitto } from '../support/mosquitto';
import { healthy, runService } from '../support/service-process';
import { FIXTURE_CONTRACTS, freePort, freshStorage, pollUntil, type Storage } from '../support/test-app';
import { procStatusMb } from '../../bench/support';
import { startPrivatePostgres } from '../support/private-postgres';

const TOTAL = 3_000;
const ADMIN_KEY = `admin-${randomUUID()}`;
const SENSOR = 'alpha-hq.alpha-1f-soap';

/** The soap sensor's own credential, issued by the running service (which gives it to Mosquitto's dynamic security). */
async function issueSensorCredential(port: number): Promise<{ username: string; password: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices/${SENSOR}/credentials`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ rotate: true }),
  });
  if (res.status !== 201) throw new Error(`issuing the sensor's credential: ${res.status} ${await res.text()}`);
  const { username, secret } = (await res.json()) as { username: string; secret: string };
  return { username, password: secret };
}

/** Counts stored soap readings: over SQL on the server, or by opening the embedded database once the service has stopped. */
async function countReadings(storage: Pick<Storage, 'dataDir' | 'databaseUrl'>): Promise<{ n: number; distinct: number }> {
  const sql = `SELECT count(*)::int AS n, count(DISTINCT (device_id, ts))::int AS distinct FROM readings WHERE signal = 'soap_level'`;
  if (storage.databaseUrl) {
    const client = new Client({ connectionString: storage.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: number; distinct: number }>(sql)).rows[0];
    } finally {
      await client.end();
    }
  }
  const db = await PGlite.create(join(storage.dataDir, 'pglite'));
  try {
    return (await db.query<{ n: number; distinct: number }>(sql)).rows[0];
  } finally {
    await db.close();
  }
}

describe('Sensor ingest through a crash', () => {
  let storage: Storage;
  let broker: EmbeddedBroker | undefined;
  let mosquitto: Awaited<ReturnType<typeof startMosquitto>> | undefined;
  let brokerUrl: string;
  let sensor: MqttClient | undefined;

  beforeAll(async () => {
    storage = await freshStorage();
    // The broker must outlive the service: with real servers (CI) a Mosquitto of the test's own with the
    // project's configuration (the machine's keeps the defaults, which drop queued QoS 1 messages past 1000),
    // otherwise an aedes of the test's own.
    // Either refuses anonymous clients. The test's aedes knows no device credentials (the service's own embedded
    // broker checks those), so there the sensor uses the service's credential; on Mosquitto it has its own.
    if (process.env.MQTT_URL) {
      mosquitto = await startMosquitto();
      brokerUrl = mosquitto.url;
    } else {
      const service = { username: 'xla-service', password: randomUUID() };
      broker = await EmbeddedBroker.start('127.0.0.1', 0, { service, devices: () => undefined, denied: () => undefined });
      brokerUrl = `mqtt://${service.username}:${service.password}@127.0.0.1:${broker.port}`;
    }
  });
  afterAll(async () => {
    await sensor?.endAsync();
    await broker?.stop();
    await mosquitto?.stop();
    await storage.drop();
  });

  it('stores every message exactly once when the service is killed (SIGKILL) in the middle of a stream and started again', async () => {
    const port = await freePort();
    const prefix = `crash-${randomUUID().slice(0, 8)}/xla/v1`;
    const env = {
      DATA_DIR: storage.dataDir,
      DATABASE_URL: storage.databaseUrl,
      MQTT_URL: brokerUrl,
      // A persistent session: the broker keeps what is published while the service is down.
      MQTT_CLIENT_ID: `xla-crash-${randomUUID().slice(0, 8)}`,
      MQTT_TOPIC_PREFIX: prefix,
      CONTRACTS_DIR: FIXTURE_CONTRACTS,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: ADMIN_KEY,
      // The test's aedes has no dynamic security plugin to keep in step.
      MQTT_ACL_SYNC: mosquitto ? 'dynsec' : 'off',
    };
    const topic = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;
    const t0 = Date.now() - 3_600_000;
    const publish = (i: number) => sensor!.publishAsync(topic, JSON.stringify({ value: i % 101, ts: t0 + i * 1_000 }), { qos: 1 });

    const first = runService(env);
    await healthy(port);
    const credential = mosquitto ? await issueSensorCredential(port) : {};
    sensor = await mqtt.connectAsync(mosquitto?.deviceUrl ?? brokerUrl, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4, ...credential });
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < TOTAL / 2; i++) sends.push(publish(i));
    await Promise.all(sends.splice(0));
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    for (let i = TOTAL / 2; i < TOTAL; i++) sends.push(publish(i)); // queued by the broker for the persistent session
    await Promise.all(sends);

    const second = runService(env);
    try {
      await healthy(port);
      await pollUntil(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/readings?device=alpha-hq.alpha-1f-soap&signal=soap_level&limit=5000`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
          const body = (await res.json()) as { items: unknown[] };
          return body.items.length >= TOTAL ? true : undefined;
        },
        60_000,
        250,
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    await expect(countReadings(storage)).resolves.toEqual({ n: TOTAL, distinct: TOTAL });
  }, 120_000);
});

// A database outage and a second instance need database and broker servers: these run in the CI pass
// against the real PostgreSQL, each with a Mosquitto of its own started with the project's configuration.
const describeWithServers: (name: string, fn: () => void) => void = process.env.DATABASE_URL && process.env.MQTT_URL ? describe : () => undefined;

const rssMb = (pid: number) => procStatusMb(pid, 'VmRSS');

describeWithServers('Sensor ingest under failure', () => {
  let storage: Storage;
  let mosquitto: Awaited<ReturnType<typeof startMosquitto>>;
  let sensor: MqttClient | undefined;
  const prefix = `resilience-${randomUUID().slice(0, 8)}/xla/v1`;
  const topic = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;
  let t0: number;
  let sent = 0;
  const publishMany = async (count: number) => {
    const sends: Array<Promise<unknown>> = [];
    // 20 ms apart from an hour ago: room for 180,000 readings before one would be in the future (and refused).
    for (let i = 0; i < count; i++, sent++) sends.push(sensor!.publishAsync(topic, JSON.stringify({ value: sent % 101, ts: t0 + sent * 20 }), { qos: 1 }));
    await Promise.all(sends);
  };

  beforeEach(async () => {
    storage = await freshStorage();
    mosquitto = await startMosquitto();
    sensor = undefined;
    t0 = Date.now() - 3_600_000;
    sent = 0;
  });
  afterEach(async () => {
    await sensor?.endAsync();
    await mosquitto.stop();
    await storage.drop();
  });

  /** The sensor connects with its own credential, which the running service issues. */
  const connectSensor = async (port: number) => {
    sensor = await mqtt.connectAsync(mosquitto.deviceUrl, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4, ...(await issueSensorCredential(port)) });
  };

  const serviceEnv = (overrides: Record<string, string>) => ({
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.databaseUrl,
    MQTT_URL: mosquitto.url,
    MQTT_TOPIC_PREFIX: prefix,
    CONTRACTS_DIR: FIXTURE_CONTRACTS,
    HOST: '127.0.0.1',
    ADMIN_API_KEY: ADMIN_KEY,
    // Instances of one deployment share the pseudonym secret (README, Scaling out).
    PSEUDONYM_SECRET: 'test-pseudonym-secret-of-this-deployment-0123456789',
    ...overrides,
  });

  it(
    'stores everything exactly once after PostgreSQL is stopped for ten seconds mid-stream, with memory bounded meanwhile',
    async () => {
      // A server of the test's own, really stopped and started (the machine's serves other test files meanwhile).
      const postgres = await startPrivatePostgres();
      const port = await freePort();
      const service = runService(serviceEnv({ DATABASE_URL: postgres.url, MQTT_CLIENT_ID: `xla-outage-${randomUUID().slice(0, 8)}`, PORT: String(port) }));
      try {
        await healthy(port);
        await connectSensor(port);
        await publishMany(2_000);
        postgres.stop();
        const rssAtStop = rssMb(service.child.pid!);
        const outageEnds = Date.now() + 10_000;
        let peak = rssAtStop;
        while (Date.now() < outageEnds) {
          await publishMany(2_000); // acknowledged into the spool while the database is down
          peak = Math.max(peak, rssMb(service.child.pid!));
          await new Promise((r) => setTimeout(r, 500));
        }
        const health = await fetch(`http://127.0.0.1:${port}/health`);
        expect(health.status).toBe(503);
        const backlog = (await health.json()) as { details?: { database?: { status?: string } }; ingest?: { backlogBytes?: number } };
        expect(backlog.details?.database?.status).toBe('down');
        expect(backlog.ingest?.backlogBytes).toBeGreaterThan(0);
        const oldestUnstored = async () => Number(/^xla_ingest_oldest_unstored_seconds (\S+)/m.exec(await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()))?.[1]);
        // Messages acknowledged at the start of the outage are still waiting.
        expect(await oldestUnstored()).toBeGreaterThan(5);
        postgres.start();
        await pollUntil(async () => (await countReadings({ ...storage, databaseUrl: postgres.url })).n >= sent, 60_000, 250);
        await pollUntil(async () => (await oldestUnstored()) === 0);
        await expect(countReadings({ ...storage, databaseUrl: postgres.url })).resolves.toEqual({ n: sent, distinct: sent });
        // Tens of thousands of messages arrived during the outage; they waited on disk, not in memory.
        expect(peak - rssAtStop).toBeLessThan(64);
        expect(service.child.exitCode).toBeNull();
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
        postgres.drop();
      }
    },
    120_000,
  );

  it(
    'splits the stream between two instances of a shared subscription and stores each message exactly once',
    async () => {
      const ports = [await freePort(), await freePort()];
      const instances = ports.map((port, i) =>
        runService(serviceEnv({ PORT: String(port), DATA_DIR: `${storage.dataDir}/instance-${i}`, MQTT_SHARED_GROUP: 'ingest', MQTT_CLIENT_ID: `xla-shared-${i}-${randomUUID().slice(0, 6)}` })),
      );
      try {
        for (const port of ports) await healthy(port);
        await connectSensor(ports[0]);
        await publishMany(4_000);
        await pollUntil(async () => (await countReadings(storage)).n >= sent, 60_000, 250);
        await expect(countReadings(storage)).resolves.toEqual({ n: sent, distinct: sent });
        // Both took part: each counted some of the readings it stored.
        for (const port of ports) {
          const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
          expect(Number(/^xla_readings_stored_total (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
        }
      } finally {
        for (const instance of instances) instance.child.kill('SIGTERM');
        await Promise.all(instances.map((i) => i.exited));
      }
    },
    120_000,
  );
});

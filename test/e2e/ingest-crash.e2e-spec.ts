import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../src/platform/mqtt/embedded-broker';
import { startMosquitto } from '../support/mosquitto';
import { healthy, runService } from '../support/service-process';
import { FIXTURE_CONTRACTS, freePort, freshStorage, pollUntil, type Storage } from '../support/test-app';

const TOTAL = 3_000;
const ADMIN_KEY = `admin-${randomUUID()}`;

/** Counts stored soap readings: over SQL on the server, or by opening the embedded database once the service has stopped. */
async function countReadings(storage: Storage): Promise<{ n: number; distinct: number }> {
  const sql = `SELECT count(*)::int AS n, count(DISTINCT ts)::int AS distinct FROM readings WHERE signal = 'soap_level'`;
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
  let sensor: MqttClient;

  beforeAll(async () => {
    storage = await freshStorage();
    // The broker must outlive the service: with real servers (CI) a Mosquitto of the test's own with the
    // project's configuration (the machine's keeps the defaults, which drop queued QoS 1 messages past 1000),
    // otherwise an aedes of the test's own.
    if (process.env.MQTT_URL) {
      mosquitto = await startMosquitto();
      brokerUrl = mosquitto.url;
    } else {
      broker = await EmbeddedBroker.start('127.0.0.1', 0);
      brokerUrl = `mqtt://127.0.0.1:${broker.port}`;
    }
    sensor = await mqtt.connectAsync(brokerUrl, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4 });
  });
  afterAll(async () => {
    await sensor.endAsync();
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
    };
    const topic = `${prefix}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;
    const t0 = Date.now() - 3_600_000;
    const publish = (i: number) => sensor.publishAsync(topic, JSON.stringify({ value: i % 101, ts: t0 + i * 1_000 }), { qos: 1 });

    const first = runService(env);
    await healthy(port);
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
  });
});

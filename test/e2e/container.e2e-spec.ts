import mqtt, { type MqttClient } from 'mqtt';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServiceAs } from '../support/non-root-service';
import { healthy } from '../support/service-process';
import { freePort, pollUntil } from '../support/test-app';

// What the container does (Dockerfile): the built service run by a user that is not root, in an application
// folder it cannot write, with DATA_DIR (spool, embedded database, pseudonym key) the only place it may write.
// No Docker engine is needed: the test assembles the image's /app read-only in a mount namespace and runs the
// service as `nobody`. Making that namespace and switching user need root, so the test is skipped for other
// users (a developer's `npm test`); CI runs as root and runs it. It always uses the embedded database and
// broker, as `docker run` without a compose file does, whatever DATABASE_URL and MQTT_URL say.
const asRoot = process.getuid?.() === 0;
const describeAsRoot = asRoot ? describe : describe.skip;

const ADMIN_KEY = `admin-${randomUUID()}`;
const SENSOR = 'alpha-hq.alpha-1f-soap';
const PREFIX = 'container/xla/v1';
const TOPIC = `${PREFIX}/alpha-hq/1f-restroom/alpha-1f-soap/soap_level`;

/** Every path under `dir` (itself included) that `uid` does not own. */
function notOwnedBy(dir: string, uid: number): string[] {
  const foreign = lstatSync(dir).uid === uid ? [] : [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) foreign.push(...notOwnedBy(path, uid));
    else if (lstatSync(path).uid !== uid) foreign.push(path);
  }
  return foreign;
}

describeAsRoot('The container (non-root user, read-only application folder; skipped unless run as root)', () => {
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  let appDir: string;
  let dataDir: string;
  let sensor: MqttClient | undefined;

  beforeAll(() => {
    appDir = mkdtempSync(join(tmpdir(), 'xla-container-app-'));
    // The declared volume of the image: a folder of its own, owned by the user.
    dataDir = mkdtempSync(join(tmpdir(), 'xla-container-data-'));
    chownSync(dataDir, uid, gid);
  });
  afterAll(async () => {
    await sensor?.endAsync();
    rmSync(appDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the service on the data folder, waits for it to be healthy, and connects the sensor to its broker. */
  async function start() {
    const [port, mqttPort] = [await freePort(), await freePort()];
    const service = runServiceAs(uid, gid, appDir, {
      PORT: String(port),
      HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      MQTT_TOPIC_PREFIX: PREFIX,
      DATA_DIR: dataDir,
      CONTRACTS_DIR: 'test/fixtures/contracts',
      ADMIN_API_KEY: ADMIN_KEY,
      NODE_ENV: 'production',
    });
    try {
      await Promise.race([
        healthy(port),
        service.exited.then(({ code, signal }) => Promise.reject(new Error(`the service exited (${code ?? signal}):\n${service.output()}`))),
      ]);
    } catch (error) {
      service.child.kill('SIGKILL');
      throw error;
    }
    // The process is the service itself, running as the user (not root).
    expect(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1]).toBe(String(uid));
    return { service, port, mqttPort };
  }

  /** The sensor's credential, issued by the running service (the same one stays valid after a restart). */
  async function issueCredential(port: number) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices/${SENSOR}/credentials`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rotate: true }),
    });
    expect(res.status).toBe(201);
    const { username, secret } = (await res.json()) as { username: string; secret: string };
    return { username, password: secret };
  }

  async function readings(port: number): Promise<number[]> {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/readings?device=${SENSOR}&signal=soap_level&limit=5000`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ ts: string }> };
    return body.items.map((r) => Date.parse(r.ts)).sort((a, b) => a - b);
  }

  async function stop(service: ReturnType<typeof runServiceAs>) {
    await sensor?.endAsync();
    sensor = undefined;
    service.child.kill('SIGTERM');
    const { code, signal } = await service.exited;
    // A clean shutdown: exit code 0, or SIGTERM re-raised. The output is shown when it is not clean.
    const clean = code === 0 || signal === 'SIGTERM';
    expect({ clean, output: service.output() }).toEqual({ clean: true, output: expect.not.stringMatching(/EACCES|EROFS|EPERM/) });
  }

  it('starts, takes in MQTT messages, and keeps every one of them across a restart', async () => {
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000; // whole seconds, as stored
    const timestamps = (from: number, count: number) => Array.from({ length: count }, (_, i) => t0 + (from + i) * 1_000);
    const publish = (c: MqttClient, ts: number[]) => Promise.all(ts.map((t, i) => c.publishAsync(TOPIC, JSON.stringify({ value: i % 101, ts: t }), { qos: 1 })));

    // First start: an empty data folder (the fresh volume).
    const first = await start();
    const credential = await issueCredential(first.port);
    sensor = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.mqttPort}`, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4, ...credential });
    const before = timestamps(0, 200);
    await publish(sensor, before);
    await pollUntil(async () => (await readings(first.port)).length >= before.length, 30_000, 200);
    expect(await readings(first.port)).toEqual(before);
    await stop(first.service);

    // Everything the service keeps is in the data folder, and belongs to its user.
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['pglite', 'pseudonym.key', 'spool']));
    expect(notOwnedBy(dataDir, uid)).toEqual([]);

    // Second start on the same data folder (the container re-created on its volume): nothing lost, and a new
    // embedded broker that takes the same credential.
    const second = await start();
    try {
      expect(await readings(second.port)).toEqual(before);
      sensor = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.mqttPort}`, { clientId: `sensor-${randomUUID()}`, protocolVersion: 4, ...credential });
      const after = timestamps(before.length, 100);
      await publish(sensor, after);
      await pollUntil(async () => (await readings(second.port)).length >= before.length + after.length, 30_000, 200);
      expect(await readings(second.port)).toEqual([...before, ...after]);
    } finally {
      await stop(second.service);
    }
    expect(notOwnedBy(dataDir, uid)).toEqual([]);
    // The application folder was a read-only mount of the child's own: the host's stays an empty folder.
    expect(readdirSync(appDir)).toEqual([]);
  }, 120_000);
});

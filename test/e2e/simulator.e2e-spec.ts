import mqtt, { type MqttClient } from 'mqtt';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Signal } from '../../src/catalog/catalog.types';
import { loadContractDirectory, parseContractFile } from '../../src/catalog/contract-file';
import { DeviceCredentialsService } from '../../src/auth/device-credentials.service';
import { EmbeddedBroker } from '../../src/platform/mqtt/embedded-broker';
import { serviceEventFields } from '../../src/operations/service-event';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { SlaFactsService } from '../../src/operations/sla-facts.service';
import { RollupsService } from '../../src/scoring/rollups.service';
import { generatedContract, generatedContractYaml } from '../../src/simulator/generated-contract';
import { EVENT_SIGNALS } from '../../src/simulator/site-model';
import { FIXTURE_CONTRACTS, pollUntil, startTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs `npm run simulate -- …` as a person would (from the TypeScript source, through tsx). */
async function simulate(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'simulate.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A Wednesday at least two days back, 05:30 UTC: a working morning in Scandinavia that the service still accepts ratings for. */
function recentWednesdayMorning(): string {
  const now = new Date();
  const back = ((now.getUTCDay() - 3 + 7) % 7) + 7;
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back, 5, 30));
  return day.toISOString();
}

/** 05:00 UTC on the latest Monday to Thursday one to six days back: a working day whose readings and events the service still takes. */
function recentWorkingMorning(): Date {
  const now = new Date();
  for (let back = 1; ; back++) {
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back, 5));
    if (day.getUTCDay() >= 1 && day.getUTCDay() <= 4) return day;
  }
}

describe('npm run simulate (MQTT_AUTH=off broker, one anonymous connection)', () => {
  let broker: EmbeddedBroker | undefined;
  let url: string;
  let listener: MqttClient;
  const prefix = `test-${Math.random().toString(36).slice(2, 10)}/xla/v1`;
  const received: Array<{ topic: string; payload: string }> = [];

  beforeAll(async () => {
    if (process.env.MQTT_URL) url = process.env.MQTT_URL;
    else {
      broker = await EmbeddedBroker.start('127.0.0.1', 0);
      url = `mqtt://127.0.0.1:${broker.port}`;
    }
    listener = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true });
    listener.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    await listener.subscribeAsync(`${prefix}/#`, { qos: 1 });
  });
  afterAll(async () => {
    await listener.endAsync();
    await broker?.stop();
  });

  it('publishes well-formed readings, check-ins, kiosk ratings and service events of the demo contract, only for declared signals, and sums them up', async () => {
    const run = await simulate(['--mqtt-url', url, '--prefix', prefix, '--rate', '300', '--duration', '3', '--speed', '7200', '--start', recentWednesdayMorning(), '--seed', '1']);
    expect(run).toMatchObject({ code: 0 });
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ failed: 0, sites: 3, devices: 109, seed: 1 });
    expect(summary.published).toBeGreaterThan(600);
    await pollUntil(() => Promise.resolve(received.length >= summary.published));

    const declared = new Map<string, Signal[]>();
    for (const { spec } of loadContractDirectory(join(ROOT, 'config', 'contracts'))) {
      for (const site of spec.sites) for (const zone of site.zones) for (const d of zone.devices) declared.set(`${prefix}/${site.key}/${zone.key}/${d.key}`, d.signals);
    }
    const counts: Record<string, number> = {};
    const events: Record<string, number> = {};
    const problems: string[] = [];
    for (const { topic, payload } of received) {
      const signal = topic.split('/').pop() as Signal | 'event';
      const body = JSON.parse(payload);
      if (signal === 'event') {
        // A service event goes on any device of its zone, as the service takes it.
        events[body.kind] = (events[body.kind] ?? 0) + 1;
        if (!declared.has(topic.slice(0, topic.lastIndexOf('/')))) problems.push(`unknown device: ${topic}`);
        if (!serviceEventFields.safeParse(body).success || !ISO.test(body.ts) || Date.parse(body.ts) > Date.now()) problems.push(`malformed: ${topic} ${payload}`);
        continue;
      }
      counts[signal] = (counts[signal] ?? 0) + 1;
      if (!declared.get(topic.slice(0, topic.lastIndexOf('/')))?.includes(signal)) problems.push(`undeclared: ${topic}`);
      const keys = Object.keys(body).sort().join();
      const ok =
        signal === 'rating'
          ? keys === 'id,score,ts' && [1, 2, 3, 4].includes(body.score)
          : signal === 'cleaning_checkin'
            ? keys === 'tag,ts,value' && body.value === 1 && typeof body.tag === 'string'
            : keys === 'ts,value' && Number.isFinite(body.value);
      if (!ok || !ISO.test(body.ts) || Date.parse(body.ts) > Date.now()) problems.push(`malformed: ${topic} ${payload}`);
    }
    expect(problems).toEqual([]);
    expect(counts).toEqual(summary.perSignal);
    expect(events).toEqual(summary.perEvent);
    expect(counts.rating).toBeGreaterThan(0);
    expect(counts.cleaning_checkin).toBeGreaterThan(0);
    expect(counts.people_count).toBeGreaterThan(0);
  });

  it('generates more sites than the contracts have and writes a contract the service can load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xla-sim-'));
    try {
      const file = join(dir, 'simulated.yaml');
      const run = await simulate(['--mqtt-url', url, '--prefix', `${prefix}-gen`, '--sites', '12', '--write-contract', file, '--rate', '50', '--duration', '1', '--quiet']);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      expect(parseContractFile(file, readFileSync(file, 'utf8')).spec.sites).toHaveLength(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with code 2 and names a bad flag', async () => {
    const run = await simulate(['--rate', 'fast']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--rate: expected messages per second, more than 0, got "fast"');
  });
});

describe('npm run simulate against the service (MQTT_AUTH=on, a connection per device)', () => {
  let sut: TestApp;
  let apiUrl: string;
  let deviceUrl: string;
  let dir: string;
  let simulatedContracts: string;
  let reportingContracts: string;
  // Generated sites with the demo's cleaning plans (the fixtures have none), known to the service beside the fixtures;
  // most tests simulate the first only.
  const REPORTING_SITES = 4;
  const [planned] = generatedContract(1).spec.sites;
  const reportingSites = generatedContract(REPORTING_SITES).spec.sites.map((site) => site.key);
  const sites = loadContractDirectory(FIXTURE_CONTRACTS).flatMap((file) => file.spec.sites);
  const devices = sites.flatMap((site) => site.zones.flatMap((z) => z.devices));
  // Devices that send readings (events such as check-ins may not happen in a short run).
  const readingDevices = devices.filter((d) => d.signals.some((s) => !EVENT_SIGNALS.has(s)));
  const common = () => ['--mqtt-url', deviceUrl, '--contracts', FIXTURE_CONTRACTS, '--prefix', sut.config.mqttTopicPrefix, '--rate', '200', '--seed', '3'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xla-sim-auth-'));
    const serviceContracts = join(dir, 'service');
    simulatedContracts = join(dir, 'simulated');
    reportingContracts = join(dir, 'reporting');
    cpSync(FIXTURE_CONTRACTS, serviceContracts, { recursive: true });
    mkdirSync(simulatedContracts);
    mkdirSync(reportingContracts);
    writeFileSync(join(simulatedContracts, 'simulated.yaml'), generatedContractYaml(1));
    for (const folder of [serviceContracts, reportingContracts]) writeFileSync(join(folder, 'simulated.yaml'), generatedContractYaml(REPORTING_SITES));
    // The embedded broker, which checks device credentials itself, even where CI sets MQTT_URL.
    // As the demo runs it: ratings up to a week old taken (a backfill), occupants told apart by their forwarded address.
    const backfillEnv = { RATING_MAX_AGE_HOURS: '168', TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' };
    sut = await startTestApp({ env: { MQTT_URL: undefined, CONTRACTS_DIR: serviceContracts, ...backfillEnv } });
    await sut.app.listen(0, '127.0.0.1');
    apiUrl = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    deviceUrl = sut.app.get(MqttService).deviceBrokerUrl;
  });
  // A simulated week leaves many zone-days to recompute: shutdown waits for the batch in progress.
  afterAll(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  /** Keys of the devices with readings received since `since`. */
  const devicesWithReadingsSince = async (since: Date) =>
    (
      await sut.dataSource.query<Array<{ key: string }>>(
        'SELECT DISTINCT d.key FROM readings r JOIN devices d ON d.id = r.device_id WHERE r.received_at >= $1 ORDER BY d.key',
        [since],
      )
    ).map((row) => row.key);
  const everyDeviceReports = (since: Date) =>
    pollUntil(async () => {
      const keys = await devicesWithReadingsSince(since);
      return readingDevices.every((d) => keys.includes(d.key)) && keys;
    });

  it('refuses to run anonymously, and says which options give the devices credentials', async () => {
    const run = await simulate([...common(), '--duration', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the broker wants device credentials: pass --api-url/--api-key or --credentials');
  });

  it('issues a credential per device through the API, and the service stores what each device publishes', async () => {
    const since = new Date();
    const run = await simulate([...common(), '--api-url', apiUrl, '--api-key', await sut.keyFor('admin'), '--duration', '3']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain(`Issued credentials for ${devices.length} devices`);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ failed: 0, sites: sites.length });
    expect(summary.published).toBeGreaterThan(300);
    await expect(everyDeviceReports(since)).resolves.toEqual(readingDevices.map((d) => d.key).sort());
  });

  it("connects each device with its line of the installers' sheets (one file per site)", async () => {
    const files: string[] = [];
    for (const site of sites) {
      const issued = await sut.app.get(DeviceCredentialsService).issueForSite(site.key, true);
      const file = join(dir, `${site.key}.csv`);
      writeFileSync(file, ['username,secret,device,zone', ...issued.map((c) => `${c.username},${c.secret},${c.device},${c.zone}`)].join('\n'));
      files.push('--credentials', file);
    }
    const since = new Date();
    const run = await simulate([...common(), ...files, '--duration', '2']);
    expect(run).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ failed: 0 });
    await expect(everyDeviceReports(since)).resolves.toEqual(readingDevices.map((d) => d.key).sort());

    // A sheet that misses a site's devices stops the run before it connects, naming them.
    const partial = await simulate([...common(), ...files.slice(0, 2), '--duration', '1']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/no credential for \d+ of \d+ simulated devices/);
  });

  it('follows the cleaning plans: its check-ins, refills and inspections are stored, and complete the tasks of a usage-plan restroom', async () => {
    // A working day, 06:00 to 18:00 in Stockholm, in six seconds.
    const morning = recentWorkingMorning();
    const run = await simulate([
      ...['--mqtt-url', deviceUrl, '--contracts', simulatedContracts, '--prefix', sut.config.mqttTopicPrefix, '--rate', '300', '--seed', '5'],
      ...['--api-url', apiUrl, '--api-key', await sut.keyFor('admin'), '--speed', '7200', '--start', morning.toISOString(), '--duration', '6'],
    ]);
    expect(run).toMatchObject({ code: 0 });
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ failed: 0, sites: 1, perEvent: { checkin: expect.any(Number), refill: expect.any(Number), inspection: expect.any(Number) } });

    // Each event stored once, in its device's zone of the simulated site.
    const storedKinds = async () =>
      Object.fromEntries(
        (
          await sut.dataSource.query<Array<{ kind: string; count: string }>>(
            'SELECT e.kind, count(*) FROM service_events e JOIN sites s ON s.id = e.site_id WHERE s.key = $1 GROUP BY e.kind',
            [planned.key],
          )
        ).map((row) => [row.kind, Number(row.count)]),
      );
    const stored = pollUntil(async () => {
      const kinds = await storedKinds();
      return total(kinds) >= total(summary.perEvent) && kinds;
    });
    await expect(stored).resolves.toEqual(summary.perEvent);

    // The restroom's usage tasks of that day (restrooms: after 40 visitors or 4 service hours), done by the simulated check-ins.
    const restroom = planned.zones.find((z) => z.type === 'restroom')!;
    const from = new Date(morning.getTime() - 5 * 3_600_000);
    const { body } = await request(sut.http)
      .get('/api/v1/tasks')
      .query({ zone: `${planned.key}.${restroom.key}`, from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() })
      .set('Authorization', `Bearer ${await sut.keyFor('admin')}`)
      .expect(200);
    const tasks = body.items as Array<{ origin: string; status: string; doneAt: string | null }>;
    // Twelve service hours at most four apart: three at least, more after every 40 visitors (how many
    // the simulator gets through in six seconds depends on the machine's load).
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    expect(tasks.every((t) => t.origin === 'usage')).toBe(true);
    expect(tasks.filter((t) => t.status === 'done' || t.status === 'late').length).toBeGreaterThan(tasks.length / 2);
  });

  it('has occupants report problems through the QR API now and then: the service stores each report and incidents appear', async () => {
    // Six days in eight seconds: at least four working days of four generated offices. Reports are rare draws
    // (an office's six days give none about one run in fifteen), so four offices: about eighteen reports a run.
    const start = new Date(Date.now() - 6 * 86_400_000);
    const since = new Date();
    const run = await simulate([
      ...['--mqtt-url', deviceUrl, '--contracts', reportingContracts, '--prefix', sut.config.mqttTopicPrefix, '--rate', '300', '--seed', '6'],
      ...['--api-url', apiUrl, '--api-key', await sut.keyFor('admin'), '--speed', String((6 * 86_400) / 8), '--start', start.toISOString(), '--duration', '8'],
    ]);
    expect(run).toMatchObject({ code: 0 });
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ failed: 0, sites: REPORTING_SITES });
    // Not MQTT messages: counted apart.
    expect(total(summary.perSignal) + total(summary.perEvent)).toBe(summary.published);
    expect(total(summary.perReport)).toBeGreaterThan(0);

    // The run's reports, each with its site and the incident it joined (linked as the reports come in).
    const reportsOfRun = () =>
      sut.dataSource.query<Array<{ site: string; category: string; incidentId: string | null }>>(
        `SELECT s.key AS site, r.category, r.incident_id AS "incidentId" FROM incident_reports r JOIN sites s ON s.id = r.site_id WHERE s.key = ANY($1) AND r.reported_at >= $2`,
        [reportingSites, since],
      );
    const stored: Record<string, number> = {};
    for (const r of await reportsOfRun()) stored[r.category] = (stored[r.category] ?? 0) + 1;
    expect(stored).toEqual(summary.perReport);
    // Each report joined an incident of its zone, which the incidents API lists under the report's site.
    const linked = await pollUntil(async () => {
      const rows = await reportsOfRun();
      return rows.every((r) => r.incidentId !== null) && rows;
    });
    for (const site of new Set(linked.map((r) => r.site))) {
      const { body } = await request(sut.http).get('/api/v1/incidents').query({ site, limit: 500 }).set('Authorization', `Bearer ${await sut.keyFor('admin')}`).expect(200);
      const listed = body.items as Array<{ id: string; origin: string; zone: string; reports: number }>;
      for (const { incidentId } of linked.filter((r) => r.site === site)) {
        expect(listed.find((i) => i.id === incidentId)).toMatchObject({ zone: expect.stringMatching(new RegExp(`^${site}\\.`)), reports: expect.any(Number) });
      }
    }
    // Six days of four sites' SLA facts and rollups to recompute: done here, not while the service shuts down.
    await sut.app.get(SlaFactsService).catchUp();
    await sut.app.get(RollupsService).catchUp();
  }, 240_000);

  it('backfills six days through MQTT and the QR API, as fast as the service takes them, into the daily rating rollups', async () => {
    const started = Date.now();
    const run = await simulate([
      ...['--mqtt-url', deviceUrl, '--contracts', simulatedContracts, '--prefix', sut.config.mqttTopicPrefix, '--rate', '50', '--seed', '7'],
      ...['--api-url', apiUrl, '--api-key', await sut.keyFor('admin'), '--backfill-days', '6', '--duration', '1', '--quiet'],
    ]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(/simulate: backfill 3\/6 days/);
    expect(run.stderr).toMatch(/simulate: backfill done: \d+ messages and \d+ QR ratings/);
    const qrRatings = Number(/and (\d+) QR ratings/.exec(run.stderr)?.[1]);
    expect(qrRatings).toBeGreaterThan(20);

    // Every QR rating of this run stored at its simulated time, none excluded as misuse: each occupant rated from a phone of its own.
    const stored = await sut.dataSource.query<Array<{ n: number; excluded: number; oldest: Date }>>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE r.excluded_reason IS NOT NULL)::int AS excluded, min(r.rated_at) AS oldest
       FROM ratings r JOIN sites s ON s.id = r.site_id WHERE s.key = $1 AND r.origin = 'qr' AND r.received_at >= $2`,
      [planned.key, new Date(started)],
    );
    expect(stored[0]).toMatchObject({ n: qrRatings, excluded: 0 });
    expect(stored[0].oldest.getTime()).toBeLessThan(started - 4 * 86_400_000);

    // The broker hands the service what the backfill published at the service's pace: wait until intake has gone quiet.
    await pollUntil(async () => {
      const [{ idle }] = await sut.dataSource.query<Array<{ idle: boolean }>>(
        `SELECT coalesce(max(r.received_at) < now() - interval '3 seconds', true) AS idle FROM readings r WHERE r.received_at >= $1`,
        [new Date(started)],
      );
      return idle;
    }, 120_000, 500);

    // The daily rollups hold every working day of the six, in the site's own dates.
    await sut.app.get(RollupsService).catchUp();
    const days = await sut.dataSource.query<Array<{ day: string; rated: number }>>(
      `SELECT to_char(d.local_date, 'YYYY-MM-DD') AS day, sum(d.rated)::int AS rated
       FROM rating_rollup_daily d JOIN sites s ON s.id = d.site_id WHERE s.key = $1 GROUP BY 1 ORDER BY 1`,
      [planned.key],
    );
    const workingDays = localWorkingDaysBetween(started - 6 * 86_400_000, started, planned.timeZone);
    expect(days.filter((d) => d.rated > 0).map((d) => d.day)).toEqual(expect.arrayContaining(workingDays));
    expect(days.reduce((sum, d) => sum + d.rated, 0)).toBeGreaterThanOrEqual(qrRatings);
    await sut.app.get(SlaFactsService).catchUp();
  }, 240_000);
});

/** Local dates (YYYY-MM-DD), Monday to Friday, strictly after the day of `from` and before the day of `to`. */
function localWorkingDaysBetween(from: number, to: number, timeZone: string): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' });
  const local = (at: number) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: parts.weekday };
  };
  const [first, last] = [local(from).date, local(to).date];
  const days = new Map<string, string>();
  for (let t = from; t <= to; t += 3_600_000) days.set(local(t).date, local(t).weekday);
  return [...days].filter(([date, weekday]) => date > first && date < last && !['Sat', 'Sun'].includes(weekday)).map(([date]) => date);
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

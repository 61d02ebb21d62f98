/**
 * npm run bench:alerts [-- --rate 1000 --duration 20 --probes-per-second 5 --storm-per-second 50 --log-level warn]
 *
 * Issue 15's benchmark, on real PostgreSQL (a fresh database, dropped afterwards): while ratings flow
 * at `--rate` per second through POST /api/v1/ratings, probe zones each get one negative rating with
 * the lowest score and a reason, and one "storm" zone gets `--storm-per-second` negatives more. A local
 * webhook receiver (the contract's one recipient, signed) times each probe's alert from the rating's
 * 201 to the webhook's arrival. Prints one JSON line: p50 and p99 of that time, the alerts and
 * deliveries received against those expected (one per probe zone, one for the storm), missed and
 * doubled ones, bad signatures (the storm alert's count is its negatives from the one that opened it,
 * the burst's third, on); and, measured in the same run as the baseline, the round trip of a
 * signed POST from this driver straight to the receiver, and the ratings' own 201 latency.
 * Target: p99 ≤ 1 s, nothing missed, nothing doubled.
 *
 * Layout as bench:ratings: this file is the driver (tsx) and, compiled by swc, the service's child.
 * DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import { signature, verifySignature } from '../src/alerts/signature';
import { forkRole, ROOT, round, stopChild } from './support';

const SECRET = 'bench-alerts-secret';
const TARGET_P99_MS = 1000;

type FromChild = { type: 'listening'; port: number } | { type: 'failed'; message: string };

// ---------------------------------------------------------------- the service (child process)

async function serve(): Promise<void> {
  await import('reflect-metadata');
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/platform/config/app-config');
  const app = await createApp(loadConfig(process.env), { bufferLogs: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop') void app.close().finally(() => process.exit(0));
  });
  process.send?.({ type: 'listening', port: (app.getHttpServer().address() as { port: number }).port } satisfies FromChild);
}

// ---------------------------------------------------------------- the driver

const percentile = (values: readonly number[], p: number) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

function contractYaml(probes: number, loadZones: number, hookUrl: string): string {
  const zone = (key: string) => `      - key: ${key}\n        name: ${key}\n        type: restroom\n        touchpoints:\n          - key: ${key}-qr\n            kind: qr\n`;
  const zones = [...Array.from({ length: loadZones }, (_, i) => `load-${i + 1}`), ...Array.from({ length: probes }, (_, i) => `probe-${i + 1}`), 'storm'].map(zone).join('');
  return `client: { key: bench-alerts, name: Bench Alerts }
contract: { key: bench-alerts-fm, name: Bench Alerts FM, provider: Bench FM, starts: 2026-01-01 }
sites:
  - key: bench-hq
    name: Bench HQ
    city: Stockholm
    country: SE
    timeZone: Europe/Stockholm
    language: sv
    serviceHours: { mon-sun: "00:00-24:00" }
    zones:
${zones}alerts:
  rules:
    negative_feedback: { allHours: true }
  recipients:
    - key: bench-hook
      webhook: { url: "${hookUrl}", secretEnv: ALERT_BENCH_SECRET }
`;
}

interface Received {
  at: number;
  deliveryId: string;
  alertId: string;
  zone: string;
  signed: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '20' },
      'probes-per-second': { type: 'string', default: '5' },
      'storm-per-second': { type: 'string', default: '50' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  if (values.role === 'service') return serve();
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const probesPerSecond = Number(values['probes-per-second']);
  const stormPerSecond = Number(values['storm-per-second']);
  const probes = Math.ceil(probesPerSecond * duration);
  const progress = (text: string) => process.stderr.write(`bench:alerts ${new Date().toISOString().slice(11, 19)} ${text}\n`);

  // The webhook receiver: every delivery, timed on arrival, its signature checked.
  const received: Received[] = [];
  let thanks = 0;
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const at = performance.now();
      const ts = Number(req.headers['x-xla-timestamp']);
      const parsed = JSON.parse(body) as { id: string; alert?: { id: string; rule: string; zone?: { key: string } } };
      // The load zones' happy streaks thank their team: counted apart from the negative-feedback alerts timed here.
      if (parsed.alert?.rule === 'thank_team') thanks++;
      else received.push({
        at,
        deliveryId: String(req.headers['x-xla-delivery']),
        alertId: parsed.alert?.id ?? '',
        zone: parsed.alert?.zone?.key ?? '',
        signed: verifySignature(SECRET, ts, body, String(req.headers['x-xla-signature']), Math.floor(Date.now() / 1000)),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const work = mkdtempSync(join(tmpdir(), 'xla-bench-alerts-'));
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `xla_bench_alerts_${randomUUID().slice(0, 8)}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  let child: import('node:child_process').ChildProcess | undefined;
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), ['src', 'migrations', 'bench', '-d', join(work, 'out'), '--config-file', '.swcrc', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
    const contracts = join(work, 'contracts');
    mkdirSync(contracts);
    writeFileSync(join(contracts, 'bench.yaml'), contractYaml(probes, 20, hookUrl));
    const env = {
      DATABASE_URL: dbUrl.toString(),
      DATA_DIR: join(work, 'data'),
      CONTRACTS_DIR: contracts,
      LOG_LEVEL: values['log-level'],
      MQTT_URL: '',
      MQTT_PORT: '0',
      TRUST_PROXY: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      ALERT_BENCH_SECRET: SECRET,
      PORT: '0',
    };
    const started = await forkRole<FromChild & { type: 'listening'; port: number }>(join(work, 'out', 'bench', 'alerts.js'), 'service', env, 'listening', 'service');
    child = started.child;
    const base = `http://127.0.0.1:${started.ready.port}`;
    progress(`service up on ${base}`);
    const db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const tokens = new Map((await db.query<{ key: string; token: string }>(`SELECT key, token FROM touchpoints`)).rows.map((r) => [r.key.replace(/-qr$/, ''), r.token]));

    // The baseline: a signed POST from here straight to the receiver, 200 times.
    const direct: number[] = [];
    for (let i = 0; i < 200; i++) {
      const body = JSON.stringify({ id: randomUUID(), alert: { id: '', zone: { key: '' } } });
      const ts = Math.floor(Date.now() / 1000);
      const t0 = performance.now();
      const r = await request(hookUrl, { method: 'POST', body, dispatcher: agent, headers: { 'content-type': 'application/json', 'x-xla-timestamp': String(ts), 'x-xla-signature': signature(SECRET, ts, body), 'x-xla-delivery': randomUUID() } });
      await r.body.dump();
      direct.push(performance.now() - t0);
    }
    received.length = 0;

    let source = 0;
    const rate201: number[] = [];
    const failures: string[] = [];
    const probeAcked = new Map<string, number>();
    const post = async (zone: string, score: number, reasons: string[]) => {
      source++;
      const ip = `10.${(source >> 16) & 255}.${(source >> 8) & 255}.${source & 255}`;
      const t0 = performance.now();
      const r = await request(`${base}/api/v1/ratings`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ token: tokens.get(zone), score, reasons, id: randomUUID() }),
      });
      await r.body.dump();
      const at = performance.now();
      if (r.statusCode !== 201) failures.push(`${zone}: ${r.statusCode}`);
      rate201.push(at - t0);
      return at;
    };

    // The load: each 10 ms a tenth of a hundredth of the second's ratings, probes and storm spread over the second.
    progress(`${rate} ratings/s for ${duration} s: ${probesPerSecond} probe zones/s, ${stormPerSecond} storm negatives/s`);
    const inFlight: Array<Promise<unknown>> = [];
    const t0 = performance.now();
    let probe = 0;
    for (let tick = 0; tick < duration * 100; tick++) {
      const due = t0 + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const second = Math.floor(tick / 100);
      const inSecond = tick % 100;
      const count = Math.floor(((inSecond + 1) * rate) / 100) - Math.floor((inSecond * rate) / 100);
      const storms = Math.floor(((inSecond + 1) * stormPerSecond) / 100) - Math.floor((inSecond * stormPerSecond) / 100);
      const probing = Math.floor(((inSecond + 1) * probesPerSecond) / 100) - Math.floor((inSecond * probesPerSecond) / 100);
      for (let i = 0; i < probing && probe < probes; i++) {
        const zone = `probe-${++probe}`;
        inFlight.push(post(zone, 1, ['no_soap']).then((at) => probeAcked.set(zone, at)));
      }
      for (let i = 0; i < storms; i++) inFlight.push(post('storm', 2, []));
      for (let i = 0; i < count - probing - storms; i++) inFlight.push(post(`load-${((tick * 7 + i) % 20) + 1}`, 5, []));
      if (second !== Math.floor((tick + 1) / 100) && inFlight.length > 5_000) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - t0) / 1000;
    progress(`sent ${rate201.length} ratings in ${round(seconds, 1)} s; waiting for the alerts`);
    const expectedZones = new Set([...probeAcked.keys(), 'storm']);
    const deadline = performance.now() + 15_000;
    while (performance.now() < deadline && new Set(received.map((r) => r.zone)).size < expectedZones.size) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2_000));

    const firstByZone = new Map<string, Received>();
    for (const r of received) if (!firstByZone.has(r.zone)) firstByZone.set(r.zone, r);
    const latencies = [...probeAcked].flatMap(([zone, acked]) => (firstByZone.has(zone) ? [firstByZone.get(zone)!.at - acked] : []));
    const deliveries = new Map<string, number>();
    for (const r of received) deliveries.set(r.deliveryId, (deliveries.get(r.deliveryId) ?? 0) + 1);
    const alertIds = new Set(received.map((r) => r.alertId));
    const byZoneAlerts = new Map<string, Set<string>>();
    for (const r of received) byZoneAlerts.set(r.zone, (byZoneAlerts.get(r.zone) ?? new Set()).add(r.alertId));
    const [{ alerts, storm_count: stormCount }] = (
      await db.query<{ alerts: number; storm_count: number | null }>(
        `SELECT count(*)::int AS alerts, max(a.count) FILTER (WHERE z.key = 'storm')::int AS storm_count FROM alerts a JOIN zones z ON z.id = a.zone_id WHERE a.rule = 'negative_feedback'`,
      )
    ).rows;
    await db.end();
    const missed = [...expectedZones].filter((z) => !firstByZone.has(z));
    const doubled = [...deliveries.values()].filter((n) => n > 1).length + [...byZoneAlerts.values()].filter((s) => s.size > 1).length;
    const p99 = percentile(latencies, 99);
    const out = {
      rate_per_s: round(rate201.length / seconds, 1),
      ratings: rate201.length,
      failed_requests: failures.length,
      alert_p50_ms: round(percentile(latencies, 50) ?? NaN, 1),
      alert_p99_ms: round(p99 ?? NaN, 1),
      alert_max_ms: round(Math.max(...latencies), 1),
      probes: probeAcked.size,
      alerts_expected: expectedZones.size,
      alerts_received: alertIds.size,
      alerts_stored: alerts,
      deliveries_received: deliveries.size,
      missed: missed.length,
      doubled,
      bad_signatures: received.filter((r) => !r.signed).length,
      thanks_received: thanks,
      storm_negatives_sent: Math.round(stormPerSecond * duration),
      storm_alert_count: stormCount,
      baseline_webhook_p50_ms: round(percentile(direct, 50)!, 2),
      baseline_webhook_p99_ms: round(percentile(direct, 99)!, 2),
      rating_201_p50_ms: round(percentile(rate201, 50)!, 1),
      rating_201_p99_ms: round(percentile(rate201, 99)!, 1),
      target_p99_ms: TARGET_P99_MS,
      target_met: p99 !== null && p99 <= TARGET_P99_MS && missed.length === 0 && doubled === 0 && failures.length === 0,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    if (child) await stopChild(child);
    await agent.close();
    receiver.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  if (process.send) process.send({ type: 'failed', message: err.message } satisfies FromChild);
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});

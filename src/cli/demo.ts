import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// npm run demo: the service on ports that are free, and once it answers /health, a banner saying where
// to go, and the simulator: first a month of history as fast as the service takes it, then feeding its
// broker gently, live. Both run in their own process groups, so Ctrl-C reaches each exactly once — through here.

const SIMULATOR_RATE = 20;
const HEALTHY_WITHIN_MS = 120_000;
/** Days of history the simulator replays at start, so a scorecard has a month behind it. */
const BACKFILL_DAYS = 30;
/** The backfill sends data up to a month old: the service must take it (by default it refuses a week-old reading, a day-old rating). */
const MAX_AGE_HOURS = String((BACKFILL_DAYS + 1) * 24);

interface Touchpoint {
  key: string;
  kind: string;
  token: string;
}

/** Whether a server could listen on this port now (what the service is about to do). */
function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** A port the OS says is free now. */
function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The wanted port if it is free, else any free one, with a note saying so (the demo must start; `npm start` refuses instead). */
async function choosePort(what: string, wanted: number, host: string, notes: string[]): Promise<number> {
  if (wanted !== 0 && (await isFree(wanted, host))) return wanted;
  const port = await anyFreePort(host);
  if (wanted !== 0) notes.push(`${what} port ${wanted} is taken, so the demo uses ${port}.`);
  return port;
}

/** ADMIN_API_KEY if given; else the demo's own, made once and kept in DATA_DIR so it stays the same across runs. */
function adminKey(env: NodeJS.ProcessEnv, dataDir: string): { key: string; origin: string } {
  if (env.ADMIN_API_KEY) return { key: env.ADMIN_API_KEY, origin: 'from ADMIN_API_KEY' };
  const file = join(dataDir, 'demo-admin.key');
  try {
    return { key: readFileSync(file, 'utf8').trim(), origin: `kept in ${file}` };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const key = `demo_${randomBytes(24).toString('base64url')}`;
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { key, origin: `made for the demo, kept in ${file}` };
  }
}

/** Polls /health until it answers 200; false if the service exited or took too long. */
async function healthy(baseUrl: string, service: ChildProcess): Promise<boolean> {
  for (const deadline = Date.now() + HEALTHY_WITHIN_MS; Date.now() < deadline && service.exitCode === null; ) {
    const status = await fetch(`${baseUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** One QR page and one kiosk of the demo contract, to open in a browser. */
async function demoPages(baseUrl: string, key: string): Promise<{ qr?: Touchpoint; kiosk?: Touchpoint }> {
  const res = await fetch(`${baseUrl}/api/v1/touchpoints?limit=200`, { headers: { Authorization: `Bearer ${key}` } }).catch(() => undefined);
  if (!res?.ok) return {};
  const { items } = (await res.json()) as { items: Touchpoint[] };
  return { qr: items.find((t) => t.kind === 'qr'), kiosk: items.find((t) => t.kind === 'kiosk') };
}

/** Where the demo keeps the time its simulation last reached, live. */
const SIMULATED_UNTIL_FILE = 'demo-simulated-until';

/** Days to backfill: the last 30 on a first run, else the gap since the demo last ran (none under two minutes), at most 30. */
function daysToBackfill(dataDir: string): number {
  let until: number;
  try {
    until = Date.parse(readFileSync(join(dataDir, SIMULATED_UNTIL_FILE), 'utf8').trim());
  } catch {
    return BACKFILL_DAYS;
  }
  if (Number.isNaN(until)) return BACKFILL_DAYS;
  const gap = Date.now() - until;
  return gap < 120_000 ? 0 : Math.min(BACKFILL_DAYS, Math.round((gap / 86_400_000) * 10_000) / 10_000);
}

/** The contracts the demo's key sees, for their scorecard links. */
async function contractKeys(baseUrl: string, key: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/v1/contracts?limit=200`, { headers: { Authorization: `Bearer ${key}` } }).catch(() => undefined);
  if (!res?.ok) return [];
  const { items } = (await res.json()) as { items: Array<{ key: string }> };
  return items.map((c) => c.key);
}

/** The label of the demo's share links: one is kept per contract and reused while it has a day left. */
const DEMO_LINK_LABEL = 'npm run demo';

/** A share link to the contract's live scorecard page (no key needed to open it), made once and reused. */
async function livePage(baseUrl: string, key: string, contract: string): Promise<string | undefined> {
  const url = `${baseUrl}/api/v1/contracts/${contract}/share-links`;
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const listed = await fetch(url, { headers }).then(
    async (r) => (r.ok ? ((await r.json()) as { items: Array<{ label: string | null; status: string; expiresAt: string; url: string }> }).items : []),
    () => [],
  );
  const kept = listed.find((l) => l.label === DEMO_LINK_LABEL && l.status === 'active' && Date.parse(l.expiresAt) - Date.now() > 86_400_000);
  if (kept) return kept.url;
  const made = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ label: DEMO_LINK_LABEL, expiresInDays: 30 }) }).catch(() => undefined);
  return made?.ok ? ((await made.json()) as { url: string }).url : undefined;
}

function banner(lines: Array<[string, string]>, notes: string[]): string {
  const width = Math.max(...lines.map(([label]) => label.length));
  return ['', 'XLA Monitor demo is running.', ...lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ...notes.map((n) => `  Note: ${n}`), ''].join('\n');
}

async function main(): Promise<void> {
  const env = { ...process.env };
  const bindHost = env.HOST ?? '0.0.0.0';
  const host = bindHost === '0.0.0.0' || bindHost === '::' ? 'localhost' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const notes: string[] = [];
  const port = await choosePort('HTTP', Number(env.PORT ?? 3000), bindHost, notes);
  const embeddedBroker = !env.MQTT_URL;
  const mqttPort = embeddedBroker ? await choosePort('MQTT', Number(env.MQTT_PORT ?? 1883), bindHost, notes) : undefined;
  const dataDir = env.DATA_DIR ?? './data';
  const admin = adminKey(env, dataDir);
  const deviceAuth = env.MQTT_AUTH !== 'off';
  const baseUrl = `http://${host}:${port}`;

  // Warnings and errors only, pretty on a terminal: the banner is what a first-time user needs to read.
  const serviceEnv = {
    ...env,
    PORT: String(port),
    ...(mqttPort === undefined ? {} : { MQTT_PORT: String(mqttPort) }),
    ADMIN_API_KEY: admin.key,
    DEMO_MODE: 'true',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    // The backfill goes through the ingest paths as live data does: they must take a month-old reading or rating.
    READING_MAX_AGE_HOURS: env.READING_MAX_AGE_HOURS ?? MAX_AGE_HOURS,
    RATING_MAX_AGE_HOURS: env.RATING_MAX_AGE_HOURS ?? MAX_AGE_HOURS,
    // Simulated occupants rate from addresses of their own (X-Forwarded-For from the simulator on this host), as phones do.
    TRUST_PROXY: env.TRUST_PROXY ?? '127.0.0.1,::1,::ffff:127.0.0.1',
  };
  const service = spawn(process.execPath, [join(__dirname, '..', 'main.js')], { stdio: 'inherit', detached: true, env: serviceEnv });
  // Started once the service is healthy; the signal handlers are in place before that.
  const later: { simulator?: ChildProcess } = {};

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      later.simulator?.kill('SIGTERM');
      service.kill(signal);
    });
  }
  service.on('exit', (code, signal) => {
    later.simulator?.kill('SIGTERM');
    if (signal) process.kill(process.pid, signal);
    process.exitCode = code ?? 1;
  });

  if (!(await healthy(baseUrl, service))) {
    if (service.exitCode === null) process.stderr.write(`demo: the service did not answer ${baseUrl}/health within ${HEALTHY_WITHIN_MS / 1000} s; it goes on.\n`);
    return;
  }

  const brokerUrl = env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`;
  const days = daysToBackfill(dataDir);
  const args = ['--mqtt-url', brokerUrl, '--rate', String(SIMULATOR_RATE), ...(days > 0 ? ['--backfill-days', String(days)] : []), '--quiet'];
  // The API takes the occupants' problem reports and, when MQTT_AUTH is on, issues the devices' credentials.
  args.push('--api-url', baseUrl, ...(deviceAuth ? [] : ['--anonymous']));
  // The key goes through the environment, not the command line that `ps` shows.
  const simulator = (later.simulator = spawn(process.execPath, [join(__dirname, 'simulate.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...env, XLA_API_KEY: admin.key } }));
  // Once the history is in, the time simulated up to is kept in DATA_DIR: a restart backfills only the gap.
  let live = days === 0;
  const keepUntil = setInterval(() => live && writeFileSync(join(dataDir, SIMULATED_UNTIL_FILE), `${new Date().toISOString()}\n`), 15_000).unref();
  simulator.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    live ||= chunk.toString().includes('simulate: backfill done');
  });
  simulator.on('exit', (code) => {
    clearInterval(keepUntil);
    if (code) process.stderr.write(`demo: the simulator stopped (exit code ${code}); the service goes on.\n`);
  });

  const { qr, kiosk } = await demoPages(baseUrl, admin.key);
  const contracts = await contractKeys(baseUrl, admin.key);
  const lines: Array<[string, string]> = [
    ['Open', `${baseUrl}/`],
    ['API docs', `${baseUrl}/docs`],
    ['Health', `${baseUrl}/health`],
    ['Admin key', `${admin.key}   (${admin.origin}; send it as "Authorization: Bearer <key>")`],
  ];
  if (qr) lines.push(['QR page', `${baseUrl}/r/${qr.token}   (${qr.key})`]);
  if (kiosk) lines.push(['Kiosk', `${baseUrl}/k/${kiosk.token}   (${kiosk.key})`]);
  // The last 30 days, which the backfill fills: a calendar month may have just begun.
  for (const contract of contracts) {
    lines.push(['Scorecard', `${baseUrl}/api/v1/contracts/${contract}/scorecard?window=rolling_30d   (send the admin key)`]);
    // The XLA next to the SLA in a browser, without Grafana: the live page of a share link.
    const live = await livePage(baseUrl, admin.key, contract);
    if (live) lines.push(['Live page', `${live}   (${contract}: this month, and the months before; no key needed)`]);
  }
  lines.push(
    ['MQTT', embeddedBroker ? `${brokerUrl} (embedded broker; devices connect with their own credentials${deviceAuth ? '' : ', or anonymously: MQTT_AUTH=off'})` : brokerUrl],
    [
      'Simulator',
      days > 0
        ? `running: ${SIMULATOR_RATE} messages/s live, after replaying the last ${days === BACKFILL_DAYS ? `${days} days` : `${Math.round(days * 24 * 10) / 10} hours (since the demo last ran)`} as fast as the service takes them (progress below)`
        : `running: ${SIMULATOR_RATE} messages/s live`,
    ],
    ['Logs', `warnings and errors${env.LOG_LEVEL ? ` (LOG_LEVEL=${env.LOG_LEVEL})` : '; LOG_LEVEL=info npm run demo shows more'}`],
    ['Stop', 'Ctrl-C (data stays in ' + dataDir + ')'],
  );
  process.stdout.write(`${banner(lines, notes)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

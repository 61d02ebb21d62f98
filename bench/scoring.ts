/**
 * npm run bench:scoring [-- --sites 1000 --zones 10 --ratings 10000000 --readings 100000000 --period YYYY-MM
 *                          --requests 20 --warmup 3 --uncached-requests 5 --raw-runs 3 --lag-seconds 60 --lag-rate 1000 --skip-lag --log-level warn --db <kept database URL>]
 *
 * Scoring on real PostgreSQL (a fresh database, dropped afterwards): one generated contract of N
 * sites × M zones (the simulator's offices, widened, with the demo contract's objectives) and one
 * month of facts, then one JSON line with:
 * - `rebuild_s`: `npm run scoring:rebuild -- --contract bench-fm` (its compiled CLI, its own `seconds`)
 *   from empty rollups, after the bulk load; `rebuild_s_per_10m_ratings` scaled to the target's unit;
 * - `contract_p50_ms`/`contract_p95_ms`: GET /api/v1/contracts/bench-fm/scorecard?period=<month>,
 *   warm (after the service's start-up jobs settled, `settle_s`: its SLA facts job recomputes every
 *   zone's today and yesterday at start, and the alert rules' first run opens an alert for every zone
 *   whose clean is overdue today; then `--warmup` requests first, then `--requests` one after another), and `site_*` the same for
 *   GET /api/v1/sites/:key/scorecard over sites spread across the contract; warm, the scorecard's
 *   counts come from its cache (good while the rollup version stands), so `contract_uncached_*`
 *   times `--uncached-requests` more with the version moved before each, as a rollup run would;
 * - the baseline: the same contract figures straight from the raw rows by one SQL query
 *   (bench/scoring-data.ts rawFiguresSql; median of `--raw-runs`), `ratio` = baseline ÷ contract p50,
 *   `ratio_p95` = baseline ÷ contract p95 (the one the target reads);
 * - `figures_equal`: every objective's numerator and denominator of the contract scorecard, its
 *   experience index and excluded ratings, equal to the baseline's (mismatches listed in `mismatches`);
 * - `lag_*_s`: while ratings arrive at `--lag-rate` a second for `--lag-seconds` (SQL inserts of a
 *   tenth of the rate every 100 ms, triggers on, rated now), how long each insert waits until the
 *   rollups count it (written with the hourly rows, in one transaction), with the service's leader
 *   job at its normal interval;
 * - `targets`: issue 13's, each with its value, pass and `times_off` (how many times off a missed one is);
 *   `target_met` when all pass.
 *
 * Data (set-based SQL, bench/scoring-data.ts): `--ratings` ratings over the touchpoints (shares by
 * zone type and site), on the month's local days (weekends a sixth of a weekday, a little on the day
 * either side) and office hours, scores by each site's quality (a few sites much worse), reasons on
 * most negative ratings, 3 % excluded by the misuse filter's reasons; readings_hourly rows for every
 * zone, signal and hour of the month that `--readings` readings would give (the simulator's devices,
 * n scaled to the total); sla_facts_hourly for every service hour of every zone (tasks by the zone's
 * cleaning plan, incidents, visitors = the people counters' sums, consumables out, inspections,
 * comfort and device minutes). The bulk load runs with session_replication_role = replica (no
 * triggers: no dirty marks, no foreign-key checks; the data comes from the catalog) and the indexes
 * of ratings and readings_hourly (primary keys and unique constraints too) dropped and built again
 * afterwards, then VACUUM (ANALYZE); so the rebuild starts from empty rollups, as after a restore.
 *
 * The month: `--period` or, by default, the latest calendar month that ended at least three days
 * ago, so that the operations job's recomputation of today and yesterday touches none of it.
 *
 * Layout: as bench/ratings.ts. This file is the driver (run by tsx) and, compiled by swc into a
 * temporary folder (dist/ is left alone), the service child (role `service`) and the rebuild child
 * (role `rebuild`: the compiled scoring:rebuild CLI loaded as is, its statements timed by the table
 * they write: `rebuild_queries`). The catalog is loaded by the compiled contracts:sync; the service
 * starts after the rebuild. Options as flags or environment (BENCH_SITES, BENCH_ZONES, BENCH_RATINGS,
 * BENCH_READINGS, BENCH_PERIOD, BENCH_REQUESTS, BENCH_WARMUP, BENCH_RAW_RUNS, BENCH_LAG_SECONDS,
 * BENCH_LAG_RATE, BENCH_SKIP_LAG=1, BENCH_LOG_LEVEL); DATABASE_URL names the server (default
 * postgres://postgres@127.0.0.1:5432/test); BENCH_KEEP_DB=1 keeps the database (printed on stderr), and
 * `--db <its URL>` (BENCH_DB) measures it again without generating or rebuilding (rebuild figures null).
 * Progress goes to stderr.
 */
import { execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client } from 'pg';
import type { Scale } from '../src/catalog/catalog.types';
import { polarityOf, scaleScores } from '../src/feedback/reasons';
import {
  BENCH_CONTRACT,
  benchContractYaml,
  benchObjectives,
  insertRatingsSql,
  insertReadingsHourlySql,
  insertSlaFactsSql,
  nextMonth,
  ratingParams,
  rawFiguresSql,
  readingsPerZoneHour,
} from './scoring-data';
import { cpuTicks, forkRole, measuredPhaseProfiler, ROOT, round, childStats, stopChild, timeQueries } from './support';

const run = promisify(execFile);

/** Sites per loading statement (a progress line each). */
const LOAD_SITES = 50;
/** Issue 13's targets. */
const TARGETS = { contractP95Ms: 200, contractRatio: 20, siteP95Ms: 20, rebuildSPer10M: 60, lagS: 60 };

type ToChild = { type: 'stats-reset' } | { type: 'stats' } | { type: 'stop' };
type QueryTimes = Record<string, { n: number; ms: number }>;
type FromChild = { type: 'listening'; port: number; publishMs: number } | { type: 'stats'; queries: QueryTimes; cpuMs: number } | { type: 'failed'; message: string };

// ---------------------------------------------------------------- the service (child process)

async function serve(): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  await import('reflect-metadata');
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/platform/config/app-config');
  let queries: QueryTimes = {};
  let cpu = process.cpuUsage();
  await timeQueries(() => queries);
  const config = loadConfig(process.env);
  const app = await createApp(config, { bufferLogs: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  // The figures publisher's first run, before any request is timed (its job would run it a minute in,
  // amid the requests): the current and the last month, as the job does, and the bench's own.
  const { FiguresPublisher, periodsAt } = await import('../src/scoring/figures-publisher');
  const started = performance.now();
  // An API instance (JOBS=off) publishes nothing: the worker beside it does.
  if (config.jobs) await app.get(FiguresPublisher).publish({ periods: [...new Set([...periodsAt(new Date()), process.env.BENCH_PERIOD!])] });
  const publishMs = performance.now() - started;
  // BENCH_CPU_PROFILE=<folder>: a V8 CPU profile of each measured phase (from a stats reset to its stats), phase-<n>-<pid>.cpuprofile.
  const profiles = process.env.BENCH_CPU_PROFILE;
  let phase = 0;
  let profiler = measuredPhaseProfiler(undefined);
  process.on('message', (message: ToChild) => {
    if (message.type === 'stats-reset') {
      queries = {};
      cpu = process.cpuUsage();
      profiler = measuredPhaseProfiler(profiles && join(profiles, `phase-${++phase}-${process.pid}.cpuprofile`));
      profiler.start();
    } else if (message.type === 'stats') {
      const used = process.cpuUsage(cpu);
      profiler.finish(() => send({ type: 'stats', queries, cpuMs: (used.user + used.system) / 1000 }));
    } else if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'listening', port: (app.getHttpServer().address() as { port: number }).port, publishMs });
}

/** A statement's label: the table it writes, else its first words (the rebuild's statements all start with `WITH t AS`). */
function statementLabel(sql: string): string {
  const writes = /\b(INSERT INTO|DELETE FROM|UPDATE)\s+(\w+)/i.exec(sql);
  return writes ? `${writes[1]} ${writes[2]}` : sql.replace(/--[^\n]*/g, ' ').trim().split(/\s+/).slice(0, 3).join(' ').slice(0, 40);
}

/**
 * The compiled scoring:rebuild CLI itself, loaded in this child with every statement timed by what
 * it writes (the `rebuild_queries` figures); its stdout is the CLI's own. Sends the times at the end.
 */
async function rebuildTimed(): Promise<void> {
  const times: QueryTimes = {};
  await timeQueries(() => times, statementLabel);
  let sent = false;
  process.on('beforeExit', () => {
    if (sent) return;
    sent = true;
    process.send?.({ type: 'stats', queries: times, cpuMs: 0 } satisfies FromChild, () => process.disconnect());
  });
  const cli = join(__dirname, '..', 'src', 'cli', 'scoring-rebuild.js');
  process.argv = [process.argv[0], cli, '--contract', BENCH_CONTRACT];
  await import(cli);
}

/** Runs the timed rebuild child: the CLI's summary line, and its statements' times. */
function rebuildWithTimes(compiled: string, env: Record<string, string>): Promise<{ summary: RebuildSummary; queries: QueryTimes }> {
  const child = fork(join(compiled, 'bench', 'scoring.js'), ['--role', 'rebuild'], { env, cwd: ROOT, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stdout = '';
  let stderr = '';
  let queries: QueryTimes = {};
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // Progress lines: the last few are shown if it fails.
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('message', (message: FromChild) => {
    if (message.type === 'stats') queries = message.queries;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`scoring:rebuild exited with ${code}: ${stderr}`));
      // The CLI's summary line: its own seconds (without Node's start-up) and what it wrote.
      resolve({ summary: JSON.parse(stdout.trim().split('\n').at(-1)!) as RebuildSummary, queries });
    });
  });
}

// ---------------------------------------------------------------- driver

interface Options {
  sites: number;
  zones: number;
  ratings: number;
  readings: number;
  period: string;
  requests: number;
  uncachedRequests: number;
  warmup: number;
  rawRuns: number;
  lagSeconds: number;
  lagRate: number;
  skipLag: boolean;
  /** One service process that also runs the jobs (the quick start's), instead of an API instance (JOBS=off) beside a worker. */
  singleProcess: boolean;
  logLevel: string;
  databaseUrl: string;
  /** A database an earlier run kept (BENCH_KEEP_DB=1): its data and rollups are measured again, without generating or rebuilding. */
  db?: string;
}

/** The latest calendar month that ended at least three days before `now` (YYYY-MM). */
function defaultPeriod(now: Date): string {
  const cutoff = new Date(now.getTime() - 3 * 86_400_000);
  const end = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth(), 1));
  const month = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  return month.toISOString().slice(0, 7);
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      sites: { type: 'string' },
      zones: { type: 'string' },
      ratings: { type: 'string' },
      readings: { type: 'string' },
      period: { type: 'string' },
      requests: { type: 'string' },
      'uncached-requests': { type: 'string' },
      warmup: { type: 'string' },
      'raw-runs': { type: 'string' },
      'lag-seconds': { type: 'string' },
      'lag-rate': { type: 'string' },
      'skip-lag': { type: 'boolean' },
      'single-process': { type: 'boolean' },
      'log-level': { type: 'string' },
      db: { type: 'string' },
    },
  });
  const env = process.env;
  const num = (flag: string | undefined, fromEnv: string | undefined, fallback: number, name: string, min = 0) => {
    const value = Number(flag ?? fromEnv ?? fallback);
    if (!Number.isFinite(value) || value < min) throw new Error(`${name}: expected a number ≥ ${min}, got "${flag ?? fromEnv}"`);
    return value;
  };
  const period = values.period ?? env.BENCH_PERIOD ?? defaultPeriod(new Date());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Error(`period: expected YYYY-MM, got "${period}"`);
  const sites = num(values.sites, env.BENCH_SITES, 1000, 'sites', 1);
  return {
    sites,
    zones: num(values.zones, env.BENCH_ZONES, 10, 'zones', 1),
    // Without a count, 10,000 ratings and 100,000 readings a site: 10 and 100 million for 1,000 sites.
    ratings: num(values.ratings, env.BENCH_RATINGS, sites * 10_000, 'ratings'),
    readings: num(values.readings, env.BENCH_READINGS, sites * 100_000, 'readings'),
    period,
    requests: num(values.requests, env.BENCH_REQUESTS, 20, 'requests', 1),
    uncachedRequests: num(values['uncached-requests'], env.BENCH_UNCACHED_REQUESTS, 5, 'uncached-requests', 1),
    warmup: num(values.warmup, env.BENCH_WARMUP, 3, 'warmup'),
    rawRuns: num(values['raw-runs'], env.BENCH_RAW_RUNS, 3, 'raw-runs', 1),
    lagSeconds: num(values['lag-seconds'], env.BENCH_LAG_SECONDS, 60, 'lag-seconds', 1),
    lagRate: num(values['lag-rate'], env.BENCH_LAG_RATE, 1000, 'lag-rate', 10),
    skipLag: values['skip-lag'] ?? env.BENCH_SKIP_LAG === '1',
    singleProcess: values['single-process'] ?? env.BENCH_SINGLE_PROCESS === '1',
    logLevel: values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'warn',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    db: values.db ?? (env.BENCH_DB || undefined),
  };
}

/**
 * Waits past the alert rules' first run (a minute after the start), then until no SLA facts, rollup
 * or insight mark waits and the alert events are down to a trickle (polled every half second, at
 * most ten minutes).
 */
async function settled(db: Client, serviceUpAt: number): Promise<void> {
  // The alert rules' first run comes a minute after the start: it opens an alert for every zone
  // whose clean is overdue today (every zone here: the bench has October's facts, no cleaner today),
  // about 5,000, and resolves the ones whose overdue interval ended, one transaction each.
  const firstRun = serviceUpAt + 65_000;
  if (Date.now() < firstRun) await new Promise((resolvePromise) => setTimeout(resolvePromise, firstRun - Date.now()));
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { rows } = await db.query<{ n: string; alerts: string }>(
      `SELECT (SELECT count(*) FROM sla_dirty_days) + (SELECT count(*) FROM scoring_dirty_days) + (SELECT count(*) FROM insight_dirty_days) AS n,
              (SELECT count(*) FROM alert_events WHERE at > now() - interval '30 seconds') AS alerts`,
    );
    // Settled: no mark left, and the alerts down to a steady trickle (zones whose clean falls overdue now).
    if (Number(rows[0].n) === 0 && Number(rows[0].alerts) < ALERT_TRICKLE) return;
    if (Date.now() > deadline) throw new Error(`the service's jobs did not settle in ten minutes (${rows[0].n} marks left, ${rows[0].alerts} alert events in the last 30 s)`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
  }
}

/** Alert events in 30 s that count as the steady state's trickle, not the start-up's storm. */
const ALERT_TRICKLE = 50;

const progress = (text: string) => process.stderr.write(`bench:scoring ${new Date().toISOString().slice(11, 19)} ${text}\n`);
const seconds = (since: number) => round((performance.now() - since) / 1000, 2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of samples (ms). */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (samples: readonly number[]) => percentile(samples, 50);

/** Runs `work` over batches of items, one batch at a time, on one connection; a progress line per batch. */
async function inBatches<T>(items: readonly T[], size: number, label: string, work: (batch: T[]) => Promise<number>): Promise<number> {
  let rows = 0;
  const started = performance.now();
  for (let i = 0; i < items.length; i += size) {
    rows += await work(items.slice(i, i + size));
    progress(`${label}: ${Math.min(i + size, items.length)}/${items.length} sites, ${rows.toLocaleString('en')} rows (${seconds(started)} s)`);
  }
  return rows;
}

/**
 * The indexes of tables, to drop before a bulk load and build after it (a sorted build beats 10
 * million random inserts into a btree larger than shared_buffers): plain indexes, and primary keys
 * and unique constraints that no foreign key references. `drop` and `create` are the statements.
 */
async function loadIndexes(db: Client, tables: readonly string[]): Promise<Array<{ drop: string; create: string }>> {
  const { rows } = await db.query<{ drop: string; create: string }>(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create
     FROM pg_constraint c
     WHERE c.conrelid = ANY($1::regclass[]) AND c.contype IN ('p', 'u')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
     UNION ALL
     SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
     FROM pg_index i
     WHERE i.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  return rows;
}

interface RebuildSummary {
  seconds: number;
  ratings: number;
  zoneHours: number;
  ratingDays: number;
  slaDays: number;
}

interface Loaded {
  ratings: number;
  readingsHourly: number;
  readingsRepresented: number;
  slaFacts: number;
  seconds: number;
  indexSeconds: number;
}

/** What a kept database holds for the month (its load and index times are those of the run that made it: not known here). */
async function counted(db: Client, period: string): Promise<Loaded> {
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql, [`${period}-01`, nextMonth(period)])).rows[0].n);
  return {
    ratings: await count(`SELECT count(*) AS n FROM ratings WHERE rated_at >= $1::date - 1 AND rated_at < $2::date + 1`),
    readingsHourly: await count(`SELECT count(*) AS n FROM readings_hourly WHERE hour >= $1::date - 1 AND hour < $2::date + 1`),
    readingsRepresented: await count(`SELECT COALESCE(sum(n), 0) AS n FROM readings_hourly WHERE hour >= $1::date - 1 AND hour < $2::date + 1`),
    slaFacts: await count(`SELECT count(*) AS n FROM sla_facts_hourly WHERE hour >= $1::date - 1 AND hour < $2::date + 1`),
    seconds: 0,
    indexSeconds: 0,
  };
}

/** The month's facts for every site of the contract, on two connections at once (ratings; readings and SLA facts). */
async function load(dbUrl: string, opts: Options, contractId: string, sites: Array<{ id: string }>): Promise<Loaded> {
  const connect = async () => {
    const c = new Client({ connectionString: dbUrl });
    await c.connect();
    // Bulk load: no triggers (no dirty marks, no foreign-key checks: the rows come from the catalog).
    await c.query(`SET session_replication_role = replica; SET maintenance_work_mem = '512MB'; SET synchronous_commit = off`);
    return c;
  };
  const [a, b] = [await connect(), await connect()];
  try {
    const started = performance.now();
    const indexes = await loadIndexes(a, ['ratings', 'readings_hourly']);
    for (const index of indexes) await a.query(index.drop);
    const siteIds = sites.map((s) => s.id);
    const from = `${opts.period}-01`;
    const to = nextMonth(opts.period);
    // Every UTC hour from a day before the month to a day after it: every site's local month and its edges.
    const spanFrom = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString();
    const spanTo = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString();
    const { rows: types } = await a.query<{ type: string; n: string }>(
      `SELECT z.type, count(*) AS n FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.contract_id = $1 GROUP BY z.type`,
      [contractId],
    );
    const hours = (Date.parse(spanTo) - Date.parse(spanFrom)) / 3_600_000;
    const natural = types.reduce((sum, t) => sum + Number(t.n) * readingsPerZoneHour(t.type) * hours, 0);
    const scale = natural > 0 ? opts.readings / natural : 0;
    const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const insert = async (c: Client, sql: string, params: unknown[]) => (await c.query(sql, params)).rowCount ?? 0;
    const ratingsOf = (batch: string[]) => insert(a, insertRatingsSql(), [contractId, opts.ratings, batch, ...ratingParams(opts.period)]);
    const readingsOf = (batch: string[]) => insert(b, insertReadingsHourlySql(), [batch, spanFrom, spanTo, scale]);
    const slaOf = (batch: string[]) => insert(b, insertSlaFactsSql(), [batch, dayBefore, to]);
    const [ratings, [readingsHourly, slaFacts]] = await Promise.all([
      inBatches(siteIds, LOAD_SITES, 'ratings', ratingsOf),
      (async () => [
        scale > 0 ? await inBatches(siteIds, LOAD_SITES, 'readings_hourly', readingsOf) : 0,
        await inBatches(siteIds, LOAD_SITES * 4, 'sla_facts_hourly', slaOf),
      ])(),
    ]);
    const indexStarted = performance.now();
    // Rebuilt two at a time, one per connection.
    const queue = [...indexes];
    const worker = async (c: Client) => {
      for (let index = queue.shift(); index; index = queue.shift()) await c.query(index.create);
    };
    await Promise.all([worker(a), worker(b)]);
    // What autovacuum would do before long (hint bits, visibility map, statistics): not left to the rebuild.
    await Promise.all([a.query('VACUUM (ANALYZE) ratings'), b.query('VACUUM (ANALYZE) sla_facts_hourly, readings_hourly, touchpoints, zones, sites')]);
    const { rows: represented } = await a.query<{ n: string }>('SELECT COALESCE(sum(n), 0) AS n FROM readings_hourly');
    return {
      ratings,
      readingsHourly,
      readingsRepresented: Number(represented[0].n),
      slaFacts,
      seconds: seconds(started),
      indexSeconds: seconds(indexStarted),
    };
  } finally {
    await a.end().catch(() => undefined);
    await b.end().catch(() => undefined);
  }
}

/** The service child, answering over IPC. */
class Service {
  private constructor(
    private readonly child: import('node:child_process').ChildProcess,
    readonly port: number,
    /** The figures publisher's first run in the child, before it answered. */
    readonly publishMs: number,
  ) {}

  static async start(compiled: string, env: Record<string, string>): Promise<Service> {
    const { child, ready } = await forkRole<FromChild & { type: 'listening'; port: number }>(compiled, 'service', env, 'listening', 'service');
    return new Service(child, ready.port, ready.publishMs);
  }

  get pid(): number {
    return this.child.pid!;
  }

  resetStats(): void {
    this.child.send({ type: 'stats-reset' } satisfies ToChild);
  }

  stats(): Promise<Extract<FromChild, { type: 'stats' }>> {
    return childStats<FromChild>(this.child);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

interface Timed {
  ms: number[];
  body: unknown;
  bytes: number;
}

/** GETs `paths` in turn (warm-ups first), one at a time; times each answer read in full. */
async function timeRequests(port: number, apiKey: string, paths: readonly string[], warmup: number, before?: () => Promise<unknown>): Promise<Timed> {
  const ms: number[] = [];
  let body: unknown;
  let bytes = 0;
  for (let i = 0; i < paths.length; i++) {
    await before?.();
    const start = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${paths[i]}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const text = await response.text();
    const took = performance.now() - start;
    if (response.status !== 200) throw new Error(`GET ${paths[i]}: ${response.status} ${text.slice(0, 500)}`);
    if (i >= warmup) ms.push(took);
    body = JSON.parse(text);
    bytes = text.length;
  }
  return { ms, body, bytes };
}

interface Ratio {
  numerator: number;
  denominator: number;
}

interface CardFigure {
  key?: string;
  numerator: number;
  denominator: number;
  excluded?: { total: number };
}

/** Compares the contract scorecard's figures with the raw query's; the mismatches (empty when equal). */
function compareFigures(card: { objectives: CardFigure[]; experienceIndex: CardFigure }, raw: ReadonlyMap<string, Ratio>): string[] {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const mismatches: string[] = [];
  const check = (key: string, got: Ratio | undefined) => {
    const want = raw.get(key);
    if (!want || !got) mismatches.push(`${key}: ${got ? 'not in the raw figures' : 'not in the scorecard'}`);
    else if (!close(got.numerator, want.numerator) || !close(got.denominator, want.denominator)) {
      mismatches.push(`${key}: scorecard ${got.numerator}/${got.denominator}, raw ${want.numerator}/${want.denominator}`);
    }
  };
  for (const key of raw.keys()) {
    if (key === 'experience-index' || key === 'excluded') continue;
    check(key, card.objectives.find((o) => o.key === key));
  }
  check('experience-index', card.experienceIndex);
  const excluded = card.experienceIndex.excluded?.total ?? 0;
  check('excluded', { numerator: excluded, denominator: card.experienceIndex.denominator + excluded });
  return mismatches;
}

interface Lag {
  inserted: number;
  ratePerS: number;
  p50S: number | null;
  p95S: number | null;
  maxS: number | null;
  /** Inserts the rollups had not counted when the bench stopped waiting. */
  missing: number;
}

/**
 * Ratings at `rate` a second for `secs` seconds (a tenth of the rate every 100 ms on random
 * touchpoints, rated now, with the triggers on), while another connection polls the daily rollups
 * every 500 ms: each insert's lag is the time from its commit to the first poll that counts it.
 */
async function measureLag(dbUrl: string, contractId: string, rate: number, secs: number): Promise<Lag> {
  const writer = new Client({ connectionString: dbUrl });
  const reader = new Client({ connectionString: dbUrl });
  await writer.connect();
  await reader.connect();
  // Stopped before the connections close, whatever happened: a failed insert must end the run with its error, not a poll's.
  let polling = true;
  let poller: Promise<void> = Promise.resolve();
  try {
    const { rows: tps } = await writer.query<{ id: string; client_id: string; site_id: string; zone_id: string; kind: string; scale: Scale }>(
      `SELECT tp.id, tp.client_id, tp.site_id, tp.zone_id, tp.kind, tp.scale
       FROM touchpoints tp JOIN sites s ON s.id = tp.site_id WHERE s.contract_id = $1`,
      [contractId],
    );
    const clientId = tps[0].client_id;
    // By site and date (an index's prefix), so that polling stays cheap beside the job it measures.
    const siteIds = [...new Set(tps.map((tp) => tp.site_id))];
    const startedAt = new Date();
    const counted = async () =>
      Number(
        (
          await reader.query<{ n: string }>(
            `SELECT COALESCE(sum(rated + excluded_kiosk_repeat + excluded_burst + excluded_daily_cap), 0) AS n
             FROM rating_rollup_daily WHERE client_id = $1 AND site_id = ANY($2::uuid[]) AND local_date >= $3::date`,
            [clientId, siteIds, new Date(startedAt.getTime() - 86_400_000).toISOString().slice(0, 10)],
          )
        ).rows[0].n,
      );
    const before = await counted();
    const commits: Array<{ at: number; total: number }> = [];
    let total = 0;
    const seen: Array<{ at: number; n: number }> = [];
    poller = (async () => {
      while (polling) {
        const at = performance.now();
        seen.push({ at, n: (await counted()) - before });
        await sleep(500);
      }
    })();
    const perTick = Math.max(1, Math.round(rate / 10));
    const start = performance.now();
    for (let tick = 0; performance.now() - start < secs * 1000; tick++) {
      const rows = Array.from({ length: perTick }, (_, i) => {
        const tp = tps[Math.floor(Math.random() * tps.length)];
        const list = scaleScores(tp.scale);
        const score = list[Math.floor(Math.random() * list.length)];
        return { tp, score, polarity: polarityOf(tp.scale, score), id: `lag-${tick}-${i}` };
      });
      await writer.query(
        `INSERT INTO ratings (client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity, rated_at, received_at, source_hash)
         SELECT t.client_id, t.site_id, t.zone_id, t.touchpoint_id, t.submission_id, t.origin, t.score, t.polarity,
                clock_timestamp(), clock_timestamp(), 'bench-lag'
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::int[], $8::text[])
           AS t(client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity)`,
        [
          rows.map((r) => r.tp.client_id),
          rows.map((r) => r.tp.site_id),
          rows.map((r) => r.tp.zone_id),
          rows.map((r) => r.tp.id),
          rows.map((r) => r.id),
          rows.map((r) => r.tp.kind),
          rows.map((r) => r.score),
          rows.map((r) => r.polarity),
        ],
      );
      total += perTick;
      commits.push({ at: performance.now(), total });
      // Paced to the rate: the next tick at its own time, not 100 ms after this one ended.
      const next = start + (tick + 1) * 100;
      if (next > performance.now()) await sleep(next - performance.now());
    }
    const insertSeconds = (performance.now() - start) / 1000;
    // Wait until the rollups count them all (at most 3 minutes after the last insert).
    const deadline = performance.now() + 180_000;
    while (performance.now() < deadline && (seen.at(-1)?.n ?? 0) < total) await sleep(500);
    polling = false;
    await poller;
    const lags: number[] = [];
    let missing = 0;
    for (const commit of commits) {
      const first = seen.find((s) => s.at >= commit.at && s.n >= commit.total);
      if (first) lags.push((first.at - commit.at) / 1000);
      else missing += 1;
    }
    const fmt = (x: number | undefined) => (x === undefined ? null : round(x, 1));
    return {
      inserted: total,
      ratePerS: Math.round(total / insertSeconds),
      p50S: fmt(lags.length ? percentile(lags, 50) : undefined),
      p95S: fmt(lags.length ? percentile(lags, 95) : undefined),
      maxS: fmt(lags.length && !missing ? Math.max(...lags) : undefined),
      missing,
    };
  } finally {
    polling = false;
    await poller.catch(() => undefined);
    await writer.end().catch(() => undefined);
    await reader.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), 'xla-bench-scoring-'));
  const dbName = `xla_bench_scoring_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbUrl = new URL(opts.db ?? opts.databaseUrl);
  if (!opts.db) dbUrl.pathname = `/${dbName}`;
  let service: Service | undefined;
  let worker: Service | undefined;
  let db: Client | undefined;
  let created = false;
  try {
    progress(opts.db ? `the kept database ${dbUrl.pathname.slice(1)}, ${opts.period}: no generation, no rebuild` : `${opts.sites} sites × ${opts.zones} zones, ${opts.ratings.toLocaleString('en')} ratings, ${opts.period}; database ${dbName}`);
    // Compile the service (and this file) with swc into the scratch folder; dist/ is left alone.
    const swc = join(ROOT, 'node_modules', '.bin', 'swc');
    await run(swc, ['src', 'migrations', 'bench', '-d', join(work, 'out'), '--config-file', '.swcrc', '--quiet'], { cwd: ROOT });
    const compiled = join(work, 'out');
    const contractsDir = join(work, 'contracts');
    mkdirSync(contractsDir);
    const yaml = benchContractYaml(opts.sites, opts.zones);
    writeFileSync(join(contractsDir, 'bench.yaml'), yaml);

    if (!opts.db) {
      const admin = new Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      created = true;
      await admin.end();
    }

    const apiKey = randomBytes(24).toString('base64url');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: dbUrl.toString(),
      DATA_DIR: join(work, 'data'),
      CONTRACTS_DIR: contractsDir,
      LOG_LEVEL: opts.logLevel,
      ADMIN_API_KEY: apiKey,
      NODE_PATH: join(ROOT, 'node_modules'),
    };

    // The catalog: migrations and the contract, by the compiled contracts:sync (a kept database has them).
    let started = performance.now();
    if (!opts.db) await run(process.execPath, [join(compiled, 'src', 'cli', 'contracts-sync.js'), contractsDir], { env, cwd: ROOT, maxBuffer: 1 << 24 });
    const syncSeconds = opts.db ? null : seconds(started);
    if (syncSeconds !== null) progress(`catalog synced (${syncSeconds} s)`);

    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const { rows: contract } = await db.query<{ id: string }>('SELECT id FROM contracts WHERE key = $1', [BENCH_CONTRACT]);
    const { rows: sites } = await db.query<{ id: string; key: string }>('SELECT id, key FROM sites WHERE contract_id = $1 ORDER BY key', [contract[0].id]);
    const loaded = opts.db ? await counted(db, opts.period) : await load(dbUrl.toString(), opts, contract[0].id, sites);
    if (!opts.db) progress(`loaded in ${loaded.seconds} s (indexes ${loaded.indexSeconds} s)`);

    // The rebuild: the compiled scoring:rebuild CLI (in a child that times its statements), from empty rollups.
    started = performance.now();
    const { summary: rebuild, queries: rebuildQueries } = opts.db ? { summary: undefined, queries: {} as QueryTimes } : await rebuildWithTimes(compiled, env);
    const rebuildWall = opts.db ? null : seconds(started);
    if (rebuild) progress(`rebuilt in ${rebuild.seconds} s (${rebuild.ratings.toLocaleString('en')} ratings)`);

    started = performance.now();
    const serviceEnv = {
      ...env,
      BENCH_PERIOD: opts.period,
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '0',
      TRUST_PROXY: 'false',
      MQTT_URL: '',
      MQTT_PORT: '0',
      PSEUDONYM_SECRET: randomBytes(24).toString('base64url'),
    };
    // The deployment the README describes for a contract this size: the jobs in a worker, the requests
    // answered by an API instance (JOBS=off) whose event loop no job's work holds up; both on this machine.
    worker = opts.singleProcess ? undefined : await Service.start(join(compiled, 'bench', 'scoring.js'), { ...serviceEnv, DATA_DIR: join(work, 'data-worker') });
    service = await Service.start(join(compiled, 'bench', 'scoring.js'), { ...serviceEnv, JOBS: opts.singleProcess ? 'on' : 'off' });
    const serviceStartSeconds = seconds(started);
    const publishMs = (worker ?? service).publishMs;
    progress(`service up (${serviceStartSeconds} s, of which the figures' first publication ${round(publishMs / 1000, 2)} s)${worker ? ': a worker and an API instance' : ''}`);
    // Warm: the service's start-up work done first (settled), so requests meet the steady state.
    const serviceUpAt = Date.now();
    started = performance.now();
    await settled(db, serviceUpAt);
    const settleSeconds = seconds(started);
    progress(`start-up jobs settled (${settleSeconds} s)`);

    const contractPath = `/api/v1/contracts/${BENCH_CONTRACT}/scorecard?period=${opts.period}`;
    const ticks = cpuTicks();
    service.resetStats();
    const contractRun = await timeRequests(service.port, apiKey, Array<string>(opts.warmup + opts.requests).fill(contractPath), opts.warmup);
    const contractStats = await service.stats();
    const after = cpuTicks();
    progress(`contract scorecard p50 ${round(median(contractRun.ms))} ms, p95 ${round(percentile(contractRun.ms, 95))} ms`);
    // Sites spread over the contract, a different one each request.
    const sitePaths = Array.from({ length: opts.warmup + opts.requests }, (_, i) => {
      const site = sites[Math.floor((i * sites.length) / (opts.warmup + opts.requests))];
      return `/api/v1/sites/${site.key}/scorecard?period=${opts.period}`;
    });
    service.resetStats();
    worker?.resetStats();
    const siteRun = await timeRequests(service.port, apiKey, sitePaths, opts.warmup);
    const siteStats = await service.stats();
    const siteWorkerStats = await worker?.stats();
    progress(`site scorecard p50 ${round(median(siteRun.ms))} ms, p95 ${round(percentile(siteRun.ms, 95))} ms`);
    // Uncached, last (the figures job republishes once the version moved): the rollup version moves before each
    // request, as a rollup run would, so each reads the rollups again.
    const bumpVersion = () => db!.query('UPDATE scoring_rollup_version SET version = version + 1');
    service.resetStats();
    const uncachedRun = await timeRequests(service.port, apiKey, Array<string>(opts.uncachedRequests).fill(contractPath), 0, bumpVersion);
    const uncachedStats = await service.stats();
    progress(`contract scorecard uncached p50 ${round(median(uncachedRun.ms))} ms, p95 ${round(percentile(uncachedRun.ms, 95))} ms`);

    // The baseline: the same figures from the raw rows, one query.
    const rawSql = rawFiguresSql(benchObjectives(yaml));
    const rawMs: number[] = [];
    let raw = new Map<string, Ratio>();
    for (let i = 0; i < opts.rawRuns; i++) {
      const start = performance.now();
      const { rows } = await db.query<Ratio & { key: string }>(rawSql, [contract[0].id, `${opts.period}-01`, nextMonth(opts.period)]);
      rawMs.push(performance.now() - start);
      raw = new Map(rows.map((r) => [r.key, { numerator: Number(r.numerator), denominator: Number(r.denominator) }]));
    }
    const mismatches = [contractRun, uncachedRun].flatMap((run) => compareFigures(run.body as Parameters<typeof compareFigures>[0], raw));
    progress(`raw baseline ${round(median(rawMs))} ms; figures ${mismatches.length ? `differ: ${mismatches.join('; ')}` : 'equal'}`);

    let lag: Lag | undefined;
    if (!opts.skipLag) {
      progress(`lag: ${opts.lagRate} ratings/s for ${opts.lagSeconds} s`);
      lag = await measureLag(dbUrl.toString(), contract[0].id, opts.lagRate, opts.lagSeconds);
      progress(`lag p50 ${lag.p50S} s, p95 ${lag.p95S} s, max ${lag.maxS} s (${lag.missing} inserts not counted)`);
    }

    const contractP50 = median(contractRun.ms);
    const contractP95 = percentile(contractRun.ms, 95);
    const siteP95 = percentile(siteRun.ms, 95);
    const rawMedian = median(rawMs);
    const rebuildPer10M = rebuild && loaded.ratings > 0 ? (rebuild.seconds * 10_000_000) / loaded.ratings : null;
    // A bound: met at or below it (`at most`) or at or above it; `times` says how far a missed one is off (1.0 = met exactly).
    const bound = (value: number | null, limit: number, pass: boolean, times: number | null) => ({
      value: value === null ? null : round(value, 1),
      target: limit,
      pass,
      times_off: pass || times === null ? null : round(times, 1),
    });
    const atMost = (value: number | null, limit: number) => bound(value, limit, value !== null && value <= limit, value === null ? null : value / limit);
    const atLeast = (value: number, limit: number) => bound(value, limit, value >= limit, value > 0 ? limit / value : null);
    const targets = {
      contract_p95_ms: atMost(contractP95, TARGETS.contractP95Ms),
      contract_ratio: atLeast(rawMedian / contractP95, TARGETS.contractRatio),
      site_p95_ms: atMost(siteP95, TARGETS.siteP95Ms),
      ...(rebuildPer10M !== null ? { rebuild_s_per_10m_ratings: atMost(rebuildPer10M, TARGETS.rebuildSPer10M) } : {}),
      figures_equal: { value: mismatches.length === 0, target: true, pass: mismatches.length === 0 },
      ...(lag ? { lag_max_s: atMost(lag.maxS, TARGETS.lagS) } : {}),
    };
    const queryAvg = (q: Record<string, { n: number; ms: number }>, requests: number) =>
      Object.fromEntries(Object.entries(q).map(([label, s]) => [label, `${round(s.n / requests, 1)}× ${round(s.ms / s.n, 1)} ms`]));
    const out = {
      contract_p50_ms: round(contractP50),
      contract_p95_ms: round(contractP95),
      contract_uncached_p50_ms: round(median(uncachedRun.ms)),
      contract_uncached_p95_ms: round(percentile(uncachedRun.ms, 95)),
      site_p50_ms: round(median(siteRun.ms)),
      site_p95_ms: round(siteP95),
      raw_ms: round(rawMedian),
      ratio: round(rawMedian / contractP50, 1),
      ratio_p95: round(rawMedian / contractP95, 1),
      figures_equal: mismatches.length === 0,
      rebuild_s: rebuild ? round(rebuild.seconds, 2) : null,
      rebuild_s_per_10m_ratings: rebuildPer10M === null ? null : round(rebuildPer10M, 1),
      lag_p50_s: lag?.p50S ?? null,
      lag_p95_s: lag?.p95S ?? null,
      lag_max_s: lag?.maxS ?? null,
      target_met: Object.values(targets).every((t) => t.pass),
      targets,
      // Extras.
      mismatches,
      sites: opts.sites,
      zones: opts.zones,
      period: opts.period,
      ratings: loaded.ratings,
      readings_hourly_rows: loaded.readingsHourly,
      readings_represented: loaded.readingsRepresented,
      sla_facts_rows: loaded.slaFacts,
      objectives: raw.size - 2,
      load_s: loaded.seconds,
      load_index_rebuild_s: loaded.indexSeconds,
      load: 'replica role (no triggers, no FK checks), indexes of ratings and readings_hourly built after, VACUUM ANALYZE; rollups empty before the rebuild',
      catalog_sync_s: syncSeconds,
      rebuild_wall_s: rebuildWall,
      rebuild_zone_hours: rebuild?.zoneHours ?? null,
      rebuild_rating_days: rebuild?.ratingDays ?? null,
      rebuild_sla_days: rebuild?.slaDays ?? null,
      // Time in each kind of statement over the whole rebuild (s), by the table it writes; those of 50 ms or more.
      rebuild_queries: Object.fromEntries(
        Object.entries(rebuildQueries)
          .filter(([, q]) => q.ms >= 50)
          .map(([label, q]) => [label, `${q.n}× ${round(q.ms / 1000, 2)} s`]),
      ),
      service_start_s: serviceStartSeconds,
      settle_s: settleSeconds,
      figures_publish_s: round(publishMs / 1000, 2),
      processes: worker ? 'an API instance (JOBS=off) and a worker' : 'one service process (jobs too)',
      contract_ms: contractRun.ms.map((ms) => round(ms)),
      site_ms: siteRun.ms.map((ms) => round(ms)),
      contract_bytes: contractRun.bytes,
      contract_queries: queryAvg(contractStats.queries, opts.warmup + opts.requests),
      contract_service_cpu_ms: round(contractStats.cpuMs / (opts.warmup + opts.requests)),
      contract_uncached_queries: queryAvg(uncachedStats.queries, opts.uncachedRequests),
      site_bytes: siteRun.bytes,
      site_queries: queryAvg(siteStats.queries, opts.warmup + opts.requests),
      site_service_cpu_ms: round(siteStats.cpuMs / (opts.warmup + opts.requests)),
      // The worker's statements meanwhile (its jobs share the database's two cores with the requests), per request.
      site_worker_queries: siteWorkerStats ? queryAvg(siteWorkerStats.queries, opts.warmup + opts.requests) : undefined,
      raw_runs_ms: rawMs.map((ms) => round(ms)),
      machine_busy_pct_contract: ticks && after ? round((100 * (after.busy - ticks.busy)) / (after.total - ticks.total)) : null,
      lag_inserted: lag?.inserted ?? null,
      lag_rate_per_s: lag?.ratePerS ?? null,
      lag_missing: lag?.missing ?? null,
      requests: opts.requests,
      warmup: opts.warmup,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await db?.end().catch(() => undefined);
    await service?.stop();
    await worker?.stop();
    if (created && process.env.BENCH_KEEP_DB) {
      process.stderr.write(`kept the database: ${dbUrl.toString()}\n`);
    } else if (created) {
      const admin = new Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

const roleAt = process.argv.indexOf('--role');
if (roleAt >= 0 && process.argv[roleAt + 1] === 'rebuild') {
  void rebuildTimed();
} else if (roleAt >= 0) {
  serve().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies FromChild);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:scoring failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  });
}

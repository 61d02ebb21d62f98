/**
 * npm run bench:ratings [-- --duration 10 --warmup 3 --connections 100 --pipelining 1 --log-level info --cpu-prof]
 *
 * Autocannon against POST /api/v1/ratings on real PostgreSQL (a fresh database, dropped afterwards),
 * and in the same run, with the same settings and the same request bodies, against a bare Fastify
 * route that does no work (the baseline). Prints one JSON line.
 *
 * Layout: this file is the driver (autocannon, run by tsx) and, compiled by swc into a temporary
 * folder, also the two servers, each in a child process of its own. The servers run in children so
 * that autocannon and the server under test never share one event loop: in-process, autocannon's
 * request building and response parsing would be billed to the service's latency and throughput,
 * and on this 2-core machine the kernel can then spread driver, service and PostgreSQL over both
 * cores. They run compiled by swc rather than under tsx because Nest's dependency injection needs
 * decorator metadata, which tsx (esbuild) does not emit.
 *
 * Counting: `acknowledged` is the 201 answers of the measured phase. `stored` is how many of exactly
 * those ids are rows in `ratings` afterwards (so it must equal `acknowledged`). `stored_total` is
 * every row the measured phase added, which may exceed `acknowledged` by the requests still in
 * flight when autocannon stopped (it drops its sockets, the service still commits them): at most
 * connections × pipelining, reported as `in_flight_at_stop`. Warm-up rows are counted before the
 * measured phase starts and left out.
 *
 * Options, as flags or environment (flags win): --duration/BENCH_DURATION (s), --warmup/BENCH_WARMUP (s),
 * --connections/BENCH_CONNECTIONS, --pipelining/BENCH_PIPELINING, --log-level/BENCH_LOG_LEVEL (the
 * service's LOG_LEVEL; its output is discarded), --contracts/BENCH_CONTRACTS_DIR, --cpu-prof (writes
 * a V8 CPU profile of the service's measured phase and prints its path on stderr; open it in Chrome
 * DevTools or summarise it with a few lines of node).
 * DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test);
 * BENCH_KEEP_DB=1 keeps the bench's database (it is printed on stderr) to look at the plans afterwards.
 * MQTT: an embedded broker on a free port unless BENCH_MQTT_URL names one.
 */
import autocannon from 'autocannon';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { cpuTicks, forkRole, measuredPhaseProfiler, ROOT, round, stopChild, timeQueries } from './support';

const ROUTE = '/api/v1/ratings';
const SCORES: Record<string, number[]> = { smiley5: [1, 2, 3, 4, 5], smiley4: [1, 2, 3, 4], nps11: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };

type Role = 'service' | 'baseline';
type ToChild = { type: 'stats-reset' } | { type: 'stats' } | { type: 'stop' };
interface ServerStats {
  cpuMs: number;
  wallMs: number;
  batches: number;
  items: number;
  maxBatch: number;
  commitMs: number;
  /** SQL statements the service ran, by their first words: how many, and their round-trip time. */
  queries: Record<string, { n: number; ms: number }>;
  /** Event-loop delay: how long a ready callback (a DB reply, say) waited for the loop. */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
}
type FromChild = { type: 'listening'; port: number } | ({ type: 'stats' } & ServerStats) | { type: 'failed'; message: string };

// ---------------------------------------------------------------- servers (child processes)

async function serve(role: Role): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  const freshStats = () => ({ cpu: process.cpuUsage(), at: performance.now(), batches: 0, items: 0, maxBatch: 0, commitMs: 0, queries: {} as ServerStats['queries'] });
  let stats = freshStats();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  let close: () => Promise<void>;
  let port: number;

  if (role === 'baseline') {
    const { default: fastify } = await import('fastify');
    const app = fastify();
    app.post(ROUTE, (_req, reply) => reply.code(201).send({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    close = () => app.close();
  } else {
    await import('reflect-metadata');
    const { createApp } = await import('../src/app');
    const { loadConfig } = await import('../src/platform/config/app-config');
    const { RatingsRepository } = await import('../src/feedback/ratings.repository');
    // Bench-only instrumentation: batch sizes and time spent in commitBatch, without touching the service.
    const commitBatch = RatingsRepository.prototype.commitBatch;
    RatingsRepository.prototype.commitBatch = async function (this: InstanceType<typeof RatingsRepository>, ...args: Parameters<typeof commitBatch>) {
      const start = performance.now();
      try {
        return await commitBatch.apply(this, args);
      } finally {
        stats.batches += 1;
        stats.items += args[0].length;
        stats.maxBatch = Math.max(stats.maxBatch, args[0].length);
        stats.commitMs += performance.now() - start;
      }
    };
    await timeQueries(() => stats.queries);
    const app = await createApp(loadConfig(process.env), { bufferLogs: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as { port: number }).port;
    close = () => app.close();
  }

  // --cpu-prof: from stats-reset to stats.
  const profile = measuredPhaseProfiler(process.env.BENCH_CPU_PROFILE);

  process.on('message', (message: ToChild) => {
    if (message.type === 'stats-reset') {
      stats = freshStats();
      loopDelay.reset();
      profile.start();
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage(stats.cpu);
      const { batches, items, maxBatch, commitMs, queries } = stats;
      const reply = {
        type: 'stats' as const,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - stats.at,
        ...{ batches, items, maxBatch, commitMs, queries },
        loopDelayP50Ms: loopDelay.percentile(50) / 1e6,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      };
      profile.finish(() => send(reply));
    } else if (message.type === 'stop') {
      void close().finally(() => process.exit(0));
    }
  });
  send({ type: 'listening', port });
}

// ---------------------------------------------------------------- driver

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
  logLevel: string;
  contractsDir: string;
  cpuProf: boolean;
  databaseUrl: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pipelining: { type: 'string' },
      'log-level': { type: 'string' },
      contracts: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
    },
  });
  const env = process.env;
  const num = (flag: string | undefined, fromEnv: string | undefined, fallback: number, name: string) => {
    const value = Number(flag ?? fromEnv ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number, got "${flag ?? fromEnv}"`);
    return value;
  };
  return {
    duration: num(values.duration, env.BENCH_DURATION, 10, 'duration'),
    warmup: num(values.warmup, env.BENCH_WARMUP, 3, 'warmup'),
    connections: num(values.connections, env.BENCH_CONNECTIONS, 100, 'connections'),
    pipelining: num(values.pipelining, env.BENCH_PIPELINING, 1, 'pipelining'),
    logLevel: values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'info',
    contractsDir: resolve(values.contracts ?? env.BENCH_CONTRACTS_DIR ?? join(ROOT, 'config', 'contracts')),
    cpuProf: values['cpu-prof'] ?? false,
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  };
}

/** A server child: forked from the compiled copy of this file, answering over IPC. */
class Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(compiled: string, role: Role, env: Record<string, string>): Promise<Server> {
    return forkRole<FromChild & { type: 'listening'; port: number }>(compiled, role, env, 'listening', `${role} server`).then(({ child, ready }) => new Server(child, ready.port));
  }

  resetStats(): void {
    this.child.send({ type: 'stats-reset' } satisfies ToChild);
  }

  stats(): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.child.once('message', (message: FromChild) => {
        if (message.type === 'stats') resolve(message);
      });
      this.child.send({ type: 'stats' } satisfies ToChild);
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

interface Touchpoint {
  token: string;
  scale: string;
}

interface Measured {
  result: autocannon.Result;
  acknowledgedIds: string[];
  /** CPU time of this (driver) process, to see whether autocannon itself was the limit. */
  driverCpuMs: number;
  machineBusy?: number;
}

async function measure(port: number, touchpoints: Touchpoint[], seconds: number, opts: Options): Promise<Measured> {
  const acknowledgedIds: string[] = [];
  const cpu = process.cpuUsage();
  const ticks = cpuTicks();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    pipelining: opts.pipelining,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: ROUTE,
        headers: { 'content-type': 'application/json' },
        // A new rating each time: distinct UUIDs, spread over the touchpoints, with a valid score for each.
        setupRequest: (request) => {
          const tp = touchpoints[Math.floor(Math.random() * touchpoints.length)];
          const scores = SCORES[tp.scale];
          const score = scores[Math.floor(Math.random() * scores.length)];
          return { ...request, body: JSON.stringify({ token: tp.token, score, id: randomUUID() }) };
        },
        // The id comes back in the receipt; the baseline answers {ok:true}, which has none.
        onResponse: (status, body) => {
          if (status === 201) {
            const id = (JSON.parse(body) as { id?: string }).id;
            if (id) acknowledgedIds.push(id);
          }
        },
      },
    ],
  });
  const used = process.cpuUsage(cpu);
  const after = cpuTicks();
  return {
    result,
    acknowledgedIds,
    driverCpuMs: (used.user + used.system) / 1000,
    machineBusy: ticks && after ? (after.busy - ticks.busy) / (after.total - ticks.total) : undefined,
  };
}

/** Waits until the ratings count stops moving (the last commits of a phase landed); returns it. */
async function settledCount(db: Client): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 300 && stable < 3; i++) {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM ratings');
    const n = Number(rows[0].n);
    stable = n === last ? stable + 1 : 0;
    last = n;
    if (stable < 3) await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}


function statusCounts(result: autocannon.Result): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) if (!code.startsWith('2')) counts[code] = stat.count ?? 0;
  return counts;
}

async function main(): Promise<void> {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), 'xla-bench-'));
  const dbName = `xla_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const dbUrl = new URL(opts.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const servers: Server[] = [];
  let db: Client | undefined;
  let created = false;
  try {
    // Compile the service (and this file) with swc into the scratch folder; dist/ is left alone.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), ['src', 'migrations', 'bench', '-d', join(work, 'out'), '--config-file', '.swcrc', '--quiet'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const compiled = join(work, 'out', 'bench', 'ratings.js');

    const admin = new Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    created = true;
    await admin.end();

    // Baseline first: a bare Fastify route, same driver settings and bodies.
    const baseline = await Server.start(compiled, 'baseline', {});
    servers.push(baseline);
    const fakeTouchpoints: Touchpoint[] = [{ token: 'baseline', scale: 'smiley5' }];
    if (opts.warmup > 0) await measure(baseline.port, fakeTouchpoints, opts.warmup, opts);
    baseline.resetStats();
    const base = await measure(baseline.port, fakeTouchpoints, opts.duration, opts);
    const baseStats = await baseline.stats();
    await baseline.stop();

    const service = await Server.start(
      compiled,
      'service',
      {
        DATABASE_URL: dbUrl.toString(),
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: join(work, 'data'),
        CONTRACTS_DIR: opts.contractsDir,
        LOG_LEVEL: opts.logLevel,
        RATE_LIMIT_PER_MINUTE: '0',
        TRUST_PROXY: 'false',
        ...(process.env.BENCH_MQTT_URL ? { MQTT_URL: process.env.BENCH_MQTT_URL } : { MQTT_URL: '', MQTT_PORT: '0' }),
      ...(opts.cpuProf ? { BENCH_CPU_PROFILE: join(work, 'service.cpuprofile') } : {}),
      },
    );
    servers.push(service);
    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const { rows: touchpoints } = await db.query<Touchpoint>('SELECT token, scale FROM touchpoints WHERE retired_at IS NULL');
    if (!touchpoints.length) throw new Error(`no touchpoints in ${opts.contractsDir}`);

    if (opts.warmup > 0) await measure(service.port, touchpoints, opts.warmup, opts);
    const before = await settledCount(db);
    service.resetStats();
    const run = await measure(service.port, touchpoints, opts.duration, opts);
    const serverStats = await service.stats();
    const after = await settledCount(db);
    const { rows: found } = await db.query<{ n: string; distinct_ids: string }>(
      'SELECT count(*) AS n, count(DISTINCT submission_id) AS distinct_ids FROM ratings WHERE submission_id = ANY($1::text[])',
      [run.acknowledgedIds],
    );

    const r = run.result;
    const acknowledged = run.acknowledgedIds.length;
    const ratingsPerS = acknowledged / r.duration;
    const out = {
      ratings_per_s: Math.round(ratingsPerS),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      baseline_per_s: Math.round(base.result['2xx'] / base.result.duration),
      baseline_p99_ms: base.result.latency.p99,
      ratio: round(ratingsPerS / (base.result['2xx'] / base.result.duration), 3),
      acknowledged,
      stored: Number(found[0].n),
      stored_total: after - before,
      in_flight_at_stop: r.requests.sent - (r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']),
      non2xx: r.non2xx,
      non2xx_by_status: statusCounts(r),
      errors: r.errors,
      timeouts: r.timeouts,
      target_met: ratingsPerS >= 5000 && r.latency.p99 <= 50 && Number(found[0].n) === acknowledged,
      batches: serverStats.batches,
      avg_batch: serverStats.batches ? round(serverStats.items / serverStats.batches) : 0,
      max_batch: serverStats.maxBatch,
      avg_commit_ms: serverStats.batches ? round(serverStats.commitMs / serverStats.batches) : 0,
      queries_per_batch: serverStats.batches ? round(Object.values(serverStats.queries).reduce((a, q) => a + q.n, 0) / serverStats.batches) : 0,
      // Average round trip per statement kind, as the service saw it (queue wait in the pool included).
      query_avg_ms: Object.fromEntries(Object.entries(serverStats.queries).map(([label, q]) => [label, round(q.ms / q.n)])),
      service_loop_delay_p50_ms: round(serverStats.loopDelayP50Ms),
      service_loop_delay_p99_ms: round(serverStats.loopDelayP99Ms),
      service_cpu_pct: round((100 * serverStats.cpuMs) / serverStats.wallMs),
      // CPU time per answered request: steadier than rates on a shared machine, and what 2 cores must cover.
      service_cpu_us_per_req: Math.round((1000 * serverStats.cpuMs) / Math.max(1, r.requests.total)),
      baseline_cpu_us_per_req: Math.round((1000 * baseStats.cpuMs) / Math.max(1, base.result.requests.total)),
      driver_cpu_pct: round((100 * run.driverCpuMs) / (r.duration * 1000)),
      machine_busy_pct: run.machineBusy === undefined ? null : round(100 * run.machineBusy),
      duration_s: r.duration,
      connections: opts.connections,
      pipelining: opts.pipelining,
      log_level: opts.logLevel,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    if (opts.cpuProf) process.stderr.write(`CPU profile of the service's measured phase: ${join(work, 'service.cpuprofile')}\n`);
  } finally {
    await db?.end().catch(() => undefined);
    for (const server of servers) await server.stop();
    if (created && process.env.BENCH_KEEP_DB) {
      process.stderr.write(`kept the database: ${dbUrl.toString()}\n`);
    } else if (created) {
      const admin = new Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    if (!opts.cpuProf) rmSync(work, { recursive: true, force: true });
  }
}

const roleAt = process.argv.indexOf('--role');
if (roleAt >= 0) {
  serve(process.argv[roleAt + 1] as Role).catch((error: unknown) => {
    process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies FromChild);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:ratings failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  });
}

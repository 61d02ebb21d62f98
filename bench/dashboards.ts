/**
 * bench:dashboards: every panel query of the dashboards, as Grafana sends it (variables, then
 * macros), on the bench:scoring data (1,000 sites × 10 zones, a month, 10 million ratings), p95 per
 * panel. Target (issue 14): at most 150 ms each.
 *
 *   npm run bench:dashboards -- [--db postgres://…/xla_bench_scoring_…] [--runs 20] [--period YYYY-MM]
 *
 * Without --db it runs `bench:scoring --skip-lag` first, keeping its database, and drops it at the end.
 * A child of the compiled service publishes the month's figures (as the scoring module's leader job
 * does) and makes the client's reporting role. Queries run as the provider's Grafana role
 * (xla_grafana) and as the client's role (row-level security on every read), each SET ROLE on one
 * connection; the baseline, measured in the same run, is `SELECT 1` on that connection.
 * One JSON line on stdout; progress on stderr.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client } from 'pg';
import { ROOT, round } from './support';

const run = promisify(execFile);
const TARGET_P95_MS = 150;
const progress = (message: string) => process.stderr.write(`bench:dashboards ${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface PanelQuery {
  dashboard: string;
  panel: string;
  sql: string;
  providerOnly: boolean;
}

/** In the compiled child: publish the period's figures and make the reporting roles, then print the panels' statements. */
async function publish(): Promise<void> {
  await import('reflect-metadata');
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/platform/config/app-config');
  const { FiguresPublisher } = await import('../src/scoring/figures-publisher');
  const { ReportingRoles, clientRole } = await import('../src/dashboards/reporting-roles');
  const { loadContractDirectory } = await import('../src/catalog/contract-file');
  const { contractInputOf } = await import('../src/dashboards/contract-inputs');
  const { dashboardSpecs } = await import('../src/dashboards/dashboards');
  const { grafanaStatement } = await import('../src/dashboards/grafana-macros');
  const { DataSource } = await import('typeorm');
  const period = process.env.BENCH_PERIOD!;
  const app = await createApp(loadConfig(process.env), { bufferLogs: false });
  await app.init();
  const started = performance.now();
  const stats = await app.get(FiguresPublisher).publish({ force: true, periods: [period] });
  const publishMs = performance.now() - started;
  await app.get(ReportingRoles).ensureAll();
  // The readings per client and hour, as telemetry's summary job keeps them (the data health chart reads them).
  const { ReadingsSummaryJob } = await import('../src/telemetry/readings-summary.job');
  await app.get(ReadingsSummaryJob).summarize(new Date(`${period}-01T00:00:00Z`));
  const db = app.get(DataSource);
  const [{ id: clientId }] = await db.query<Array<{ id: string }>>(`SELECT id FROM clients ORDER BY key LIMIT 1`);
  const sites = (await db.query<Array<{ key: string }>>(`SELECT key FROM sites ORDER BY key`)).map((s) => s.key);
  const zones = (await db.query<Array<{ key: string }>>(`SELECT z.key FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = $1 ORDER BY 1`, [sites[0]])).map((z) => z.key);
  const [from, to] = [new Date(`${period}-01T00:00:00Z`), new Date(`${period}-01T00:00:00Z`)];
  to.setUTCMonth(to.getUTCMonth() + 1);
  const contracts = loadContractDirectory(process.env.CONTRACTS_DIR!).map((f) => contractInputOf(f.spec));
  const queries: PanelQuery[] = [];
  for (const d of dashboardSpecs(contracts, true)) {
    const variables = {
      period: { value: period },
      site: { value: sites[0] },
      zone: { value: zones, multi: true, includeAll: true },
      polarity: { value: ['positive', 'neutral', 'negative'], multi: true, includeAll: true },
    };
    // Each dashboard's own default range, ending with the month: the month, or data health's last six hours.
    const range = d.timeFrom === 'now-6h' ? { from: new Date(to.getTime() - 6 * 3_600_000), to } : { from, to };
    for (const p of d.panels) queries.push({ dashboard: d.uid, panel: p.key, providerOnly: d.providerOnly, sql: grafanaStatement(p.sql, range, variables) });
  }
  process.stdout.write(`${JSON.stringify({ publishMs, published: stats, role: clientRole(clientId), queries })}\n`);
  await app.close();
}

const percentile = (samples: readonly number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function timed(db: Client, sql: string, runs: number): Promise<{ p50: number; p95: number; rows: number }> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    const res = await db.query(sql);
    if (i >= 2) ms.push(performance.now() - t);
    rows = res.rowCount ?? 0;
  }
  return { p50: round(percentile(ms, 50), 1), p95: round(percentile(ms, 95), 1), rows };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string', default: '20' }, period: { type: 'string' } } });
  const runs = Number(values.runs);
  let dbUrl = values.db;
  let dropAfter = false;
  let period = values.period;
  if (!dbUrl) {
    progress('no --db: running bench:scoring --skip-lag for the data, keeping its database');
    const scoring = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bench', 'scoring.ts'), '--skip-lag', ...(period ? ['--period', period] : [])], {
      cwd: ROOT,
      env: { ...process.env, BENCH_KEEP_DB: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    scoring.stdout.on('data', (c: Buffer) => (out += c.toString()));
    scoring.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      process.stderr.write(c);
    });
    const code = await new Promise<number | null>((resolve) => scoring.on('close', resolve));
    dbUrl = /kept the database: (\S+)/.exec(err)?.[1];
    if (!dbUrl) throw new Error(`bench:scoring kept no database (exit ${code})`);
    dropAfter = true;
    period ??= (JSON.parse(out.trim().split('\n').pop()!) as { period: string }).period;
  }
  const work = mkdtempSync(join(tmpdir(), 'xla-bench-dashboards-'));
  const admin = new Client({ connectionString: dbUrl });
  await admin.connect();
  try {
    period ??= (await admin.query<{ p: string }>(`SELECT to_char(max(rated_at) - interval '3 days', 'YYYY-MM') AS p FROM ratings`)).rows[0].p;
    const contracts = join(work, 'contracts');
    // The bench's contract file, as bench:scoring wrote it: the dashboards are made from it.
    const { benchContractYaml } = await import('./scoring-data');
    const { rows: size } = await admin.query<{ sites: string; zones: string }>(`SELECT count(DISTINCT s.id) AS sites, count(*) / count(DISTINCT s.id) AS zones FROM zones z JOIN sites s ON s.id = z.site_id`);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(contracts);
    writeFileSync(join(contracts, 'bench.yaml'), benchContractYaml(Number(size[0].sites), Number(size[0].zones)));
    const swc = join(ROOT, 'node_modules', '.bin', 'swc');
    await run(swc, ['src', 'migrations', 'bench', '-d', join(work, 'out'), '--config-file', '.swcrc', '--quiet'], { cwd: ROOT });
    progress(`publishing ${period}'s figures in a child of the compiled service`);
    const child = await run(process.execPath, [join(work, 'out', 'bench', 'dashboards.js'), '--role', 'publish'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: dbUrl, CONTRACTS_DIR: contracts, DATA_DIR: join(work, 'data'), BENCH_PERIOD: period, MQTT_URL: '', MQTT_PORT: '0', PORT: '0', LOG_LEVEL: 'warn', NODE_PATH: join(ROOT, 'node_modules') },
      maxBuffer: 1 << 26,
    });
    const published = JSON.parse(child.stdout.trim().split('\n').pop()!) as { publishMs: number; published: unknown; role: string; queries: PanelQuery[] };
    progress(`published in ${round(published.publishMs / 1000, 1)} s; ${published.queries.length} panel queries, ${runs} runs each, as xla_grafana and ${published.role}`);
    const panels: Array<PanelQuery & { role: string; p50_ms: number; p95_ms: number; rows: number }> = [];
    const baseline: Record<string, number> = {};
    for (const role of ['xla_grafana', published.role]) {
      const db = new Client({ connectionString: dbUrl });
      await db.connect();
      await db.query(`SET ROLE ${role}`);
      baseline[role] = (await timed(db, 'SELECT 1', runs)).p95;
      // Data health is the provider's alone: no client organisation has it.
      for (const q of published.queries.filter((x) => role === 'xla_grafana' || !x.providerOnly)) panels.push({ ...q, role, ...renameTimes(await timed(db, q.sql, runs)) });
      await db.end();
    }
    const worst = panels.reduce((a, b) => (b.p95_ms > a.p95_ms ? b : a));
    const empty = panels.filter((p) => p.rows === 0).map((p) => `${p.role}:${p.dashboard}/${p.panel}`);
    progress(`worst p95 ${worst.p95_ms} ms (${worst.dashboard}/${worst.panel} as ${worst.role}); ${empty.length} empty`);
    process.stdout.write(
      `${JSON.stringify({
        period,
        runs,
        publish_s: round(published.publishMs / 1000, 2),
        baseline_select1_p95_ms: baseline,
        worst_p95_ms: worst.p95_ms,
        worst_panel: `${worst.dashboard}/${worst.panel}`,
        target_p95_ms: TARGET_P95_MS,
        target_met: panels.every((p) => p.p95_ms <= TARGET_P95_MS),
        over_target: panels.filter((p) => p.p95_ms > TARGET_P95_MS).map((p) => `${p.role}:${p.dashboard}/${p.panel} ${p.p95_ms} ms`),
        empty,
        panels: panels.map((p) => ({ role: p.role === 'xla_grafana' ? 'provider' : 'client', dashboard: p.dashboard, panel: p.panel, p50_ms: p.p50_ms, p95_ms: p.p95_ms, rows: p.rows })),
      })}\n`,
    );
  } finally {
    await admin.end();
    rmSync(work, { recursive: true, force: true });
    if (dropAfter) {
      const server = new URL(dbUrl);
      const name = server.pathname.slice(1);
      server.pathname = '/postgres';
      const drop = new Client({ connectionString: server.toString() });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    }
  }
}

const renameTimes = (t: { p50: number; p95: number; rows: number }) => ({ p50_ms: t.p50, p95_ms: t.p95, rows: t.rows });

if (process.argv.includes('--role')) {
  publish().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: Error) => {
    process.stderr.write(`bench:dashboards failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

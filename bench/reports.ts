/**
 * npm run bench:reports [-- --sites 50 --zones 10 --ratings 500000 --period 2026-10 --runs 10 --pdf-runs 5 --log-level warn]
 *
 * Issue 16's benchmark, on real PostgreSQL (a fresh database, dropped afterwards; BENCH_KEEP_DB=1
 * keeps it): a contract of `--sites` sites × `--zones` zones with a month of facts (bench:scoring's
 * generator: ratings at its density, SLA facts), its rollups rebuilt; then the built service renders
 * the contract's report of the month, timed from this driver over HTTP, read in full:
 * - `html_*`: GET /api/v1/contracts/:key/report?format=html (target p95 ≤ 2 s);
 * - `pdf_*`: the same as PDF, printed by Debian's Chromium (target p95 ≤ 10 s);
 * and, in the same run, the baselines: the scorecard API alone (`scorecard_*`, the figures a report
 * reads first) and Chromium printing an empty page (`chromium_empty_pdf_*`, its browser warm, as the
 * service keeps it; the first print of each, which launches it, is the warm-up and not timed).
 * Prints one JSON line. DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { ChromiumPrinter } from '../src/reports/pdf';
import { BENCH_CONTRACT, benchContractYaml, insertRatingsSql, insertSlaFactsSql, nextMonth, ratingParams } from './scoring-data';
import { freePort, ROOT, round } from './support';

const run = promisify(execFile);
const TARGETS = { htmlP95Ms: 2_000, pdfP95Ms: 10_000 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const progress = (text: string) => process.stderr.write(`bench:reports ${new Date().toISOString().slice(11, 19)} ${text}\n`);

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Times `runs` calls of `once` after one warm-up; the samples (ms), the warm-up's, and the last result's size. */
async function timed(runs: number, once: () => Promise<number>): Promise<{ ms: number[]; firstMs: number; bytes: number }> {
  const first = performance.now();
  let bytes = await once();
  const firstMs = performance.now() - first;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    bytes = await once();
    ms.push(performance.now() - t0);
  }
  return { ms, firstMs, bytes };
}

const stats = (name: string, t: { ms: number[] }) => ({ [`${name}_p50_ms`]: round(percentile(t.ms, 50)), [`${name}_p95_ms`]: round(percentile(t.ms, 95)) });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sites: { type: 'string', default: '50' },
      zones: { type: 'string', default: '10' },
      ratings: { type: 'string', default: '500000' },
      period: { type: 'string', default: '2026-10' },
      runs: { type: 'string', default: '10' },
      'pdf-runs': { type: 'string', default: '5' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  const [sites, zones, ratings, runs, pdfRuns] = [values.sites, values.zones, values.ratings, values.runs, values['pdf-runs']].map(Number);
  const period = values.period;
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `xla_bench_reports_${randomUUID().slice(0, 8)}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const work = mkdtempSync(join(tmpdir(), 'xla-bench-reports-'));
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  let service: ReturnType<typeof spawn> | undefined;
  try {
    const contractsDir = join(work, 'contracts');
    mkdirSync(contractsDir);
    writeFileSync(join(contractsDir, 'bench.yaml'), benchContractYaml(sites, zones));
    const apiKey = randomBytes(24).toString('base64url');
    const env = { ...process.env, DATABASE_URL: dbUrl.toString(), DATA_DIR: join(work, 'data'), CONTRACTS_DIR: contractsDir, LOG_LEVEL: values['log-level'], ADMIN_API_KEY: apiKey, MQTT_URL: '', MQTT_PORT: '0' };
    const cli = (name: string, args: string[] = []) => run(process.execPath, [join(ROOT, 'dist', 'src', 'cli', `${name}.js`), ...args], { env, cwd: ROOT, maxBuffer: 1 << 24 });

    progress(`${sites} sites × ${zones} zones, about ${ratings.toLocaleString('en')} ratings in ${period}; database ${dbName}`);
    await cli('contracts-sync');
    const db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const loadStarted = performance.now();
    try {
      const { rows } = await db.query<{ contract: string; sites: string[] }>(
        `SELECT k.id AS contract, array_agg(s.id) AS sites FROM contracts k JOIN sites s ON s.contract_id = k.id WHERE k.key = $1 GROUP BY k.id`,
        [BENCH_CONTRACT],
      );
      const [{ contract, sites: siteIds }] = rows;
      // Bulk load as bench:scoring does: no triggers (the rebuild below computes the rollups).
      await db.query(`SET session_replication_role = replica; SET synchronous_commit = off`);
      const dayBefore = new Date(Date.parse(`${period}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const inserted = (await db.query(insertRatingsSql(), [contract, ratings, siteIds, ...ratingParams(period)])).rowCount ?? 0;
      const sla = (await db.query(insertSlaFactsSql(), [siteIds, dayBefore, nextMonth(period)])).rowCount ?? 0;
      await db.query('VACUUM (ANALYZE) ratings, sla_facts_hourly');
      progress(`loaded ${inserted.toLocaleString('en')} ratings and ${sla.toLocaleString('en')} SLA fact rows in ${round((performance.now() - loadStarted) / 1000)} s`);
    } finally {
      await db.end();
    }
    const rebuildStarted = performance.now();
    await cli('scoring-rebuild', ['--contract', BENCH_CONTRACT]);
    progress(`rollups rebuilt in ${round((performance.now() - rebuildStarted) / 1000)} s`);

    const port = await freePort();
    service = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'inherit', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 120_000; ; ) {
      const status = await fetch(`${base}/health`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline || service.exitCode !== null) throw new Error('the service did not become healthy within 120 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    progress(`service up on ${base}`);

    const get = async (path: string): Promise<number> => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.toString().slice(0, 500)}`);
      return body.length;
    };
    const path = `/api/v1/contracts/${BENCH_CONTRACT}`;
    const scorecard = await timed(runs, () => get(`${path}/scorecard?period=${period}`));
    progress(`scorecard p50 ${round(percentile(scorecard.ms, 50))} ms`);
    const html = await timed(runs, () => get(`${path}/report?period=${period}&format=html`));
    progress(`html p50 ${round(percentile(html.ms, 50))} ms, p95 ${round(percentile(html.ms, 95))} ms`);
    let pdfBytes: Buffer = Buffer.alloc(0);
    const pdf = await timed(pdfRuns, async () => {
      const res = await fetch(`${base}${path}/report?period=${period}&format=pdf`, { headers: { authorization: `Bearer ${apiKey}` } });
      pdfBytes = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET pdf: ${res.status} ${pdfBytes.toString().slice(0, 500)}`);
      return pdfBytes.length;
    });
    progress(`pdf p50 ${round(percentile(pdf.ms, 50))} ms, p95 ${round(percentile(pdf.ms, 95))} ms`);
    const pdfFile = join(work, 'report.pdf');
    writeFileSync(pdfFile, pdfBytes);
    const pages = Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [pdfFile])).stdout)?.[1]);
    // The baseline: Chromium printing an empty page, its browser kept warm as the service keeps its own.
    const printer = new ChromiumPrinter(CHROMIUM);
    const empty = await timed(pdfRuns, async () => (await printer.print('<!doctype html><p>–</p>', 'baseline')).length).finally(() => printer.close());

    const htmlP95 = percentile(html.ms, 95);
    const pdfP95 = percentile(pdf.ms, 95);
    const targets = {
      html_p95_ms: { value: round(htmlP95), target: TARGETS.htmlP95Ms, pass: htmlP95 <= TARGETS.htmlP95Ms },
      pdf_p95_ms: { value: round(pdfP95), target: TARGETS.pdfP95Ms, pass: pdfP95 <= TARGETS.pdfP95Ms },
    };
    process.stdout.write(
      `${JSON.stringify({
        ...stats('html', html),
        ...stats('pdf', pdf),
        ...stats('scorecard', scorecard),
        ...stats('chromium_empty_pdf', empty),
        // The first PDF launches the service's browser (kept warm after it).
        pdf_first_ms: round(pdf.firstMs),
        html_over_scorecard: round(percentile(html.ms, 50) / percentile(scorecard.ms, 50), 2),
        pdf_over_empty_pdf: round(percentile(pdf.ms, 50) / percentile(empty.ms, 50), 2),
        target_met: Object.values(targets).every((t) => t.pass),
        targets,
        html_bytes: html.bytes,
        pdf_bytes: pdf.bytes,
        pdf_pages: pages,
        sites,
        zones,
        ratings,
        period,
        runs,
        pdf_runs: pdfRuns,
      })}\n`,
    );
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    if (process.env.BENCH_KEEP_DB) progress(`kept the database: ${dbUrl.toString()}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:reports: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

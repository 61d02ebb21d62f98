import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service';
import { ContractDirectory } from '../catalog/contract-directory';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { ReportsRepository } from '../reports/reports.repository';
import { ReportsService } from '../reports/reports.service';
import { InsightsRepository } from '../scoring/insights.repository';
import { InsightsService } from '../scoring/insights.service';
import { LookbacksRepository } from '../scoring/lookbacks.repository';
import { RollupsRepository } from '../scoring/rollups.repository';
import { RollupsService } from '../scoring/rollups.service';
import { ScorecardService } from '../scoring/scorecard.service';
import { ScoringScopeService } from '../scoring/scoring-scope.service';
import { runCli } from './cli.module';

const FORMATS = ['pdf', 'html', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface ReportArgs {
  contract: string;
  period?: string;
  format: Format;
  out?: string;
}

const USAGE = 'usage: npm run report -- --contract <key> [--period YYYY-MM|YYYY-Www|YYYY-MM-DD..YYYY-MM-DD] [--format pdf|html|csv] [--out <file>]';

/** --contract, --period (default: the last whole month), --format (default: the --out file's extension, else pdf), --out (default: stdout). */
function parseReportArgs(argv: string[]): ReportArgs {
  const { values } = parseArgs({ args: argv, options: { contract: { type: 'string' }, period: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
  if (!values.contract) throw new Error(`--contract is required\n${USAGE}`);
  const format = values.format ?? (values.out ? extname(values.out).slice(1).toLowerCase() : 'pdf');
  if (!(FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be pdf, html or csv, not "${format}"\n${USAGE}`);
  return { contract: values.contract, period: values.period, format: format as Format, out: values.out };
}

const progress = (started: number, text: string) => process.stderr.write(`report ${((Date.now() - started) / 1000).toFixed(1)} s: ${text}\n`);

/** Writes the report where asked, and says what it wrote. */
function deliver(args: ReportArgs, body: string | Buffer, started: number): void {
  if (args.out) writeFileSync(args.out, body);
  else process.stdout.write(body);
  progress(started, `wrote ${args.out ?? 'stdout'} (${Buffer.byteLength(body).toLocaleString('en')} bytes)`);
}

// npm run report -- --contract aurora-fm-2026 --period 2026-10 --format pdf --out report.pdf: a contract's monthly report,
// as the API and the monthly job render it (the scoring module's figures), with progress on stderr.
void runCli({
  name: 'report',
  run: async (context) => {
    const args = parseReportArgs(process.argv.slice(2));
    const started = Date.now();
    const dataSource = context.get(DataSource);
    const clock = new Clock();
    // Built by hand: the CLI module has no scheduler, which the scoring module's jobs need; the report only reads.
    const scopes = new ScoringScopeService(context.get(CatalogService), new RollupsService(new RollupsRepository(dataSource), undefined as never, undefined as never, clock), new LookbacksRepository(dataSource), clock);
    const reports = new ReportsService(new ScorecardService(scopes), new InsightsService(scopes, new InsightsRepository(dataSource)), context.get(ContractDirectory), new ReportsRepository(dataSource), clock, context.get(AppConfig));
    const admin: Principal = { role: 'admin', clientId: null, siteId: null, keyId: null };
    const period = args.period ?? reports.defaultPeriod();
    progress(started, `reading the figures of ${args.contract} for ${period}`);
    const model = await reports.model(admin, args.contract, period);
    progress(started, `${model.card.sites.length} sites, ${model.card.objectives.length} objectives, in ${model.language}; rendering ${args.format}`);
    try {
      const body = args.format === 'pdf' ? await reports.renderPdf(model) : args.format === 'html' ? await reports.renderHtml(model) : reports.renderCsv(model);
      deliver(args, body, started);
    } finally {
      await reports.onApplicationShutdown();
    }
  },
  // The embedded database has one user at a time: with a key, the running service renders it (the same renderer).
  whenServiceRuns: async (service) => {
    const args = parseReportArgs(process.argv.slice(2));
    const key = process.env.XLA_API_KEY ?? process.env.ADMIN_API_KEY;
    if (!key || !service.url) throw new Error(`${service.inUse}.\nThe embedded database has one user at a time: set XLA_API_KEY (or ADMIN_API_KEY) to a key that may read reports (the demo prints its admin key), and the running service renders it; or stop the service.`);
    const started = Date.now();
    const query = new URLSearchParams({ format: args.format, ...(args.period ? { period: args.period } : {}) });
    progress(started, `asking the running service at ${service.url} for ${args.contract}`);
    const res = await fetch(`${service.url}/api/v1/contracts/${encodeURIComponent(args.contract)}/report?${query.toString()}`, { headers: { Authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`the service answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    deliver(args, Buffer.from(await res.arrayBuffer()), started);
  },
});

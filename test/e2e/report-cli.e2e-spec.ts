import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { healthy, runBuiltCli, runService } from '../support/service-process';
import { freePort, scorecardContracts } from '../support/test-app';

// `npm run report` as a person runs it: the built CLI on the embedded database of a DATA_DIR, then
// beside the service that holds it.
jest.setTimeout(240_000);

const ADMIN_KEY = 'report-cli-admin-key-0123456789abcdef';

describe('npm run report', () => {
  let dataDir: string;
  let contractsDir: string;
  const env = () => ({ DATA_DIR: dataDir, CONTRACTS_DIR: contractsDir, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xla-report-cli-'));
    contractsDir = scorecardContracts('report-cli');
    const synced = await runBuiltCli('contracts-sync', [], env());
    expect({ code: synced.code, stderr: synced.stderr }).toEqual({ code: 0, stderr: '' });
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(contractsDir, { recursive: true, force: true });
  });

  it('writes a contract\'s PDF with progress on stderr, and its CSV to stdout, in the format the file names', async () => {
    const out = join(dataDir, 'gamma.pdf');
    const pdf = await runBuiltCli('report', ['--contract', 'gamma-fm', '--period', '2026-10', '--out', out], env());
    expect(pdf.code).toBe(0);
    expect(pdf.stderr).toMatch(/report \d+\.\d s: reading the figures of gamma-fm for 2026-10\n/);
    expect(pdf.stderr).toMatch(/3 sites, \d+ objectives, in en; rendering pdf\n/);
    expect(pdf.stderr).toMatch(new RegExp(`wrote ${out} \\([\\d,]+ bytes\\)`));
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', out, '-']).toString();
    expect(text).toContain('Experience and service report');
    for (const site of ['gamma-sto', 'gamma-blr', 'gamma-nyc']) expect(text).toContain(site);

    const csv = await runBuiltCli('report', ['--contract', 'gamma-fm', '--period', '2026-10', '--format', 'csv'], env());
    expect(csv.code).toBe(0);
    const rows = parse<Record<string, string>>(csv.stdout, { columns: true });
    expect(rows.length).toBeGreaterThan(3);
    // No ratings in this database: every figure says so, none is a number that looks real.
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['insufficient_data']));
    expect(rows.every((r) => r.value === '' && r.contract === 'gamma-fm' && r.period === '2026-10')).toBe(true);
  });

  it('says plainly what is wrong: no contract, an unknown one, a bad period or format', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /--contract is required\nusage: npm run report/],
      [['--contract', 'nope'], /No contract with key "nope"/],
      [['--contract', 'gamma-fm', '--period', '2026-13'], /Invalid period "2026-13": the month must be 01 to 12/],
      [['--contract', 'gamma-fm', '--period', '2026-10-20..2026-10-05'], /the first date must not be after the last/],
      [['--contract', 'gamma-fm', '--format', 'docx'], /--format must be pdf, html or csv, not "docx"/],
      [['--contract', 'gamma-fm', '--out', 'report.txt'], /--format must be pdf, html or csv, not "txt"/],
    ];
    for (const [args, message] of cases) {
      const run = await runBuiltCli('report', args, env());
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });

  it('asks the running service for it when the service holds the embedded database, with a key; without one it says how', async () => {
    const port = await freePort();
    const service = runService({ ...env(), ADMIN_API_KEY: ADMIN_KEY, PORT: String(port), HOST: '127.0.0.1' });
    try {
      await healthy(port);
      const out = join(dataDir, 'gamma.html');
      const viaService = await runBuiltCli('report', ['--contract', 'gamma-fm', '--period', '2026-10', '--out', out], { ...env(), XLA_API_KEY: ADMIN_KEY });
      expect(viaService.code).toBe(0);
      expect(viaService.stderr).toContain(`asking the running service at http://127.0.0.1:${port} for gamma-fm`);
      expect(readFileSync(out, 'utf8')).toContain('<h1>Experience and service report</h1>');

      const refused = await runBuiltCli('report', ['--contract', 'gamma-fm'], env());
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('set XLA_API_KEY (or ADMIN_API_KEY) to a key that may read reports');
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    writeFileSync(join(dataDir, 'done'), '');
  });
});

import { parse } from 'csv-parse/sync';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { formatCount, formatValue } from '../../src/reports/html-report';
import { CSV_COLUMNS } from '../../src/reports/report';
import { Clock } from '../../src/platform/clock';
import { ReportsScheduler } from '../../src/reports/reports.scheduler';
import { ReportsService } from '../../src/reports/reports.service';
import { RollupsService } from '../../src/scoring/rollups.service';
import { octoberAtGamma, seedRatings, stockholmCleaningInOctober } from '../support/seed-ratings';
import { asBytes, scorecardContracts, startTestApp, type TestApp } from '../support/test-app';

interface ApiObjective {
  key: string;
  indicator: string;
  value: number | null;
  numerator: number;
  denominator: number;
  sample: number;
  status: string;
  target?: number;
}

describe('Contract reports', () => {
  let sut: TestApp;
  let contractsDir: string;
  let gammaViewer: string;
  let alphaViewer: string;

  beforeAll(async () => {
    contractsDir = scorecardContracts('reports');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    gammaViewer = await sut.keyFor('client_viewer', 'gamma');
    alphaViewer = await sut.keyFor('client_viewer', 'alpha');
    await seedRatings(sut.dataSource, octoberAtGamma());
    await stockholmCleaningInOctober(sut.dataSource);
    const rollups = sut.app.get(RollupsService);
    await rollups.catchUp();
    await rollups.catchUpInsights();
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  interface ApiCard {
    experienceIndex: { value: number | null };
    objectives: ApiObjective[];
    sites: Array<{ site: string; objectives: ApiObjective[] }>;
    watermelons: Array<{ site: string }>;
  }
  const api = async (key: string, who: string): Promise<ApiCard> =>
    (await request(sut.http).get(`/api/v1/contracts/${key}/scorecard?period=2026-10`).set('Authorization', `Bearer ${who}`).expect(200)).body as ApiCard;

  it('gives in its CSV the scorecard API\'s figures, one row per site and objective', async () => {
    const res = await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10&format=csv').set('Authorization', `Bearer ${gammaViewer}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<(typeof CSV_COLUMNS)[number], string>>(res.text, { columns: true });
    const card = await api('gamma-fm', gammaViewer);
    const num = (v: string) => (v === '' ? null : Number(v));
    const expected = [
      ...card.objectives.map((o) => ({ site: '', ...o })),
      ...card.sites.flatMap((s) => s.objectives.map((o) => ({ site: s.site, ...o }))),
    ];
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBeGreaterThan(3);
    const targets = new Map(card.objectives.map((o) => [o.key, o.target]));
    for (const [i, row] of rows.entries()) {
      const o = expected[i];
      expect([row.site, row.objective, num(row.value), Number(row.numerator), Number(row.denominator), Number(row.sample), row.status, num(row.target)]).toEqual([
        o.site, o.key, o.value, o.numerator, o.denominator, o.sample, o.status, targets.get(o.key) ?? null,
      ]);
    }
    // Stockholm's restroom csat: 41 of 50, the five excluded ratings left out.
    const sto = rows.find((r) => r.site === 'gamma-sto' && r.objective === 'restroom-csat')!;
    expect([sto.numerator, sto.denominator]).toEqual(['41', '50']);
  });

  it('shows in its HTML the same figures, the watermelon marked, charts as inline SVG and no script, in English for an English contract', async () => {
    const res = await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200);
    const page = res.text;
    const card = await api('gamma-fm', gammaViewer);
    expect(page).toContain('<h1>Experience and service report</h1>');
    expect(page).toContain('<h2>Watermelon sites</h2>');
    const figure = (name: string) => new RegExp(`data-figure="${name}">[^<]*<b>([^<]*)</b>`).exec(page)?.[1];
    expect(figure('experience-index')).toBe(formatValue('happy_index', card.experienceIndex.value, 'en'));
    for (const o of card.objectives) {
      expect(page).toContain(`<td>${o.key}</td>`);
      expect(page).toContain(`${formatCount(o.numerator, 'en')} / ${formatCount(o.denominator, 'en')}`);
    }
    expect(card.watermelons.map((w) => w.site)).toEqual(['gamma-sto']);
    expect(page).toMatch(/<tr class="watermelon" data-site="gamma-sto">/);
    expect(page.match(/<svg /g)?.length).toBe(3);
    expect(page).not.toMatch(/<script/i);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('prints to an A4 PDF that pdftotext reads the key figures and every site from, with no blank page', async () => {
    const res = await request(sut.http)
      .get('/api/v1/contracts/gamma-fm/report?period=2026-10&format=pdf')
      .set('Authorization', `Bearer ${gammaViewer}`)
      .buffer(true)
      .parse(asBytes)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'xla-report-pdf-'));
    try {
      const file = join(dir, 'report.pdf');
      writeFileSync(file, res.body as Buffer);
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
      const card = await api('gamma-fm', gammaViewer);
      expect(text).toContain('Experience and service report');
      expect(text).toContain(formatValue('happy_index', card.experienceIndex.value, 'en'));
      const flat = text.replace(/\s+/g, ' ');
      for (const o of card.objectives) {
        expect(flat).toContain(o.key);
        expect(flat).toMatch(new RegExp(`\\b${o.numerator} ?/ ?${o.denominator}\\b`));
      }
      for (const site of card.sites) expect(flat).toContain(site.site);
      // Page numbers in the footer of every page.
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
      expect(pages).toBeGreaterThan(1);
      expect(flat).toMatch(new RegExp(`\\b1 ?/ ?${pages}\\b`));
      // Each page rendered, and none blank: some pixels well below white on every one.
      execFileSync('pdftoppm', ['-r', '20', '-gray', file, join(dir, 'page')]);
      const rendered = readdirSync(dir).filter((f) => f.endsWith('.pgm')).sort();
      expect(rendered).toHaveLength(pages);
      for (const name of rendered) {
        // A binary PGM: "P5 <w> <h> 255" then one byte per pixel.
        const pgm = readFileSync(join(dir, name));
        const [, w, h] = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!.map(Number);
        const pixels = pgm.subarray(pgm.length - w * h);
        expect([name, pixels.some((v) => v < 128)]).toEqual([name, true]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('speaks Swedish for a Swedish contract', async () => {
    const page = (await request(sut.http).get('/api/v1/contracts/alpha-fm/report?period=2026-10').set('Authorization', `Bearer ${alphaViewer}`).expect(200)).text;
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('<h1>Rapport om upplevelse och leverans</h1>');
    expect(page).toContain('<h2>Vattenmelonplatser</h2>');
  });

  it('stores each contract\'s last month on the 1st at 06:00 in its time zone, retries a failure, and serves the stored formats to its own client only', async () => {
    const clock = jest.spyOn(sut.app.get(Clock), 'now');
    const scheduler = sut.app.get(ReportsScheduler);
    const list = async (key: string, who: string) =>
      (await request(sut.http).get(`/api/v1/contracts/${key}/reports`).set('Authorization', `Bearer ${who}`).expect(200)).body.items as Array<{ id: string; period: string; status: string; error: string | null; links: Record<string, string> }>;
    try {
      // 05:59 in Bengaluru (Gamma's first site) on 1 November: not yet; 06:00 there is 00:30 UTC.
      clock.mockReturnValue(new Date('2026-11-01T00:29:00Z'));
      await scheduler.runDue();
      expect(await list('gamma-fm', gammaViewer)).toEqual([]);
      clock.mockReturnValue(new Date('2026-11-01T00:31:00Z'));
      await scheduler.runDue();
      const [gamma] = await list('gamma-fm', gammaViewer);
      expect(gamma).toMatchObject({ period: '2026-10', status: 'ready', error: null });
      // Stockholm's 06:00 has not come: Alpha's report is not made yet.
      expect(await list('alpha-fm', alphaViewer)).toEqual([]);
      const live = (await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10&format=csv').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).text;
      expect((await request(sut.http).get(gamma.links.csv).set('Authorization', `Bearer ${gammaViewer}`).expect(200)).text).toBe(live);
      const pdf = await request(sut.http).get(gamma.links.pdf).set('Authorization', `Bearer ${gammaViewer}`).buffer(true).parse(asBytes).expect(200);
      expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      expect((await request(sut.http).get(gamma.links.html).set('Authorization', `Bearer ${gammaViewer}`).expect(200)).text).toContain('<h1>Experience and service report</h1>');
      // Another client's viewer: neither the list nor a stored report.
      await request(sut.http).get('/api/v1/contracts/gamma-fm/reports').set('Authorization', `Bearer ${alphaViewer}`).expect(404);
      await request(sut.http).get(gamma.links.pdf).set('Authorization', `Bearer ${alphaViewer}`).expect(404);
      await request(sut.http).get('/api/v1/reports/not-an-id.pdf').set('Authorization', `Bearer ${gammaViewer}`).expect(400);
      // Alpha's at 06:00 in Stockholm: the first attempt fails (Chromium gone), is kept with its error, and the next run makes it.
      clock.mockReturnValue(new Date('2026-11-01T05:01:00Z'));
      const pdfOnce = jest.spyOn(sut.app.get(ReportsService), 'renderPdf').mockRejectedValueOnce(new Error('Chromium is not at /nowhere'));
      expect(await scheduler.runDue()).toMatchObject({ failed: 1 });
      expect(await list('alpha-fm', alphaViewer)).toEqual([expect.objectContaining({ period: '2026-10', status: 'failed', error: 'Chromium is not at /nowhere', links: {} })]);
      pdfOnce.mockRestore();
      expect(await scheduler.runDue()).toMatchObject({ failed: 0 });
      expect(await list('alpha-fm', alphaViewer)).toEqual([expect.objectContaining({ period: '2026-10', status: 'ready', error: null })]);
    } finally {
      clock.mockRestore();
    }
    // Four reports rendered, each printed by Chromium.
  }, 180_000);

  it('shows service delivery, sensor uptime and a table per site with the scorecard\'s own figures', async () => {
    const page = (await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).text;
    const card = (await request(sut.http).get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body as {
      operations: Record<string, { indicator: string; value: number | null; numerator: number; denominator: number }>;
      sites: Array<{ site: string; objectives: ApiObjective[] }>;
    };
    // Stockholm's restroom had 30 planned cleans, all on time (seeded above).
    expect(card.operations.cleaningOnTime).toMatchObject({ numerator: 30, denominator: 30, value: 1 });
    for (const name of ['cleaningOnTime', 'incidentResponse', 'incidentResolution']) {
      const f = card.operations[name];
      expect(page).toMatch(new RegExp(`<tr data-operation="${name}"><td>[^<]+</td><td class="num">${formatValue(f.indicator, f.value, 'en').replace('.', '\\.')}</td><td class="num">${formatCount(f.numerator, 'en')} / ${formatCount(f.denominator, 'en')}</td></tr>`));
    }
    const uptime = card.operations.deviceUptime;
    expect(page).toContain(`<li data-operation="deviceUptime">Sensor uptime: ${formatValue('device_uptime', uptime.value, 'en')} (${formatCount(uptime.numerator, 'en')} / ${formatCount(uptime.denominator, 'en')} min)</li>`);
    expect(page).toContain('<h2>Service delivery: tasks and incidents</h2>');
    const tables = [...page.matchAll(/<section class="site" data-site="([^"]+)">/g)].map((m) => m[1]);
    expect(tables).toEqual(card.sites.map((s) => s.site));
    const sto = card.sites.find((s) => s.site === 'gamma-sto')!;
    const stoTable = /<section class="site" data-site="gamma-sto">([\s\S]*?)<\/section>/.exec(page)![1];
    for (const o of sto.objectives) expect(stoTable).toContain(`<td>${o.key}</td><td class="num">${formatValue(o.indicator, o.value, 'en')}</td><td class="num">${formatCount(o.numerator, 'en')} / ${formatCount(o.denominator, 'en')}</td><td class="num">${formatCount(o.sample, 'en')}</td>`);
  });

  it('reports any date range with the scorecard API\'s figures for those local dates, its trend over the two ranges as long before it', async () => {
    const range = '2026-10-05..2026-10-14';
    const res = await request(sut.http).get(`/api/v1/contracts/gamma-fm/report?period=${range}&format=csv`).set('Authorization', `Bearer ${gammaViewer}`).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="gamma-fm-${range}.csv"`);
    const rows = parse<Record<(typeof CSV_COLUMNS)[number], string>>(res.text, { columns: true });
    const card = (await request(sut.http).get(`/api/v1/contracts/gamma-fm/scorecard?period=${range}`).set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body as ApiCard & {
      window: { kind: string; period: string; sites: Array<{ site: string; from: string; to: string }> };
    };
    expect(card.window).toMatchObject({ kind: 'date_range', period: range });
    expect(card.window.sites.find((s) => s.site === 'gamma-sto')).toMatchObject({ from: '2026-10-05T00:00:00.000+02:00', to: '2026-10-15T00:00:00.000+02:00' });
    const site = card.sites.find((s) => s.site === 'gamma-sto')!.objectives.find((o) => o.key === 'restroom-csat')!;
    // Stockholm is rated twice a day, 5 every time before the 17th: 20 of 20 in these ten days, where the month has 41 of 50.
    expect([site.numerator, site.denominator]).toEqual([20, 20]);
    const row = rows.find((r) => r.site === 'gamma-sto' && r.objective === 'restroom-csat')!;
    expect([row.period, row.numerator, row.denominator, row.sample, row.status]).toEqual([range, '20', '20', String(site.sample), site.status]);
    const page = (await request(sut.http).get(`/api/v1/contracts/gamma-fm/report?period=${range}`).set('Authorization', `Bearer ${gammaViewer}`).expect(200)).text;
    expect(page).toContain(`<b>${range}</b>`);
    expect(page).toContain('Trend, this period and the two before');
    // The ten days before hold October's first four (the trend chart draws the ranges that have figures).
    expect(page).toContain('2026-09-25..2026-10-04');
    await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10-14..2026-10-05').set('Authorization', `Bearer ${gammaViewer}`).expect(400);
  });

  it('answers 404 to another client\'s viewer, and a problem to a bad period', async () => {
    await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-10').set('Authorization', `Bearer ${alphaViewer}`).expect(404);
    await request(sut.http).get('/api/v1/contracts/gamma-fm/report?period=2026-13&format=csv').set('Authorization', `Bearer ${gammaViewer}`).expect(400);
  });
});

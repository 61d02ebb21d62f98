import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { Clock } from '../../src/platform/clock';
import { CHROMIUM_ARGS } from '../../src/reports/pdf';
import { RollupsService } from '../../src/scoring/rollups.service';
import { octoberAtGamma, seedRatings, stockholmCleaningInOctober } from '../support/seed-ratings';
import { scorecardContracts, startTestApp, type TestApp } from '../support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * WCAG 2.1 A and AA, checked by axe-core in the page as Chromium shows it: the same basics the
 * rating pages are held to (they are checked here too), so one failing says which.
 */
async function accessibilityViolations(page: Page): Promise<Array<{ id: string; impact: string | null; help: string; targets: string[] }>> {
  // Evaluated through the debugging protocol, which the page's CSP (no script at all) does not stop.
  await page.evaluate(AXE);
  const options = JSON.stringify({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, ${options}).then((result) => result.violations)`);
  return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
}

describe('The live scorecard page in a browser', () => {
  let sut: TestApp;
  let contractsDir: string;
  let browser: Browser;
  let base: string;
  let clock: jest.SpyInstance<Date, []>;

  beforeAll(async () => {
    // No skipping: without the browser these tests must fail and say why.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium) to run the browser tests.`);
    contractsDir = scorecardContracts('share-page');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    await seedRatings(sut.dataSource, octoberAtGamma());
    await stockholmCleaningInOctober(sut.dataSource);
    const rollups = sut.app.get(RollupsService);
    await rollups.catchUp();
    await rollups.catchUpInsights();
    clock = jest.spyOn(sut.app.get(Clock), 'now').mockReturnValue(new Date('2026-11-15T09:00:00Z'));
    await sut.app.listen(0, '127.0.0.1');
    base = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    clock?.mockRestore();
    await browser?.close();
    await sut?.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  it('shows the scorecard and its charts, marks the watermelon site, links the earlier months, and passes the rating pages\' accessibility checks', async () => {
    const account = await sut.keyFor('account_manager', 'gamma');
    const link = (await request(sut.http).post('/api/v1/contracts/gamma-fm/share-links').set('Authorization', `Bearer ${account}`).send({ label: 'Gamma FM' }).expect(201)).body as { token: string };
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    const fetches: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'fetch') fetches.push(r.url());
    });
    try {
      await page.clock.install({ time: new Date('2026-11-15T09:00:00Z') });
      const response = await page.goto(`${base}/s/${link.token}?period=2026-10`);
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.getByRole('heading', { level: 1, name: 'Live scorecard' }).waitFor();

      // The scorecard: the experience index with its n, and the objectives' table.
      const figure = page.locator('[data-figure="experience-index"]');
      expect(await figure.innerText()).toMatch(/Experience index\s*\d+\.\d\s*n \d+/);
      const rows = page.locator('#objectives tbody tr');
      expect(await rows.count()).toBe(3);
      expect(await rows.filter({ hasText: 'restroom-csat' }).innerText()).toMatch(/\d+ \/ \d+/);

      // Three charts, drawn on the server as SVG, each with a size on the page.
      const charts = page.locator('.chart svg');
      expect(await charts.count()).toBe(3);
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(50);
      }

      // The watermelon site, marked in the sites' table and listed among the watermelons.
      const melonRow = page.locator('#sites tr.watermelon[data-site="gamma-sto"]');
      await melonRow.waitFor();
      expect(await melonRow.locator('.melon').innerText()).toBe('watermelon');
      expect(await page.locator('#site-details section.site[data-site="gamma-sto"] h3 .melon').count()).toBe(1);
      expect(await page.locator('#watermelons tr.watermelon').innerText()).toContain('gamma-sto');

      expect(await accessibilityViolations(page)).toEqual([]);

      // Each minute the figures are fetched again and swapped in, in place; paused, they stay.
      const generated = page.locator('#generated');
      expect(await generated.innerText()).toBe('(2026-11-15T09:00:00.000Z)');
      clock.mockReturnValue(new Date('2026-11-15T09:01:00Z'));
      await page.clock.runFor(60_000);
      await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('generated').textContent.includes('09:01'));
      expect(await page.locator('#sites tr.watermelon[data-site="gamma-sto"]').count()).toBe(1);
      expect(fetches).toEqual([`${base}/s/${link.token}?period=2026-10`]);
      await page.getByRole('button', { name: 'Pause updates' }).click();
      expect(await page.getByRole('button', { name: 'Resume updates' }).getAttribute('aria-pressed')).toBe('true');
      clock.mockReturnValue(new Date('2026-11-15T09:02:00Z'));
      await page.clock.runFor(120_000);
      await page.evaluate('0');
      expect(fetches).toHaveLength(1);
      expect(await generated.innerText()).toBe('(2026-11-15T09:01:00.000Z)');

      // An earlier month is one link away, and says it is the one shown.
      await page.getByRole('navigation', { name: 'Earlier months' }).getByRole('link', { name: '2026-09' }).click();
      await page.waitForURL(/period=2026-09$/);
      expect(await page.locator('nav.months a[aria-current="page"]').innerText()).toBe('2026-09');
      expect(problems).toEqual([]);

      // The rating pages meet the same checks.
      await page.goto(`${base}/r/${await sut.tokenOf('gamma-sto-restroom-qr')}`);
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MESSAGES } from '../../src/feedback/pages/messages';
import { CHROMIUM_ARGS } from '../../src/reports/pdf';
import { pollUntil, startTestApp, type TestApp } from '../support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const sv = MESSAGES.sv;

interface StoredRating {
  submission_id: string;
  score: number;
  reasons: string[];
  comment: string | null;
  origin: string;
  language: string | null;
  excluded_reason: string | null;
  follow_up_at: Date | null;
}

describe('Occupant pages in a browser', () => {
  let sut: TestApp;
  let browser: Browser;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // No skipping: without the browser these tests must fail and say why.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium) to run the browser tests.`);
    sut = await startTestApp();
    await sut.app.listen(0, '127.0.0.1');
    base = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'sv-SE' });
    page = await context.newPage();
    problems = [];
    // A CSP refusal or a script error shows up here; the pages must have none.
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
  });
  afterEach(() => context.close());

  const ratingsOf = (token: string): Promise<StoredRating[]> =>
    sut.dataSource.query(
      `SELECT r.submission_id, r.score, r.reasons, r.comment, r.origin, r.language, r.excluded_reason, r.follow_up_at
       FROM ratings r JOIN touchpoints t ON t.id = r.touchpoint_id WHERE t.token = $1 ORDER BY r.rated_at`,
      [token],
    );

  it('rates, answers the follow-up and thanks in Swedish without a page load, storing the scrubbed comment', async () => {
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    const documents: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'document') documents.push(r.url());
    });

    await page.goto(`${base}/r/${token}`);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await page.getByRole('button', { name: sv.faces.veryDissatisfied, exact: true }).click();
    await page.getByRole('group', { name: sv.followUp.negative }).waitFor();
    await page.getByRole('checkbox', { name: sv.reasons.no_soap }).check();
    await page.getByLabel(sv.commentLabel).fill('Tvålen är slut, mejla mig på anna.svensson@example.se');
    await page.getByRole('button', { name: sv.send, exact: true }).click();
    await page.getByRole('heading', { name: sv.thanksTitle }).waitFor();

    const [row] = await pollUntil(async () => {
      const rows = await ratingsOf(token);
      return rows.length === 1 && rows[0].follow_up_at !== null && rows;
    });
    expect(row).toMatchObject({ score: 1, reasons: ['no_soap'], comment: 'Tvålen är slut, mejla mig på [e-mail]', origin: 'qr', language: 'sv' });
    expect(documents).toEqual([`${base}/r/${token}`]);
    expect(problems).toEqual([]);
  });

  it('queues kiosk taps while offline and stores each exactly once when the network returns', async () => {
    const token = await sut.tokenOf('alpha-branch-kiosk');
    let offline = false;
    const firstAnswerLost = new Set<string>();
    let attempts = 0;
    // Each rating's first delivery reaches the server but its answer is lost, so every rating is sent at least twice.
    await page.route('**/api/v1/ratings', async (route) => {
      attempts++;
      if (offline) return route.abort('internetdisconnected');
      const { id } = JSON.parse(route.request().postData() ?? '{}') as { id: string };
      if (firstAnswerLost.has(id)) return route.continue();
      firstAnswerLost.add(id);
      await route.fetch();
      return route.abort('failed');
    });
    // Runs in the page, where localStorage exists; the test's own lib has no DOM types.
    const queued = () =>
      page.evaluate(
        (key) => JSON.parse((globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key) ?? '[]') as Array<{ id: string; score: number; ts: string }>,
        `xla-kiosk-queue:${token}`,
      );

    await page.goto(`${base}/k/${token}`);
    offline = true;
    await context.setOffline(true);
    for (const face of [sv.faces.veryDissatisfied, sv.faces.satisfied, sv.faces.verySatisfied]) {
      const button = page.getByRole('button', { name: face, exact: true });
      await button.click();
      await page.getByText(sv.kioskThanks, { exact: true }).waitFor();
      await button.waitFor(); // back to the start
    }
    const waiting = await queued();
    expect(waiting.map((q) => q.score)).toEqual([1, 3, 4]);
    expect(new Set(waiting.map((q) => q.id)).size).toBe(3);
    expect(await ratingsOf(token)).toEqual([]);

    offline = false;
    await context.setOffline(false);
    const stored = await pollUntil(async () => {
      const rows = await ratingsOf(token);
      return rows.length >= 3 && rows;
    }, 30_000);
    await pollUntil(async () => (await queued()).length === 0, 30_000);
    const after = await ratingsOf(token);

    expect(after).toHaveLength(3);
    expect(after).toEqual(stored);
    expect(after.map((r) => [r.submission_id, r.score, r.origin, r.excluded_reason])).toEqual(waiting.map((q) => [q.id, q.score, 'kiosk', null]));
    expect(firstAnswerLost.size).toBe(3);
    expect(attempts).toBeGreaterThanOrEqual(6);
    expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_FAILED|Failed to load resource/.test(p))).toEqual([]);
  });
});

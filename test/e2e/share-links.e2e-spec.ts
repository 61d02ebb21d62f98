import { rmSync } from 'node:fs';
import request from 'supertest';
import { Clock } from '../../src/platform/clock';
import { formatCount, formatValue } from '../../src/reports/html-report';
import { RollupsService } from '../../src/scoring/rollups.service';
import { octoberAtGamma, seedRatings, stockholmCleaningInOctober } from '../support/seed-ratings';
import { scorecardContracts, startTestApp, type TestApp } from '../support/test-app';

interface Link {
  id: string;
  url: string;
  token: string;
  site: string | null;
  status: string;
  expiresAt: string;
}

describe('Share links and the live scorecard page', () => {
  let sut: TestApp;
  let contractsDir: string;
  let gammaAccount: string;
  let gammaManager: string;
  let gammaViewer: string;
  let alphaAccount: string;
  let clock: jest.SpyInstance<Date, []>;
  /** Mid-November 2026: October is the month before, and the links last 30 days by default. */
  const NOW = new Date('2026-11-15T09:00:00Z');

  beforeAll(async () => {
    contractsDir = scorecardContracts('share-links');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    [gammaAccount, gammaManager, gammaViewer, alphaAccount] = await Promise.all([
      sut.keyFor('account_manager', 'gamma'),
      sut.keyFor('fm_manager', 'gamma'),
      sut.keyFor('client_viewer', 'gamma'),
      sut.keyFor('account_manager', 'alpha'),
    ]);
    await seedRatings(sut.dataSource, octoberAtGamma());
    await stockholmCleaningInOctober(sut.dataSource);
    const rollups = sut.app.get(RollupsService);
    await rollups.catchUp();
    await rollups.catchUpInsights();
    clock = jest.spyOn(sut.app.get(Clock), 'now').mockReturnValue(NOW);
  });
  afterAll(async () => {
    clock?.mockRestore();
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const create = (key: string, who: string, body: object = {}) => request(sut.http).post(`/api/v1/contracts/${key}/share-links`).set('Authorization', `Bearer ${who}`).send(body);
  const page = (token: string, query = '') => request(sut.http).get(`/s/${token}${query}`);

  it('makes a signed link that shows the contract\'s scorecard, with the API\'s figures, the watermelon marked and links to earlier months', async () => {
    const res = await create('gamma-fm', gammaAccount, { label: 'Gamma facilities team' }).expect(201);
    const link = res.body as Link;
    expect(link).toMatchObject({ contract: 'gamma-fm', site: null, status: 'active', label: 'Gamma facilities team', expiresAt: '2026-12-15T09:00:00.000Z' });
    expect(link.url).toMatch(/^http:\/\/localhost(:\d+)?\/s\/[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(link.url.endsWith(`/s/${link.token}`)).toBe(true);

    const live = await page(link.token, '?period=2026-10').expect(200);
    expect(live.headers['content-type']).toMatch(/^text\/html/);
    expect(live.headers['referrer-policy']).toBe('no-referrer');
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.headers['content-security-policy']).toContain("default-src 'none'");
    const html = live.text;
    expect(html).toContain('<h1>Live scorecard</h1>');
    // One script, the minute's refresh, allowed by its nonce alone; the charts are drawn on the server.
    const scripts = [...html.matchAll(/<script nonce="([^"]+)" data-refresh-seconds="60">/g)];
    expect(scripts).toHaveLength(1);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(live.headers['content-security-policy']).toContain(`script-src 'nonce-${scripts[0][1]}'; connect-src 'self'`);
    const card = (await request(sut.http).get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body as {
      experienceIndex: { value: number | null; n: number };
      objectives: Array<{ key: string; numerator: number; denominator: number }>;
      watermelons: Array<{ site: string }>;
    };
    expect(new RegExp('data-figure="experience-index">[^<]*<b>([^<]*)</b>').exec(html)?.[1]).toBe(formatValue('happy_index', card.experienceIndex.value, 'en'));
    for (const o of card.objectives) expect(html).toContain(`${formatCount(o.numerator, 'en')} / ${formatCount(o.denominator, 'en')}`);
    expect(card.watermelons.map((w) => w.site)).toEqual(['gamma-sto']);
    expect(html).toMatch(/<tr class="watermelon" data-site="gamma-sto">/);
    expect(html.match(/<svg /g)?.length).toBe(3);
    // The current month first, then twelve before it; the one shown is marked.
    expect(html).toContain(`<a href="./${link.token}">2026-11</a>`);
    expect(html).toContain(`<a href="./${link.token}?period=2026-10" aria-current="page">2026-10</a>`);
    expect(html).toContain(`<a href="./${link.token}?period=2025-11">2025-11</a>`);
    expect(html).not.toContain('2025-10</a>');

    // Without a period: the current month, as of now.
    const current = await page(link.token).expect(200);
    expect(current.text).toContain('<b>2026-11</b>');
  });

  it('shows one site on a site\'s link, leaving the contract-wide insights to the contract\'s page', async () => {
    const link = (await create('gamma-fm', gammaManager, { site: 'gamma-sto', expiresInDays: 7 }).expect(201)).body as Link;
    expect(link).toMatchObject({ site: 'gamma-sto', expiresAt: '2026-11-22T09:00:00.000Z' });
    const html = (await page(link.token, '?period=2026-10').expect(200)).text;
    const site = (await request(sut.http).get('/api/v1/sites/gamma-sto/scorecard?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body as {
      objectives: Array<{ numerator: number; denominator: number }>;
      experienceIndex: { value: number | null };
    };
    expect(html).toContain('gamma-sto · ');
    expect(new RegExp('data-figure="experience-index">[^<]*<b>([^<]*)</b>').exec(html)?.[1]).toBe(formatValue('happy_index', site.experienceIndex.value, 'en'));
    for (const o of site.objectives) expect(html).toContain(`${formatCount(o.numerator, 'en')} / ${formatCount(o.denominator, 'en')}`);
    expect(html.match(/<tr class="[^"]*" data-site="/g)).toHaveLength(1);
    expect(html).toMatch(/<tr class="watermelon" data-site="gamma-sto">/);
    expect(html).toContain('id="contract-wide"');
    expect(html).not.toContain('id="drivers"');
  });

  it('answers 404 to a revoked, expired, tampered or unknown token, and to a month the page does not offer', async () => {
    const link = (await create('gamma-fm', gammaAccount).expect(201)).body as Link;
    await page(link.token).expect(200);
    const [id, exp, sig] = link.token.split('.');
    const notFound = async (token: string, query = '') => {
      const res = await page(token, query).expect(404);
      expect(res.text).toContain('This link is not valid');
      expect(res.text).not.toContain('gamma');
    };
    await notFound(`${id}.${(parseInt(exp, 36) + 3600).toString(36)}.${sig}`);
    await notFound(`${id}.${exp}.${sig.slice(0, -2)}AA`);
    await notFound('not-a-token');
    // A NUL byte is refused before any route, as everywhere.
    await page(`${link.token}%00`).expect(400);
    await notFound(link.token, '?period=2020-01');
    await notFound(link.token, '?period=2026-13');
    await notFound(link.token, '?period=2026-10&period=2026-09');
    // The 404 page speaks the visitor's language.
    expect((await page('x').set('Accept-Language', 'sv-SE').expect(404)).text).toContain('Länken gäller inte');

    // Expired: a second past its expiry.
    clock.mockReturnValue(new Date(new Date(link.expiresAt).getTime() + 1000));
    await notFound(link.token);
    clock.mockReturnValue(NOW);
    await page(link.token).expect(200);

    // Revoked: by another client's account team, not found; by its own, gone at once.
    await request(sut.http).delete(`/api/v1/contracts/gamma-fm/share-links/${link.id}`).set('Authorization', `Bearer ${alphaAccount}`).expect(404);
    await request(sut.http).delete(`/api/v1/contracts/gamma-fm/share-links/${link.id}`).set('Authorization', `Bearer ${gammaAccount}`).expect(204);
    await notFound(link.token);
    await request(sut.http).delete(`/api/v1/contracts/gamma-fm/share-links/${link.id}`).set('Authorization', `Bearer ${gammaAccount}`).expect(204);
    const listed = (await request(sut.http).get('/api/v1/contracts/gamma-fm/share-links').set('Authorization', `Bearer ${gammaManager}`).expect(200)).body as { items: Link[] };
    expect(listed.items.find((l) => l.id === link.id)).toMatchObject({ status: 'revoked', url: link.url });
  });

  it('lets only the account team and FM managers of the contract\'s client make and list links, and refuses bad input plainly', async () => {
    await create('gamma-fm', gammaViewer).expect(403);
    await request(sut.http).get('/api/v1/contracts/gamma-fm/share-links').set('Authorization', `Bearer ${gammaViewer}`).expect(403);
    await request(sut.http).post('/api/v1/contracts/gamma-fm/share-links').send({}).expect(401);
    await create('gamma-fm', alphaAccount).expect(404);
    await request(sut.http).get('/api/v1/contracts/gamma-fm/share-links').set('Authorization', `Bearer ${alphaAccount}`).expect(404);
    // A site of another contract (alpha's) is not found in gamma's.
    await create('gamma-fm', gammaAccount, { site: 'alpha-hq' }).expect(404);
    for (const body of [{ expiresInDays: 0 }, { expiresInDays: 367 }, { expiresInDays: 1.5 }, { expiresInDays: 1e308 }, { label: '' }, { label: 'x'.repeat(201) }, { site: 'a\u0000b' }, { other: 1 }]) {
      const res = await create('gamma-fm', gammaAccount, body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await request(sut.http).delete('/api/v1/contracts/gamma-fm/share-links/not-a-uuid').set('Authorization', `Bearer ${gammaAccount}`).expect(400);
  });
});

import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ContractsSyncService } from '../../src/catalog/contracts-sync.service';
import { FiguresPublisher } from '../../src/scoring/figures-publisher';
import { RollupsService } from '../../src/scoring/rollups.service';
import { ScorecardService } from '../../src/scoring/scorecard.service';
import { seedRatings as seedRatingsIn, type RatingSeed } from '../support/seed-ratings';
import { scorecardContracts, startTestApp, type TestApp } from '../support/test-app';



/**
 * October 2026 at Gamma, hand-counted. Stockholm restroom: 41 positive, 3 neutral, 6 negative of 50
 * (csat 41/50), 5 more excluded, one on 1 November local time (still October in UTC). Bengaluru
 * restroom: 18 positive, 2 negative (18/20), one on 1 November IST. New York lobby: 10 of 10 on the
 * nps11 scale, the last on 31 October 22:00 EDT (1 November in UTC). Stockholm entrance: 6 negative
 * in the last two service hours of the month (low traffic).
 */
function octoberSeeds(): RatingSeed[] {
  const seeds: RatingSeed[] = [];
  for (let i = 0; i < 50; i++) {
    const day = 1 + (i % 25);
    const at = i === 0 ? '2026-10-01T00:30' : `2026-10-${String(day).padStart(2, '0')}T${i < 25 ? '10' : '11'}:00`;
    const score = i < 41 ? 5 : i < 44 ? 3 : 1;
    const reasons = i >= 48 ? ['no_paper', 'no_soap'] : i >= 44 ? ['no_soap'] : [];
    seeds.push({ touchpoint: 'gamma-sto-restroom-qr', at, score, reasons });
  }
  for (let i = 0; i < 5; i++) seeds.push({ touchpoint: 'gamma-sto-restroom-qr', at: `2026-10-26T12:0${i}`, score: 1, excluded: 'burst' });
  seeds.push({ touchpoint: 'gamma-sto-restroom-qr', at: '2026-11-01T00:30', score: 1 });
  for (let i = 0; i < 20; i++) {
    const at = i === 0 ? '2026-10-01T00:15' : `2026-10-${String(1 + i).padStart(2, '0')}T10:00`;
    seeds.push({ touchpoint: 'gamma-blr-restroom-qr', at, score: i < 18 ? 5 : 2, reasons: i < 18 ? [] : ['dirty_floor'] });
  }
  seeds.push({ touchpoint: 'gamma-blr-restroom-qr', at: '2026-11-01T00:15', score: 1 });
  for (let i = 0; i < 10; i++) seeds.push({ touchpoint: 'gamma-nyc-lobby-qr', at: i < 9 ? `2026-10-${String(2 + i).padStart(2, '0')}T12:00` : '2026-10-31T22:00', score: 10 });
  for (const at of ['16:30', '17:05', '17:15', '17:25', '17:35', '17:45']) seeds.push({ touchpoint: 'gamma-sto-entrance-kiosk', at: `2026-10-30T${at}`, score: 1 });
  return seeds;
}

describe(ScorecardService.name, () => {
  let sut: TestApp;
  let contractsDir: string;
  let gammaViewer: string;
  let alphaViewer: string;

  beforeAll(async () => {
    contractsDir = scorecardContracts('scorecard');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    gammaViewer = await sut.keyFor('client_viewer', 'gamma');
    alphaViewer = await sut.keyFor('client_viewer', 'alpha');
    await seedRatings(octoberSeeds());
    // Cleaning: Stockholm 30 of 30 tasks on time; Bengaluru 6 of 16, 1 of 2 in its last service hour of October
    // (Saturday 19:00-20:00 IST, the UTC hour 14:00 starting at 19:30) and 0 of 4 after closing.
    await seedSlaHours([
      { zone: 'gamma-sto.1f-restroom', hour: '2026-10-05T08:00:00Z', tasksDue: 10, tasksOnTime: 10 },
      { zone: 'gamma-sto.1f-restroom', hour: '2026-10-06T08:00:00Z', tasksDue: 10, tasksOnTime: 10 },
      { zone: 'gamma-sto.1f-restroom', hour: '2026-10-07T08:00:00Z', tasksDue: 10, tasksOnTime: 10 },
      { zone: 'gamma-blr.2f-restroom', hour: '2026-10-05T05:00:00Z', tasksDue: 10, tasksOnTime: 5 },
      { zone: 'gamma-blr.2f-restroom', hour: '2026-10-31T14:00:00Z', tasksDue: 2, tasksOnTime: 1 },
      { zone: 'gamma-blr.2f-restroom', hour: '2026-10-31T15:00:00Z', tasksDue: 4, tasksOnTime: 0 },
    ]);
    await sut.app.get(RollupsService).catchUp();
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const seedRatings = (seeds: readonly RatingSeed[]) => seedRatingsIn(sut.dataSource, seeds);

  async function seedSlaHours(hours: ReadonlyArray<{ zone: string; hour: string; tasksDue: number; tasksOnTime: number }>): Promise<void> {
    for (const h of hours) {
      await sut.dataSource.query(
        `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, tasks_due, tasks_on_time)
         SELECT z.client_id, z.id, z.site_id, $2, $3, $4 FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key || '.' || z.key = $1`,
        [h.zone, h.hour, h.tasksDue, h.tasksOnTime],
      );
    }
  }

  const get = (path: string, key = gammaViewer) => request(sut.http).get(path).set('Authorization', `Bearer ${key}`);
  type Card = { key: string; numerator: number; denominator: number; value: number | null; status: string };
  const brief = (objectives: Card[]) => objectives.map((o) => [o.key, o.numerator, o.denominator, o.status]);

  it('sums a contract month over its sites\' own local months, by numerators and denominators', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').expect(200);
    expect(res.body.window).toMatchObject({ kind: 'calendar_month', period: '2026-10' });
    expect(res.body.window.sites).toEqual([
      { site: 'gamma-blr', timeZone: 'Asia/Kolkata', from: '2026-10-01T00:00:00.000+05:30', to: '2026-11-01T00:00:00.000+05:30', asOf: '2026-10-31T18:30:00.000Z' },
      { site: 'gamma-nyc', timeZone: 'America/New_York', from: '2026-10-01T00:00:00.000-04:00', to: '2026-11-01T00:00:00.000-04:00', asOf: '2026-11-01T04:00:00.000Z' },
      { site: 'gamma-sto', timeZone: 'Europe/Stockholm', from: '2026-10-01T00:00:00.000+02:00', to: '2026-11-01T00:00:00.000+01:00', asOf: '2026-10-31T23:00:00.000Z' },
    ]);
    // Restroom csat 41/50 + 18/20 = 59/70: the November-local ratings are out, the 1 October 00:xx ones in.
    expect(brief(res.body.objectives)).toEqual([
      ['cleaning-on-time', 36, 46, 'breached'],
      ['entrance-csat', 10, 16, 'insufficient_data'],
      ['restroom-csat', 59, 70, 'breached'],
    ]);
    // Lookbacks count service hours only: Bengaluru's hour after closing is in the month, not in any lookback.
    const cleaning = res.body.objectives[0];
    expect(cleaning.burnRates.map((r: { hours: number; valid: number }) => [r.hours, r.valid])).toEqual([
      [1, 2],
      [6, 2],
      [72, 2],
    ]);
    expect(cleaning.burnRates[0].burn).toBeCloseTo(5, 9);
    const restroom = res.body.objectives[2];
    expect(restroom.value).toBeCloseTo(59 / 70, 12);
    expect(restroom.excluded).toEqual({ total: 5, byReason: { burst: 5 } });
    expect(restroom.budget).toMatchObject({ bad: 11, valid: 70 });
    expect(restroom.budget.consumed).toBeCloseTo(11 / (0.15 * 70), 9);
    // The last 72 service hours of Stockholm's October reach back to Thursday 22 October 12:00 and skip the weekend:
    // of the restroom ratings only Friday 23 October's two count (one negative), not 24 and 25 October's four; Bengaluru's none.
    expect(restroom.burnRates.map((r: { hours: number; valid: number; enoughTraffic: boolean }) => [r.hours, r.valid, r.enoughTraffic])).toEqual([
      [1, 0, false],
      [6, 0, false],
      [72, 2, false],
    ]);
    expect(restroom.burnRates[2].burn).toBeCloseTo(0.5 / 0.15, 9);
    // 4,250 + 0 (Stockholm), 1,850 (Bengaluru), 1,000 (New York) over 86 ratings.
    expect(res.body.experienceIndex).toMatchObject({ numerator: 7_100, denominator: 86, n: 86, excluded: { total: 5, byReason: { burst: 5 } } });
    expect(res.body.experienceIndex.value).toBeCloseTo(7_100 / 86, 9);
    expect(res.body.attainment.xla).toEqual({ kind: 'xla', value: 0, metWeight: 0, countedWeight: 2, met: [], notMet: ['restroom-csat'], insufficientData: ['entrance-csat'] });
    expect(res.body.attainment.sla).toMatchObject({ value: 0, notMet: ['cleaning-on-time'], insufficientData: [] });
    expect(res.body.reasons).toEqual([
      { reason: 'no_soap', negatives: 6, of: 14, share: 6 / 14 },
      { reason: 'dirty_floor', negatives: 2, of: 14, share: 2 / 14 },
      { reason: 'no_paper', negatives: 2, of: 14, share: 2 / 14 },
    ]);
    expect(res.body.benchmark).toEqual({
      indicator: 'happy_index',
      sites: [
        { rank: 1, site: 'gamma-nyc', value: 100, n: 10 },
        { rank: 2, site: 'gamma-blr', value: 92.5, n: 20 },
        { rank: 3, site: 'gamma-sto', value: 4_250 / 56, n: 56 },
      ],
    });
    expect(res.body.sites.map((s: { site: string; watermelon: boolean; objectives: Card[] }) => [s.site, s.watermelon, brief(s.objectives)])).toEqual([
      ['gamma-blr', false, [['cleaning-on-time', 6, 16, 'insufficient_data'], ['restroom-csat', 18, 20, 'insufficient_data']]],
      ['gamma-nyc', false, [['cleaning-on-time', 0, 0, 'insufficient_data'], ['entrance-csat', 10, 10, 'insufficient_data']]],
      ['gamma-sto', true, [['cleaning-on-time', 30, 30, 'met'], ['entrance-csat', 0, 6, 'insufficient_data'], ['restroom-csat', 41, 50, 'breached']]],
    ]);
    // Sites in brief: budgets, burn rates and zones are the site route's.
    const sto = res.body.sites[2];
    expect(Object.keys(sto).sort()).toEqual(['attainment', 'experienceIndex', 'objectives', 'site', 'watermelon']);
    expect(sto.objectives[2]).toEqual({ key: 'restroom-csat', kind: 'xla', indicator: 'csat', status: 'breached', value: 41 / 50, numerator: 41, denominator: 50, sample: 50 });
    expect(res.body.watermelons.map((w: { site: string; breachedXla: Card[]; metSla: Card[] }) => [w.site, brief(w.breachedXla), brief(w.metSla)])).toEqual([
      ['gamma-sto', [['restroom-csat', 41, 50, 'breached']], [['cleaning-on-time', 30, 30, 'met']]],
    ]);
  });

  it('scores each local date of the month alone: the experience index and attainment per day', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/daily?period=2026-10').expect(200);
    expect(res.body.days.map((d: { date: string }) => d.date)).toEqual(Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`));
    type Day = { date: string; experienceIndex: { numerator: number; denominator: number; value: number | null }; attainment: { sla: { value: number | null; met: string[]; notMet: string[] } } };
    const day = (date: string) => (res.body.days as Day[]).find((d) => d.date === date)!;
    // 5 October: Stockholm restroom 2 positive (10:00 and 11:00 of day 5 and 30), Bengaluru 1 positive; 10 of 10 Stockholm cleanings and 5 of 10 Bengaluru ones.
    const fifth = day('2026-10-05');
    expect(fifth.experienceIndex.denominator).toBe(4);
    // That day's cleanings, 15 of 20, reach the objective's minimum sample of 20 alone: breached, SLA attainment 0.
    expect(fifth.attainment.sla).toMatchObject({ value: 0, notMet: ['cleaning-on-time'] });
    // 28 October has nothing: insufficient data, never 0.
    const empty = day('2026-10-28');
    expect(empty.experienceIndex).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(empty.attainment.sla).toMatchObject({ value: null, met: [], notMet: [] });
    // The days add up to the month's experience index.
    const sum = (res.body.days as Day[]).reduce((a, d) => [a[0] + d.experienceIndex.numerator, a[1] + d.experienceIndex.denominator], [0, 0]);
    expect(sum).toEqual([7_100, 86]);
    await get('/api/v1/contracts/gamma-fm/daily?period=2026-10', alphaViewer).expect(404);
  });

  it('publishes the month as the API computes it, for dashboards and reports to read', async () => {
    await sut.app.get(FiguresPublisher).publish({ force: true, periods: ['2026-10'] });
    const api = (await get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').expect(200)).body;
    const rows = await sut.dataSource.query<Array<{ site: string | null; objective_key: string; value: number | null; numerator: number; denominator: number; sample: number; status: string; budget_remaining: number | null }>>(
      `SELECT s.key AS site, o.objective_key, o.value, o.numerator, o.denominator, o.sample, o.status, o.budget_remaining
       FROM published_objective_figures o JOIN contracts c ON c.id = o.contract_id LEFT JOIN sites s ON s.id = o.site_id
       WHERE c.key = 'gamma-fm' AND o.period = '2026-10' ORDER BY s.key NULLS FIRST, o.objective_key`,
    );
    type Summary = { key: string; value: number | null; numerator: number; denominator: number; sample: number; status: string; budget?: { remaining: number | null } | null };
    const expected = [
      ...(api.objectives as Summary[]).map((o) => [null, o.key, o.value, o.numerator, o.denominator, o.sample, o.status, o.budget?.remaining ?? null]),
      ...(api.sites as Array<{ site: string; objectives: Summary[] }>).flatMap((s) => s.objectives.map((o) => [s.site, o.key, o.value, o.numerator, o.denominator, o.sample, o.status, null])),
    ];
    expect(rows.map((r) => [r.site, r.objective_key, r.value, r.numerator, r.denominator, r.sample, r.status, r.budget_remaining])).toEqual(expected);
    const [contract] = await sut.dataSource.query(
      `SELECT f.experience_index, f.experience_numerator, f.experience_denominator, f.xla_attainment FROM published_scope_figures f JOIN contracts c ON c.id = f.contract_id
       WHERE c.key = 'gamma-fm' AND f.period = '2026-10' AND f.site_id IS NULL`,
    );
    expect(contract).toEqual({ experience_index: api.experienceIndex.value, experience_numerator: 7_100, experience_denominator: 86, xla_attainment: 0 });
    const melons = await sut.dataSource.query(
      `SELECT s.key, f.rank FROM published_scope_figures f JOIN sites s ON s.id = f.site_id WHERE f.period = '2026-10' AND f.watermelon ORDER BY s.key`,
    );
    expect(melons).toEqual([{ key: 'gamma-sto', rank: 3 }]);
    const reasons = await sut.dataSource.query(`SELECT reason, negatives, negatives_total FROM published_reason_shares WHERE period = '2026-10' AND contract_id = (SELECT id FROM contracts WHERE key = 'gamma-fm') ORDER BY negatives DESC, reason`);
    expect(reasons).toEqual([
      { reason: 'no_soap', negatives: 6, negatives_total: 14 },
      { reason: 'dirty_floor', negatives: 2, negatives_total: 14 },
      { reason: 'no_paper', negatives: 2, negatives_total: 14 },
    ]);
    // Published again with nothing changed: nothing rewritten.
    expect(await sut.app.get(FiguresPublisher).publish({ periods: ['2026-10'] })).toMatchObject({ published: 0, failed: 0 });
  });

  it('ranks the benchmark by another indicator when asked', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10&rankBy=negative_rate').expect(200);
    expect(res.body.benchmark).toEqual({
      indicator: 'negative_rate',
      sites: [
        { rank: 1, site: 'gamma-nyc', value: 0, n: 10 },
        { rank: 2, site: 'gamma-blr', value: 0.1, n: 20 },
        { rank: 3, site: 'gamma-sto', value: 12 / 56, n: 56 },
      ],
    });
  });

  it('low traffic: insufficient_data with its sample, never breached, and no burn alert though every lookback burns', async () => {
    const res = await get('/api/v1/objectives/gamma-fm.entrance-csat?period=2026-10').expect(200);
    expect(res.body).toMatchObject({
      ref: 'gamma-fm.entrance-csat',
      status: 'insufficient_data',
      value: null,
      numerator: 10,
      denominator: 16,
      sample: 16,
      insufficientData: { sample: 16, minSample: 30 },
      budget: null,
    });
    // Stockholm's last service hour of October (Friday 17-18) holds 5 negatives, its last six hours all 6; New York's nothing.
    const rates = res.body.burnRates as Array<{ hours: number; burn: number; valid: number; enoughTraffic: boolean }>;
    expect(rates.map((r) => [r.hours, r.valid, r.enoughTraffic])).toEqual([
      [1, 5, true],
      [6, 6, true],
      [72, 6, true],
    ]);
    // All bad against a budget of 10 %: ten times the allowed rate.
    for (const r of rates) expect(r.burn).toBeCloseTo(10, 9);
    expect(res.body.alerts.map((a: { name: string; fires: boolean }) => [a.name, a.fires])).toEqual([
      ['fast', false],
      ['slow', false],
    ]);
    expect(res.body.alerts[0].factor).toBeCloseTo(6.2, 12);
  });

  it('shows an objective\'s daily series over its window, each site on its own local dates', async () => {
    const res = await get('/api/v1/objectives/gamma-fm.restroom-csat?period=2026-10').expect(200);
    expect(res.body).toMatchObject({ ref: 'gamma-fm.restroom-csat', contract: 'gamma-fm', indicator: 'csat', numerator: 59, denominator: 70, status: 'breached', scope: { zoneTypes: ['restroom'] } });
    expect(res.body.window.sites.map((s: { site: string }) => s.site)).toEqual(['gamma-blr', 'gamma-sto']);
    const series = res.body.series as Array<{ date: string; numerator: number; denominator: number; value: number | null }>;
    expect(series).toHaveLength(31);
    expect(series.find((d) => d.date === '2026-10-01')).toEqual({ date: '2026-10-01', numerator: 3, denominator: 3, value: 1 });
    expect(series.find((d) => d.date === '2026-10-20')).toEqual({ date: '2026-10-20', numerator: 1, denominator: 3, value: 1 / 3 });
    expect(series.find((d) => d.date === '2026-10-31')).toEqual({ date: '2026-10-31', numerator: 0, denominator: 0, value: null });
    expect([series.reduce((s, d) => s + d.numerator, 0), series.reduce((s, d) => s + d.denominator, 0)]).toEqual([59, 70]);
  });

  it('finds the watermelon site with the objectives that make it one', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/watermelons?period=2026-10').expect(200);
    expect(res.body.contract).toBe('gamma-fm');
    expect(res.body.watermelons.map((w: { site: string; breachedXla: Card[]; metSla: Card[] }) => [w.site, brief(w.breachedXla), brief(w.metSla)])).toEqual([
      ['gamma-sto', [['restroom-csat', 41, 50, 'breached']], [['cleaning-on-time', 30, 30, 'met']]],
    ]);
  });

  it('gives a site\'s scorecard per zone', async () => {
    const res = await get('/api/v1/sites/gamma-sto/scorecard?period=2026-10').expect(200);
    expect(res.body).toMatchObject({ contract: 'gamma-fm', site: 'gamma-sto', experienceIndex: { numerator: 4_250, denominator: 56, n: 56 } });
    expect(brief(res.body.objectives)).toEqual([
      ['cleaning-on-time', 30, 30, 'met'],
      ['entrance-csat', 0, 6, 'insufficient_data'],
      ['restroom-csat', 41, 50, 'breached'],
    ]);
    expect(brief(res.body.watermelon.breachedXla)).toEqual([['restroom-csat', 41, 50, 'breached']]);
    expect(res.body.zones.map((z: { zone: string; type: string; objectives: Card[] }) => [z.zone, z.type, brief(z.objectives)])).toEqual([
      ['gamma-sto.1f-restroom', 'restroom', [['cleaning-on-time', 30, 30, 'met'], ['restroom-csat', 41, 50, 'breached']]],
      ['gamma-sto.entrance', 'entrance', [['cleaning-on-time', 0, 0, 'insufficient_data'], ['entrance-csat', 0, 6, 'insufficient_data']]],
    ]);
  });

  it('defaults to the current calendar month and takes a rolling window instead', async () => {
    const month = await get('/api/v1/contracts/gamma-fm/scorecard').expect(200);
    expect(month.body.window).toMatchObject({ kind: 'calendar_month', period: expect.stringMatching(/^\d{4}-\d{2}$/) as unknown });
    expect(month.body.experienceIndex).toMatchObject({ numerator: 0, denominator: 0, value: null, n: 0 });
    const rolling = await get('/api/v1/sites/gamma-nyc/scorecard?window=rolling_7d').expect(200);
    expect(rolling.body.window).toMatchObject({ kind: 'rolling_7d', period: null });
  });

  it('answers a bad period or window with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/contracts/gamma-fm/scorecard?period=2026-13', 'period'],
      ['/api/v1/sites/gamma-sto/scorecard?period=0000-01', 'period'],
      ['/api/v1/objectives/gamma-fm.restroom-csat?period=2026-W54', 'period'],
      ['/api/v1/contracts/gamma-fm/watermelons?period=2026-10&window=rolling_7d', 'window'],
      ['/api/v1/contracts/gamma-fm/scorecard?window=rolling_9d', 'window'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect({ path, fields: (res.body.errors as Array<{ field: string }>).map((e) => e.field) }).toEqual({ path, fields: [field] });
    }
  });

  it('cross-tenant: every scoring route answers another client\'s contract, site or objective with 404', async () => {
    const foreign = [
      '/api/v1/contracts/gamma-fm/scorecard?period=2026-10',
      '/api/v1/contracts/gamma-fm/watermelons?period=2026-10',
      '/api/v1/sites/gamma-sto/scorecard?period=2026-10',
      '/api/v1/objectives/gamma-fm.restroom-csat?period=2026-10',
    ];
    for (const path of foreign) {
      const res = await get(path, alphaViewer);
      expect({ path, status: res.status, type: res.headers['content-type'], figures: res.body.objectives }).toEqual({
        path,
        status: 404,
        type: expect.stringContaining('application/problem+json') as unknown,
        figures: undefined,
      });
    }
    for (const path of ['/api/v1/contracts/alpha-fm/scorecard', '/api/v1/sites/alpha-hq/scorecard', '/api/v1/objectives/alpha-fm.restroom-csat', '/api/v1/contracts/alpha-fm/watermelons']) {
      await get(path, alphaViewer).expect(200);
      const res = await get(path, gammaViewer);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('reads the catalog again once it changed: a retired zone leaves the site scorecard, a new target is scored at once', async () => {
    const site = '/api/v1/sites/gamma-sto/scorecard?period=2026-10';
    const zonesOf = async () => ((await get(site).expect(200)).body.zones as Array<{ zone: string }>).map((z) => z.zone);
    const csatOf = async (path: string) => ((await get(path).expect(200)).body.objectives as Card[]).find((o) => o.key === 'restroom-csat')!;
    expect(await zonesOf()).toEqual(['gamma-sto.1f-restroom', 'gamma-sto.entrance']);
    expect(await csatOf(site)).toMatchObject({ numerator: 41, denominator: 50, status: 'breached' });
    const entrance = `id = (SELECT z.id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'gamma-sto' AND z.key = 'entrance')`;
    const csat = `key = 'restroom-csat' AND contract_id = (SELECT id FROM contracts WHERE key = 'gamma-fm')`;
    const [{ target }] = await sut.dataSource.query<Array<{ target: number }>>(`SELECT target FROM objectives WHERE ${csat}`);
    try {
      // Straight in the tables, as another instance's contract sync would leave them: no call into this one.
      await sut.dataSource.query(`UPDATE zones SET retired_at = now() WHERE ${entrance}`);
      await sut.dataSource.query(`UPDATE objectives SET target = 0.8 WHERE ${csat}`);
      expect(await zonesOf()).toEqual(['gamma-sto.1f-restroom']);
      // 41 of 50 against 0.8: no longer breached (at risk: little of its budget left).
      expect(await csatOf(site)).toMatchObject({ numerator: 41, denominator: 50, status: 'at_risk' });
      expect(await csatOf('/api/v1/contracts/gamma-fm/scorecard?period=2026-10')).toMatchObject({ target: 0.8 });
    } finally {
      await sut.dataSource.query(`UPDATE zones SET retired_at = NULL WHERE ${entrance}`);
      await sut.dataSource.query(`UPDATE objectives SET target = $1 WHERE ${csat}`, [target]);
    }
    expect(await zonesOf()).toEqual(['gamma-sto.1f-restroom', 'gamma-sto.entrance']);
    expect(await csatOf(site)).toMatchObject({ status: 'breached' });
  });

  // Last: it adds a rating.
  it('reads counts again once the rollups changed: a late rating is in the contract, site and objective figures after the next rollup run', async () => {
    const paths = ['/api/v1/contracts/gamma-fm/scorecard?period=2026-10', '/api/v1/sites/gamma-sto/scorecard?period=2026-10', '/api/v1/objectives/gamma-fm.restroom-csat?period=2026-10'];
    const csat = async (path: string) => {
      const body = (await get(path).expect(200)).body as { objectives?: Card[]; key?: string; numerator: number; denominator: number };
      const card = body.objectives ? body.objectives.find((o) => o.key === 'restroom-csat')! : body;
      return [card.numerator, card.denominator];
    };
    const before = await Promise.all(paths.map(csat));
    await seedRatings([{ touchpoint: 'gamma-sto-restroom-qr', at: '2026-10-20T09:00', score: 5 }]);
    // Until the rollup job has run, the figures stand (the rollups are what they read).
    expect(await Promise.all(paths.map(csat))).toEqual(before);
    await sut.app.get(RollupsService).catchUp();
    expect(await Promise.all(paths.map(csat))).toEqual(before.map(([n, d]) => [n + 1, d + 1]));
  });

  // After the late rating: it adds an objective.
  it('publishes a minute-based objective whose sample is fractional (comfort: occupied minutes), the sample rounded, the figure exact', async () => {
    appendFileSync(join(contractsDir, 'gamma.yaml'), '  - { key: comfort, kind: xla, indicator: comfort, target: 0.9, minSample: 10 }\n');
    await sut.app.get(ContractsSyncService).syncDirectory();
    await sut.dataSource.query(
      `UPDATE sla_facts_hourly f SET occupied_minutes = 45.5, comfortable_minutes = 40.25 FROM zones z JOIN sites s ON s.id = z.site_id
       WHERE f.zone_id = z.id AND s.key = 'gamma-sto' AND z.key = '1f-restroom' AND f.hour = '2026-10-05T08:00:00Z'`,
    );
    await sut.app.get(RollupsService).catchUp();
    const comfort = ((await get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').expect(200)).body as { objectives: Card[] }).objectives.find((o) => o.key === 'comfort')!;
    expect(comfort).toMatchObject({ numerator: 40.25, denominator: 45.5, sample: 45.5 });
    expect(await sut.app.get(FiguresPublisher).publish({ force: true, periods: ['2026-10'] })).toMatchObject({ failed: 0 });
    const [row] = await sut.dataSource.query<Array<{ numerator: number; denominator: number; sample: number }>>(
      `SELECT o.numerator, o.denominator, o.sample FROM published_objective_figures o JOIN contracts c ON c.id = o.contract_id
       WHERE c.key = 'gamma-fm' AND o.period = '2026-10' AND o.site_id IS NULL AND o.objective_key = 'comfort'`,
    );
    expect(row).toEqual({ numerator: 40.25, denominator: 45.5, sample: 46 });
  });
});

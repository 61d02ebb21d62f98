import { DateTime } from 'luxon';
import { rmSync } from 'node:fs';
import request from 'supertest';
import { crowdingThreshold, CROWDING } from '../../src/scoring/insights';
import { InsightsService } from '../../src/scoring/insights.service';
import { RollupsRebuilder } from '../../src/scoring/rollups-rebuilder';
import { RollupsService } from '../../src/scoring/rollups.service';
import { seedRatings as seedRatingsIn, type RatingSeed } from '../support/seed-ratings';
import { fixtureContracts, SCORING_CONTRACTS, startTestApp, type TestApp } from '../support/test-app';


const RESTROOM = 'gamma-sto-restroom-qr';
const ENTRANCE = 'gamma-sto-entrance-kiosk';
/** Ratings of each October day 1–20 in the Stockholm restroom, local times (CEST): A, B, C, D. */
const SLOTS = ['10:15', '10:45', '14:15', '16:15'] as const;
const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}`;

/**
 * October 2026 at Gamma Stockholm, hand-counted.
 * Restroom, days 1–20, four ratings a day (80): A and B negative on days 1–12 (24; no_soap, B also
 * no_paper), C negative on day 1, D negative on days 1–6 (full_bin): 31 negatives. Five more
 * negatives excluded (burst), inside a soap-out interval: they count nowhere.
 * Entrance kiosk (smiley4), 5 counted, 2 negative, across the DST change: Thu 1 Oct 00:30, Sun 25 Oct
 * 02:30 CEST (4) and 02:30 CET (1), 03:30 CET (4), Sat 31 Oct 23:30 (1); Sun 1 Nov 00:30 is November.
 * Comments: five counted (sv, en, one without a language at a Swedish site), one on an excluded rating.
 */
function octoberSeeds(): RatingSeed[] {
  const seeds: RatingSeed[] = [];
  for (let d = 1; d <= 20; d++) {
    SLOTS.forEach((slot, i) => {
      const negative = (i < 2 && d <= 12) || (i === 2 && d === 1) || (i === 3 && d <= 6);
      const reasons = !negative ? [] : i === 0 ? ['no_soap'] : i === 1 ? ['no_soap', 'no_paper'] : i === 3 ? ['full_bin'] : [];
      seeds.push({ touchpoint: RESTROOM, at: `${day(d)}T${slot}`, score: negative ? 1 : 5, reasons, ...COMMENTS[`${d}${'ABCD'[i]}`] });
    });
  }
  for (let i = 0; i < 5; i++) seeds.push({ touchpoint: RESTROOM, at: `${day(2)}T10:2${i}`, score: 1, excluded: 'burst', comment: 'Tvålen är slut', language: 'sv' });
  for (const [at, score] of [
    ['2026-10-01T00:30', 4],
    ['2026-10-25T00:30:00Z', 4],
    ['2026-10-25T01:30:00Z', 1],
    ['2026-10-25T02:30:00Z', 4],
    ['2026-10-31T23:30', 1],
    ['2026-11-01T00:30', 4],
  ] as const) {
    seeds.push({ touchpoint: ENTRANCE, at, score });
  }
  return seeds;
}

const COMMENTS: Record<string, Pick<RatingSeed, 'comment' | 'language'>> = {
  '1A': { comment: 'Tvålen är slut igen', language: 'sv' },
  '2A': { comment: 'Ingen tvål, och papperskorgen är överfull', language: 'sv' },
  '3D': { comment: 'Bin overflowing again', language: 'en' },
  '4C': { comment: 'Really clean, thank you!', language: 'en' },
  '5B': { comment: 'Det luktar illa', language: null },
};

/**
 * Conditions in the restroom (local times): soap out 10:00–11:00 on days 1–20 (A and B), paper out
 * 10:30–11:30 on days 1–5 (B again: counted once) and 14:00–14:30 on day 1 (C); bin full 16:00–17:00
 * on days 1–10 (D); CO2 high 14:00–17:00 on days 1–20 (C and D); no clean overdue.
 */
function intervals(): Array<{ kind: string; date: string; from: string; to: string }> {
  const list: Array<{ kind: string; date: string; from: string; to: string }> = [];
  for (let d = 1; d <= 20; d++) {
    list.push({ kind: 'soap_out', date: day(d), from: '10:00', to: '11:00' });
    list.push({ kind: 'co2_high', date: day(d), from: '14:00', to: '17:00' });
    if (d <= 5) list.push({ kind: 'paper_out', date: day(d), from: '10:30', to: '11:30' });
    if (d <= 10) list.push({ kind: 'bin_full', date: day(d), from: '16:00', to: '17:00' });
  }
  list.push({ kind: 'paper_out', date: day(1), from: '14:00', to: '14:30' });
  return list;
}

/**
 * People counted in the restroom: 10 an hour 08–17 UTC every day of September and 1–20 October, and
 * 50 in 07–08 UTC on 1–20 October — the hour before A and B (08:15 and 08:45 UTC). The zone-days'
 * thresholds stay 10 (at most 19 of ≥ 280 baseline hours are 50), so A and B are in a crowd, C and D not.
 */
function visitorHours(): Array<{ hour: string; visitors: number }> {
  const hours: Array<{ hour: string; visitors: number }> = [];
  for (let t = Date.UTC(2026, 8, 1); t < Date.UTC(2026, 9, 21); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    for (let h = 8; h <= 17; h++) hours.push({ hour: `${date}T${String(h).padStart(2, '0')}:00:00Z`, visitors: 10 });
    if (date >= '2026-10-01') hours.push({ hour: `${date}T07:00:00Z`, visitors: 50 });
  }
  return hours;
}

describe(InsightsService.name, () => {
  let sut: TestApp;
  let contractsDir: string;
  let gammaViewer: string;
  let alphaViewer: string;

  beforeAll(async () => {
    contractsDir = fixtureContracts('insights', SCORING_CONTRACTS);
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    gammaViewer = await sut.keyFor('client_viewer', 'gamma');
    alphaViewer = await sut.keyFor('client_viewer', 'alpha');
    await seedIntervals();
    await seedVisitors();
    await seedRatings(octoberSeeds());
    // The figures' job hands the zone-days on to the insights job (drivers, themes).
    await sut.app.get(RollupsService).catchUp();
    await sut.app.get(RollupsService).catchUpInsights();
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const ZONE = `SELECT z.client_id, z.id AS zone_id, z.site_id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'gamma-sto' AND z.key = '1f-restroom'`;

  async function seedIntervals(): Promise<void> {
    const rows = intervals().map((i) => ({
      kind: i.kind,
      local_date: i.date,
      start_at: DateTime.fromISO(`${i.date}T${i.from}`, { zone: 'Europe/Stockholm' }).toUTC().toISO(),
      end_at: DateTime.fromISO(`${i.date}T${i.to}`, { zone: 'Europe/Stockholm' }).toUTC().toISO(),
    }));
    await sut.dataSource.query(
      `INSERT INTO zone_intervals (client_id, zone_id, site_id, kind, start_at, end_at, local_date)
       SELECT z.client_id, z.zone_id, z.site_id, i.kind, i.start_at, i.end_at, i.local_date
       FROM (${ZONE}) AS z CROSS JOIN jsonb_to_recordset($1::jsonb) AS i(kind text, start_at timestamptz, end_at timestamptz, local_date date)`,
      [JSON.stringify(rows)],
    );
  }

  async function seedVisitors(): Promise<void> {
    await sut.dataSource.query(
      `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, visitors)
       SELECT z.client_id, z.zone_id, z.site_id, v.hour, v.visitors FROM (${ZONE}) AS z CROSS JOIN jsonb_to_recordset($1::jsonb) AS v(hour timestamptz, visitors int)`,
      [JSON.stringify(visitorHours())],
    );
  }

  const seedRatings = (seeds: readonly RatingSeed[]) => seedRatingsIn(sut.dataSource, seeds);

  /** n1, k1, n0, k0 of the interval conditions straight from the raw rows: range containment, no rollup. */
  async function rawIntervalCounts(): Promise<Record<string, number[]>> {
    const rows = await sut.dataSource.query<Array<{ condition: string; n1: number; k1: number; n0: number; k0: number }>>(
      `SELECT c.condition,
              count(*) FILTER (WHERE h.held)::int AS n1, count(*) FILTER (WHERE h.held AND r.polarity = 'negative')::int AS k1,
              count(*) FILTER (WHERE NOT h.held)::int AS n0, count(*) FILTER (WHERE NOT h.held AND r.polarity = 'negative')::int AS k0
       FROM ratings r JOIN sites s ON s.id = r.site_id JOIN contracts k ON k.id = s.contract_id
       CROSS JOIN (VALUES ('bin_full', ARRAY['bin_full']), ('clean_overdue', ARRAY['clean_overdue']), ('co2_high', ARRAY['co2_high']),
                          ('consumable_out', ARRAY['soap_out', 'paper_out'])) AS c(condition, kinds)
       CROSS JOIN LATERAL (SELECT count(*) > 0 AS held FROM zone_intervals i
                           WHERE i.zone_id = r.zone_id AND i.kind = ANY(c.kinds) AND tstzrange(i.start_at, i.end_at) @> r.rated_at) AS h
       WHERE k.key = 'gamma-fm' AND r.excluded_reason IS NULL AND to_char(r.rated_at AT TIME ZONE s.time_zone, 'YYYY-MM') = '2026-10'
       GROUP BY c.condition ORDER BY c.condition`,
    );
    return Object.fromEntries(rows.map((r) => [r.condition, [r.n1, r.k1, r.n0, r.k0]]));
  }

  /** Crowding counts from the raw rows, the threshold by the pure formula from each zone-day's baseline hours. */
  async function rawCrowdingCounts(): Promise<number[]> {
    const ratings = await sut.dataSource.query<Array<{ zoneId: string; ratedAt: Date; negative: boolean; timeZone: string }>>(
      `SELECT r.zone_id AS "zoneId", r.rated_at AS "ratedAt", r.polarity = 'negative' AS negative, s.time_zone AS "timeZone"
       FROM ratings r JOIN sites s ON s.id = r.site_id WHERE s.key = 'gamma-sto' AND r.excluded_reason IS NULL
         AND to_char(r.rated_at AT TIME ZONE s.time_zone, 'YYYY-MM') = '2026-10'`,
    );
    const facts = await sut.dataSource.query<Array<{ zoneId: string; hour: Date; visitors: number }>>(`SELECT zone_id AS "zoneId", hour, visitors FROM sla_facts_hourly`);
    const counts = [0, 0, 0, 0];
    for (const r of ratings) {
      const dayStart = DateTime.fromJSDate(r.ratedAt, { zone: r.timeZone }).startOf('day');
      const from = dayStart.minus({ days: CROWDING.baselineDays }).toMillis();
      const zoneFacts = facts.filter((f) => f.zoneId === r.zoneId);
      const threshold = crowdingThreshold(zoneFacts.filter((f) => f.hour.getTime() >= from && f.hour.getTime() < dayStart.toMillis()).map((f) => f.visitors));
      if (threshold === null) continue;
      const before = Math.floor(r.ratedAt.getTime() / 3_600_000) * 3_600_000 - 3_600_000;
      const crowded = (zoneFacts.find((f) => f.hour.getTime() === before)?.visitors ?? 0) > threshold;
      counts[crowded ? 0 : 2]++;
      if (r.negative) counts[crowded ? 1 : 3]++;
    }
    return counts;
  }

  const get = (path: string, key = gammaViewer) => request(sut.http).get(path).set('Authorization', `Bearer ${key}`);
  type Row = { condition: string; n1: number; k1: number; n0: number; k0: number };
  const countsOf = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.condition, [r.n1, r.k1, r.n0, r.k0]]));

  it('ranks drivers from the driver rollups: hand-counted, equal to a count from the raw rows', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/drivers?period=2026-10').expect(200);
    // 85 counted ratings (80 restroom, 5 entrance), 33 negative; the entrance has no people counter, so no crowding baseline.
    expect(res.body.ratings).toEqual({ rated: 85, negative: 33, excluded: { total: 5, byReason: { burst: 5 } } });
    const drivers = res.body.drivers as Array<Row & { lift: number; excessNegatives: number; difference: { estimate: number; lower: number; upper: number } }>;
    expect(countsOf(drivers)).toEqual({ consumable_out: [41, 25, 44, 8], crowding: [40, 24, 40, 7], co2_high: [40, 7, 45, 26] });
    expect(drivers.map((d) => d.condition)).toEqual(['consumable_out', 'crowding', 'co2_high']);
    expect(drivers[0].lift).toBeCloseTo((25 / 41) / (8 / 44), 12);
    expect(drivers[0].excessNegatives).toBeCloseTo(25 - (41 * 8) / 44, 12);
    expect(drivers[1].lift).toBeCloseTo(24 / 7, 12);
    expect(drivers[1].excessNegatives).toBeCloseTo(17, 12);
    expect(drivers[2].lift).toBeCloseTo((7 / 40) / (26 / 45), 12);
    expect(drivers[0].difference.estimate).toBeCloseTo(25 / 41 - 8 / 44, 12);
    expect(drivers[0].difference.lower).toBeGreaterThan(0);
    expect(drivers[2].difference.upper).toBeLessThan(0);
    // Left out for n < 30 on a side, with their counts.
    expect(countsOf(res.body.insufficientData)).toEqual({ bin_full: [10, 6, 75, 27], clean_overdue: [0, 0, 85, 33] });
    const all = countsOf([...drivers, ...res.body.insufficientData]);
    const { crowding, ...intervalConditions } = all;
    expect(intervalConditions).toEqual(await rawIntervalCounts());
    expect(crowding).toEqual(await rawCrowdingCounts());
  });

  it('gives reason shares of the negatives and comment themes in two languages, excluded comments left out', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/drivers?period=2026-10').expect(200);
    expect(res.body.reasons).toEqual([
      { reason: 'no_soap', negatives: 24, of: 33, share: 24 / 33 },
      { reason: 'no_paper', negatives: 12, of: 33, share: 12 / 33 },
      { reason: 'full_bin', negatives: 6, of: 33, share: 6 / 33 },
    ]);
    expect(res.body.themes).toEqual({
      comments: 5,
      themes: [
        { theme: 'soap', count: 2, share: 0.4, byLanguage: { sv: 2 }, examples: ['Ingen tvål, och papperskorgen är överfull', 'Tvålen är slut igen'] },
        { theme: 'bin', count: 2, share: 0.4, byLanguage: { sv: 1, en: 1 }, examples: ['Bin overflowing again', 'Ingen tvål, och papperskorgen är överfull'] },
        // No language on the rating: read in the site's (sv).
        { theme: 'smell', count: 1, share: 0.2, byLanguage: { sv: 1 }, examples: ['Det luktar illa'] },
        { theme: 'praise', count: 1, share: 0.2, byLanguage: { en: 1 }, examples: ['Really clean, thank you!'] },
      ],
    });
  });

  it('keeps the driver and theme rollups through a rebuild', async () => {
    const read = () => sut.dataSource.query(`SELECT * FROM driver_rollup_daily ORDER BY zone_id, local_date, condition`);
    const themes = () => sut.dataSource.query(`SELECT * FROM comment_theme_daily ORDER BY zone_id, local_date, language, theme`);
    const [before, themesBefore] = [await read(), await themes()];
    expect(before.length).toBeGreaterThan(0);
    await sut.dataSource.query(`DELETE FROM driver_rollup_daily; DELETE FROM comment_theme_daily`);
    await sut.app.get(RollupsRebuilder).rebuild({ contract: 'gamma-fm' });
    expect(await read()).toEqual(before);
    expect(await themes()).toEqual(themesBefore);
  });

  it('lays out the hour-of-week heatmap in local weekday and hour, across the October DST change', async () => {
    const res = await get('/api/v1/contracts/gamma-fm/heatmap?period=2026-10&indicator=csat').expect(200);
    type Cell = { weekday: number; hour: number; value: number | null; numerator: number; denominator: number; n: number };
    const cells = res.body.cells as Cell[];
    expect(cells).toHaveLength(168);
    const at = (weekday: number, hour: number) => cells[(weekday - 1) * 24 + hour];
    // Sunday 25 October: 02:30 CEST (00:30 UTC) and 02:30 CET (01:30 UTC) share the local 02:00 cell; 03:30 CET is 03:00.
    expect(at(7, 2)).toEqual({ weekday: 7, hour: 2, value: 0.5, numerator: 1, denominator: 2, n: 2 });
    expect(at(7, 3)).toEqual({ weekday: 7, hour: 3, value: 1, numerator: 1, denominator: 1, n: 1 });
    // Thursday 1 October 00:30 local (30 September in UTC) is in; Saturday 31 October 23:30 too; Sunday 1 November 00:30 is not.
    expect(at(4, 0)).toEqual({ weekday: 4, hour: 0, value: 1, numerator: 1, denominator: 1, n: 1 });
    expect(at(6, 23)).toEqual({ weekday: 6, hour: 23, value: 0, numerator: 0, denominator: 1, n: 1 });
    expect(at(7, 0)).toEqual({ weekday: 7, hour: 0, value: null, numerator: 0, denominator: 0, n: 0 });
    // Mondays 5, 12 and 19 October at 10:15 and 10:45 (08:xx UTC, local hour 10): negative on 5 and 12, positive on 19.
    expect(at(1, 10)).toEqual({ weekday: 1, hour: 10, value: 2 / 6, numerator: 2, denominator: 6, n: 6 });
    expect(at(1, 8)).toMatchObject({ n: 0 });
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(85);
    const happiness = await get('/api/v1/contracts/gamma-fm/heatmap?period=2026-10&indicator=happiness').expect(200);
    expect(happiness.body.cells[6 * 24 + 2]).toEqual({ weekday: 7, hour: 2, value: 0, numerator: 0, denominator: 2, n: 2 });
  });

  it('answers 404 for another client\'s contract and 400 naming a bad period or indicator', async () => {
    for (const path of ['/api/v1/contracts/gamma-fm/drivers?period=2026-10', '/api/v1/contracts/gamma-fm/heatmap?period=2026-10&indicator=csat']) {
      const res = await get(path, alphaViewer).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const badPeriod = await get('/api/v1/contracts/gamma-fm/drivers?period=2026-13').expect(400);
    expect(JSON.stringify(badPeriod.body)).toContain('"period"');
    const badIndicator = await get('/api/v1/contracts/gamma-fm/heatmap?period=2026-10&indicator=comfort').expect(400);
    expect(JSON.stringify(badIndicator.body)).toContain('"indicator"');
  });

  // Last: it adds a rating.
  it('counts a late rating in the figures at the next rollup run, and in drivers and themes once the insights job has run', async () => {
    type DriversBody = { ratings: { rated: number; negative: number }; drivers: Row[]; themes: { comments: number; themes: Array<{ theme: string; count: number }> } };
    const drivers = async () => (await get('/api/v1/contracts/gamma-fm/drivers?period=2026-10').expect(200)).body as DriversBody;
    const before = await drivers();
    // Day 3, 10:30 local: soap out (and no paper out), a negative with a comment on soap.
    await seedRatings([{ touchpoint: RESTROOM, at: `${day(3)}T10:30`, score: 1, reasons: ['no_soap'], comment: 'Tvål saknas', language: 'sv' }]);
    const rollups = sut.app.get(RollupsService);
    expect(await rollups.catchUp()).toBe(1);
    const figuresOnly = await drivers();
    expect(figuresOnly.ratings).toMatchObject({ rated: before.ratings.rated + 1, negative: before.ratings.negative + 1 });
    expect(figuresOnly.drivers).toEqual(before.drivers);
    expect(figuresOnly.themes).toEqual(before.themes);

    expect(await rollups.catchUpInsights()).toBe(1);
    const after = await drivers();
    const consumable = (body: DriversBody) => body.drivers.find((d) => d.condition === 'consumable_out')!;
    expect(consumable(after)).toMatchObject({ n1: consumable(before).n1 + 1, k1: consumable(before).k1 + 1, n0: consumable(before).n0, k0: consumable(before).k0 });
    expect(after.themes.comments).toBe(before.themes.comments + 1);
    expect(after.themes.themes.find((t) => t.theme === 'soap')?.count).toBe(3);
    expect(await rollups.catchUpInsights()).toBe(0);
  });
});

import fc from 'fast-check';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import request from 'supertest';
import type { Scale } from '../../src/catalog/catalog.types';
import { polarityOf } from '../../src/feedback/reasons';
import { SlaFactsRepository } from '../../src/operations/sla-facts.repository';
import type { HourFacts } from '../../src/operations/zone-day-facts';
import { EXCLUSION_REASONS, SLA_COLUMNS, type RollupCounts } from '../../src/scoring/rollup-columns';
import { emptyCounts } from '../../src/scoring/indicators';
import { LookbacksRepository } from '../../src/scoring/lookbacks.repository';
import { RollupsRebuilder } from '../../src/scoring/rollups-rebuilder';
import { RollupsRepository } from '../../src/scoring/rollups.repository';
import { RollupsService } from '../../src/scoring/rollups.service';
import { fixtureContracts, pollUntil, SCORING_CONTRACTS, startTestApp, type TestApp } from '../support/test-app';
import { insertRatingRows } from '../support/seed-ratings';

const HOUR = 3_600_000;
/** Twelve days around both autumn DST changes of 2026: Europe on 25 October (01:00Z), the USA on 1 November (06:00Z). */
const SPAN = { from: Date.parse('2026-10-22T00:00:00Z'), to: Date.parse('2026-11-03T00:00:00Z') };
const EDGES = [Date.parse('2026-10-25T01:00:00Z'), Date.parse('2026-11-01T06:00:00Z')];
/** Local midnight in Asia/Kolkata (+05:30) is 18:30Z. */
const KOLKATA_MIDNIGHTS = Array.from({ length: 11 }, (_, d) => SPAN.from + d * 24 * HOUR + 18.5 * HOUR);
/** Every local date the span touches at any of the sites. */
const DATES = Array.from({ length: 14 }, (_, d) => DateTime.fromMillis(SPAN.from, { zone: 'UTC' }).plus({ days: d - 1 }).toISODate()!);
const REASONS = ['no_soap', 'no_paper', 'dirty_floor', 'bad_smell'];
const SLA_FIELDS = SLA_COLUMNS.map(([field]) => field);

interface Touchpoint {
  id: string;
  clientId: string;
  siteId: string;
  zoneId: string;
  scale: Scale;
  timeZone: string;
  zoneType: string;
}

interface RatingFigures {
  rated: number;
  positive: number;
  neutral: number;
  negative: number;
  happyThirds: number;
  excluded: Record<string, number>;
  reasons: Record<string, number>;
}

/** An instant in the span, often near a DST change or a Kolkata midnight. */
const instant = fc.oneof(
  fc.integer({ min: SPAN.from, max: SPAN.to - 1 }),
  fc.tuple(fc.constantFrom(...EDGES), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })).map(([edge, d]) => edge + d),
  fc.tuple(fc.constantFrom(...KOLKATA_MIDNIGHTS), fc.integer({ min: -HOUR, max: HOUR })).map(([edge, d]) => edge + d),
);
const ratingArb = fc.record({
  tp: fc.nat(),
  at: instant,
  score: fc.nat(10),
  reasons: fc.subarray(REASONS),
  excluded: fc.option(fc.constantFrom(...EXCLUSION_REASONS), { freq: 4 }),
});
type RatingSpec = typeof ratingArb extends fc.Arbitrary<infer T> ? T : never;
/** Minutes in quarters: exact as float4 and in any sum, like the operations module's. */
const quarter = (max: number) => fc.nat(max * 4).map((q) => q / 4);
const slaHourArb = fc.record({
  zone: fc.nat(),
  hour: fc.nat(Math.floor((SPAN.to - SPAN.from) / HOUR) - 1),
  tasksDue: fc.nat(4),
  tasksOnTime: fc.nat(4),
  visitors: fc.nat(200),
  visitorsWhileOut: fc.nat(20),
  incidentsOpened: fc.nat(2),
  serviceMinutes: quarter(60),
  outMinutes: quarter(30),
  occupiedMinutes: quarter(60),
  comfortableMinutes: quarter(60),
  deviceOnlineMinutes: quarter(120),
  deviceExpectedMinutes: quarter(120),
  inspectionScoreSum: quarter(100),
});
type SlaSpec = typeof slaHourArb extends fc.Arbitrary<infer T> ? T : never;

describe(RollupsService.name, () => {
  let sut: TestApp;
  let contractsDir: string;
  let rollups: RollupsService;
  let clientId: string;
  let touchpoints: Touchpoint[];
  let zones: Array<{ zoneId: string; siteId: string; timeZone: string; type: string }>;

  beforeAll(async () => {
    contractsDir = fixtureContracts('rollups', SCORING_CONTRACTS);
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    rollups = sut.app.get(RollupsService);
    touchpoints = await sut.dataSource.query(
      `SELECT t.id, t.client_id AS "clientId", t.site_id AS "siteId", t.zone_id AS "zoneId", t.scale, s.time_zone AS "timeZone", z.type AS "zoneType"
       FROM touchpoints t JOIN sites s ON s.id = t.site_id JOIN zones z ON z.id = t.zone_id JOIN clients c ON c.id = t.client_id WHERE c.key = 'gamma' ORDER BY t.key`,
    );
    clientId = touchpoints[0].clientId;
    zones = [...new Map(touchpoints.map((t) => [t.zoneId, { zoneId: t.zoneId, siteId: t.siteId, timeZone: t.timeZone, type: t.zoneType }])).values()];
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  /** Stores ratings as the feedback module does, in one statement (so the statement trigger sees many at once). */
  const insertRatings = async (specs: readonly RatingSpec[]): Promise<void> => {
    if (!specs.length) return;
    const rows = specs.map((spec) => {
      const tp = touchpoints[spec.tp % touchpoints.length];
      const scores = tp.scale === 'nps11' ? 11 : tp.scale === 'smiley5' ? 5 : 4;
      const score = tp.scale === 'nps11' ? spec.score % scores : 1 + (spec.score % scores);
      return {
        client_id: tp.clientId,
        site_id: tp.siteId,
        zone_id: tp.zoneId,
        touchpoint_id: tp.id,
        submission_id: randomUUID(),
        score,
        polarity: polarityOf(tp.scale, score),
        reasons: spec.reasons,
        rated_at: new Date(spec.at).toISOString(),
        excluded_reason: spec.excluded,
      };
    });
    await insertRatingRows(sut.dataSource, rows);
  };

  /** Writes SLA facts hours as an upsert: new hours insert, known ones update (both statement triggers). */
  const upsertSlaHours = async (specs: readonly SlaSpec[]): Promise<void> => {
    const rows = [...new Map(specs.map((s) => [`${s.zone % zones.length}/${s.hour}`, s])).values()].map((s) => {
      const { zone: index, hour, ...facts } = s;
      const zone = zones[index % zones.length];
      return { client_id: clientId, zone_id: zone.zoneId, site_id: zone.siteId, hour: new Date(SPAN.from + hour * HOUR).toISOString(), ...snake(facts) };
    });
    if (!rows.length) return;
    const columns = Object.keys(rows[0]).filter((c) => !['client_id', 'zone_id', 'site_id', 'hour'].includes(c));
    await sut.dataSource.query(
      `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, ${columns.join(', ')})
       SELECT client_id, zone_id, site_id, hour, ${columns.join(', ')}
       FROM jsonb_populate_recordset(NULL::sla_facts_hourly, $1::jsonb)
       ON CONFLICT (client_id, zone_id, hour) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      [JSON.stringify(rows)],
    );
  };

  /** Everything the tests write lies in the span; the operations job writes today's SLA facts, far after it. */
  const spanParams = () => [clientId, new Date(SPAN.from - 48 * HOUR).toISOString(), new Date(SPAN.to + 48 * HOUR).toISOString()];

  /** Rating figures per zone and local hour (`hour`) or local date, straight from the raw rows, by other means than the rollup's SQL. */
  const expectedRatings = async (by: 'hour' | 'date'): Promise<Map<string, RatingFigures>> => {
    // The local hour's start: shift by the UTC offset at the instant, floor to the hour, shift back.
    const bucket = by === 'hour' ? `to_char(to_timestamp(floor((extract(epoch FROM r.rated_at) + o.off) / 3600) * 3600 - o.off) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI')` : `to_char(o.local, 'YYYY-MM-DD')`;
    const base = `
      SELECT r.zone_id::text AS zone, ${bucket} AS bucket, r.id, r.reasons, r.excluded_reason, tp.scale, r.score,
        CASE WHEN (tp.scale <> 'nps11' AND r.score <= 2) OR (tp.scale = 'nps11' AND r.score <= 6) THEN 'negative'
             WHEN (tp.scale = 'smiley5' AND r.score = 3) OR (tp.scale = 'nps11' AND r.score BETWEEN 7 AND 8) THEN 'neutral' ELSE 'positive' END AS pol
      FROM ratings r JOIN sites s ON s.id = r.site_id JOIN touchpoints tp ON tp.id = r.touchpoint_id
      CROSS JOIN LATERAL (SELECT r.rated_at AT TIME ZONE s.time_zone AS local, extract(epoch FROM (r.rated_at AT TIME ZONE s.time_zone) - (r.rated_at AT TIME ZONE 'UTC')) AS off) o
      WHERE r.client_id = $1 AND r.rated_at >= $2 AND r.rated_at < $3`;
    const counts = await sut.dataSource.query<Array<Record<string, string>>>(
      `SELECT zone, bucket, count(*) FILTER (WHERE excluded_reason IS NULL) AS rated,
         count(*) FILTER (WHERE excluded_reason IS NULL AND pol = 'positive') AS positive,
         count(*) FILTER (WHERE excluded_reason IS NULL AND pol = 'neutral') AS neutral,
         count(*) FILTER (WHERE excluded_reason IS NULL AND pol = 'negative') AS negative,
         COALESCE(sum(round(3 * CASE scale WHEN 'smiley4' THEN (score - 1) * 100.0 / 3 WHEN 'smiley5' THEN (score - 1) * 25 ELSE score * 10 END))
           FILTER (WHERE excluded_reason IS NULL), 0) AS thirds,
         ${EXCLUSION_REASONS.map((reason) => `count(*) FILTER (WHERE excluded_reason = '${reason}') AS "${reason}"`).join(', ')}
       FROM (${base}) x GROUP BY zone, bucket`,
      spanParams(),
    );
    const reasons = await sut.dataSource.query<Array<{ zone: string; bucket: string; reason: string; n: string }>>(
      `SELECT zone, bucket, reason, count(DISTINCT id) AS n FROM (${base}) x CROSS JOIN LATERAL jsonb_array_elements_text(x.reasons) AS reason
       WHERE excluded_reason IS NULL AND pol = 'negative' GROUP BY zone, bucket, reason`,
      spanParams(),
    );
    const figures = new Map<string, RatingFigures>();
    for (const row of counts) {
      const excluded = Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, Number(row[reason])]).filter(([, n]) => n));
      figures.set(`${row.zone}|${row.bucket}`, {
        rated: Number(row.rated),
        positive: Number(row.positive),
        neutral: Number(row.neutral),
        negative: Number(row.negative),
        happyThirds: Number(row.thirds),
        excluded,
        reasons: {},
      });
    }
    for (const row of reasons) figures.get(`${row.zone}|${row.bucket}`)!.reasons[row.reason] = Number(row.n);
    return figures;
  };

  /** SLA facts per zone and local date of each hour's start, summed here from the raw hourly rows. */
  const expectedSla = async (): Promise<Map<string, Record<string, number>>> => {
    const rows = await sut.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT f.*, s.time_zone FROM sla_facts_hourly f JOIN sites s ON s.id = f.site_id WHERE f.client_id = $1 AND f.hour >= $2 AND f.hour < $3`,
      spanParams(),
    );
    const days = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const date = DateTime.fromJSDate(new Date(row.hour as string), { zone: row.time_zone as string }).toISODate()!;
      if (!DATES.includes(date)) continue;
      const key = `${String(row.zone_id)}|${date}`;
      const day = days.get(key) ?? Object.fromEntries(SLA_COLUMNS.map(([field]) => [field, 0]));
      for (const [field, column] of SLA_COLUMNS) day[field] += Number(row[column]);
      days.set(key, day);
    }
    return dropZeros(days);
  };

  const ratingFiguresOf = ({ counts, negativeReasons }: RollupCounts): RatingFigures => ({
    rated: counts.rated,
    positive: counts.positive,
    neutral: counts.neutral,
    negative: counts.negative,
    happyThirds: Math.round(counts.happyWeightSum * 3),
    excluded: { ...counts.excluded },
    reasons: { ...negativeReasons },
  });
  const hasRatings = ({ counts }: RollupCounts) => counts.rated + Object.values(counts.excluded).reduce((a, b) => a + b, 0) > 0;
  const slaOf = ({ counts }: RollupCounts) => Object.fromEntries(SLA_FIELDS.map((field) => [field, counts[field]]));
  const zoneIds = () => zones.map((z) => z.zoneId);

  /** Every figure read from the rollups (hourly, daily, and summed over dates) equals the one computed from the raw rows. */
  const expectRollupsEqualRaw = async (dates: readonly string[]) => {
    const hourly = await rollups.hourly(clientId, zoneIds(), new Date(SPAN.from - 24 * HOUR), new Date(SPAN.to + 24 * HOUR));
    const actualHours = new Map(hourly.filter(hasRatings).map((h) => [`${h.zoneId}|${h.hour.toISOString().slice(0, 16)}`, ratingFiguresOf(h)]));
    expect(sorted(actualHours)).toEqual(sorted(await expectedRatings('hour')));

    const daily = await rollups.daily(clientId, zoneIds(), DATES);
    const actualDays = new Map(daily.filter(hasRatings).map((d) => [`${d.zoneId}|${d.localDate}`, ratingFiguresOf(d)]));
    const ratingDays = new Map([...(await expectedRatings('date'))].filter(([key]) => DATES.includes(key.split('|')[1])));
    expect(sorted(actualDays)).toEqual(sorted(ratingDays));
    const slaDays = await expectedSla();
    expect(sorted(dropZeros(new Map(daily.map((d) => [`${d.zoneId}|${d.localDate}`, slaOf(d)]))))).toEqual(sorted(slaDays));

    // A period: one sum per zone over some of its local dates.
    const totals = await rollups.dailyTotals(clientId, zoneIds(), dates);
    for (const zoneId of zoneIds()) {
      const wanted = dates.map((date) => `${zoneId}|${date}`);
      const ratings = wanted.flatMap((key) => ratingDays.get(key) ?? []);
      const sla = wanted.flatMap((key): Array<Record<string, number>> => { const day = slaDays.get(key); return day ? [day] : []; });
      const total = totals.get(zoneId);
      expect(total ? ratingFiguresOf(total) : emptyFigures()).toEqual(sumFigures(ratings));
      expect(total ? slaOf(total) : zeroSla()).toEqual(sumSla(sla));
    }

    // The scope rows, per site and zone type: the sums of their zones' raw figures, over the dates asked
    // for (daily rows) and over October (the monthly row).
    const units = new Map<string, string[]>();
    for (const z of zones) units.set(`${z.siteId}|${z.type}`, [...(units.get(`${z.siteId}|${z.type}`) ?? []), z.zoneId]);
    const siteIds = [...new Set(zones.map((z) => z.siteId))];
    const overDates = await rollups.scopeTotals(clientId, siteIds, { dates });
    const overMonth = await rollups.scopeTotals(clientId, siteIds, { month: '2026-10-01' });
    for (const [unit, ids] of units) {
      for (const [total, over] of [[overDates.get(unit), dates], [overMonth.get(unit), DATES.filter((d) => d.startsWith('2026-10'))]] as const) {
        const keys = ids.flatMap((id) => over.map((date) => `${id}|${date}`));
        expect(total ? ratingFiguresOf(total) : emptyFigures()).toEqual(sumFigures(keys.flatMap((key) => ratingDays.get(key) ?? [])));
        expect(total ? slaOf(total) : zeroSla()).toEqual(sumSla(keys.flatMap((key): Array<Record<string, number>> => { const day = slaDays.get(key); return day ? [day] : []; })));
      }
    }
    // The hourly scope rows (burn-rate lookbacks) against the zone rows, over a few ranges of each site's
    // local hours (as lookbacks are: at half-hour offsets an SLA facts hour counts in the local hour its start is in).
    const lookbacks = sut.app.get(LookbacksRepository);
    const localHour = (at: number, timeZone: string) => DateTime.fromMillis(at, { zone: timeZone }).startOf('hour').toMillis();
    const ranges = siteIds.flatMap((siteId) => {
      const { timeZone } = zones.find((z) => z.siteId === siteId)!;
      return [
        { siteId, hours: 1, start: localHour(SPAN.from - 24 * HOUR, timeZone), end: localHour(SPAN.to + 24 * HOUR, timeZone) },
        { siteId, hours: 6, start: localHour(SPAN.from + 50 * HOUR, timeZone), end: localHour(SPAN.from + 90 * HOUR, timeZone) },
        { siteId, hours: 6, start: localHour(SPAN.from + 150 * HOUR, timeZone), end: localHour(SPAN.from + 155 * HOUR, timeZone) },
      ];
    });
    const unitKeys = [...units.keys()];
    const byZone = await lookbacks.lookbackCounts(clientId, zones.map((z) => ({ id: z.zoneId, group: unitKeys.indexOf(`${z.siteId}|${z.type}`) })), ranges, [1, 6]);
    const byScope = await lookbacks.scopeLookbackCounts(clientId, ranges, [1, 6]);
    for (const [i, unit] of unitKeys.entries()) {
      for (const n of [1, 6]) expect(byScope.get(unit)?.get(n) ?? emptyCounts()).toEqual(byZone.get(i)!.get(n));
    }
  };

  it('equals the raw rows for random ratings and SLA facts, after late data, and after a rebuild', async () => {
    const slaFacts = sut.app.get(SlaFactsRepository);
    const rebuilder = sut.app.get(RollupsRebuilder);
    await fc.assert(
      fc.asyncProperty(
        fc.array(ratingArb, { minLength: 1, maxLength: 120 }),
        fc.array(slaHourArb, { maxLength: 60 }),
        fc.array(ratingArb, { maxLength: 40 }),
        fc.array(slaHourArb, { maxLength: 20 }),
        fc.subarray(DATES, { minLength: 1 }),
        fc.record({ excludeEvery: fc.integer({ min: 2, max: 7 }), zone: fc.nat(), day: fc.nat(DATES.length - 1) }),
        async (ratings, slaHours, lateRatings, lateSlaHours, dates, late) => {
          await insertRatings(ratings);
          await upsertSlaHours(slaHours);
          await rollups.catchUp();
          await expectRollupsEqualRaw(dates);

          // Late data lands in its own hours: new ratings for past hours, ratings excluded (or let back in) after the
          // fact, a follow-up's reasons, new SLA hours, and a zone-day of SLA facts replaced as the operations job does.
          await insertRatings(lateRatings);
          await sut.dataSource.query(
            `UPDATE ratings SET excluded_reason = CASE WHEN excluded_reason IS NULL THEN 'burst' END
             WHERE client_id = $1 AND abs(hashtext(id::text)) % $2 = 0`,
            [clientId, late.excludeEvery],
          );
          await sut.dataSource.query(`UPDATE ratings SET reasons = '["dirty_floor"]' WHERE client_id = $1 AND abs(hashtext(id::text)) % $2 = 1`, [clientId, late.excludeEvery]);
          await upsertSlaHours(lateSlaHours);
          const zone = zones[late.zone % zones.length];
          const day = DateTime.fromISO(DATES[late.day], { zone: zone.timeZone });
          const hours: HourFacts[] = [3, 9, 23].map((h) => ({ ...emptyHourFacts(day.plus({ hours: h }).toMillis()), visitors: h, serviceMinutes: h + 0.25 }));
          await slaFacts.replaceDay({ clientId, siteId: zone.siteId, zoneId: zone.zoneId }, { start: day.toMillis(), end: day.plus({ days: 1 }).toMillis() }, hours);
          await rollups.catchUp();
          await expectRollupsEqualRaw(dates);

          // A rebuild from the facts gives the same rows, however wrong they were.
          await sut.dataSource.query(`UPDATE rating_rollup_hourly SET rated = rated + 7 WHERE client_id = $1`, [clientId]);
          await sut.dataSource.query(`DELETE FROM rating_rollup_daily WHERE client_id = $1 AND local_date = $2`, [clientId, dates[0]]);
          await sut.dataSource.query(`UPDATE sla_rollup_daily SET visitors = visitors + 1 WHERE client_id = $1`, [clientId]);
          await rebuilder.rebuild({ contract: 'gamma-fm' });
          await expectRollupsEqualRaw(dates);
        },
      ),
      { numRuns: 60 },
    );
  }, 180_000);

  it('counts an excluded rating as excluded, by reason, and in no other figure', async () => {
    const tp = touchpoints.find((t) => t.scale === 'smiley5')!;
    const at = Date.parse('2026-10-28T10:20:00Z');
    const read = async () => {
      await rollups.catchUp();
      // The zone's local hour of `at` (at a half-hour offset, it starts at :30 UTC).
      const hours = await rollups.hourly(clientId, [tp.zoneId], new Date(at - 2 * HOUR), new Date(at + 2 * HOUR));
      const hour = hours.find((h) => h.hour.getTime() <= at && at < h.hour.getTime() + HOUR)!;
      const [day] = await rollups.daily(clientId, [tp.zoneId], ['2026-10-28']);
      return { hour: ratingFiguresOf(hour), day: ratingFiguresOf(day) };
    };
    await insertRatings([{ tp: touchpoints.indexOf(tp), at, score: 0, reasons: ['no_soap'], excluded: null }]);
    const before = await read();
    await insertRatings([
      { tp: touchpoints.indexOf(tp), at: at + 60_000, score: 0, reasons: ['no_soap'], excluded: 'daily_cap' },
      { tp: touchpoints.indexOf(tp), at: at + 120_000, score: 4, reasons: [], excluded: 'burst' },
    ]);
    const after = await read();
    const excludedMore = (f: RatingFigures) => ({ ...f, excluded: { ...f.excluded, daily_cap: (f.excluded.daily_cap ?? 0) + 1, burst: (f.excluded.burst ?? 0) + 1 } });
    expect(after).toEqual({ hour: excludedMore(before.hour), day: excludedMore(before.day) });
  });

  it('rebuilds only the local dates asked for', async () => {
    const rebuilder = sut.app.get(RollupsRebuilder);
    await insertRatings([
      { tp: 0, at: Date.parse('2026-10-30T12:00:00Z'), score: 2, reasons: [], excluded: null },
      { tp: 0, at: Date.parse('2026-10-26T12:00:00Z'), score: 2, reasons: [], excluded: null },
    ]);
    await rollups.catchUp();
    await sut.dataSource.query(`UPDATE rating_rollup_daily SET rated = rated + 100 WHERE client_id = $1`, [clientId]);
    await rebuilder.rebuild({ contract: 'gamma-fm', from: '2026-10-29', to: '2026-10-31' });
    const rows = await sut.dataSource.query<Array<{ inside: boolean; equal: boolean }>>(
      `SELECT d.local_date BETWEEN '2026-10-29' AND '2026-10-31' AS inside, bool_and(d.rated = (SELECT sum(h.rated) FROM rating_rollup_hourly h
         WHERE h.client_id = d.client_id AND h.zone_id = d.zone_id AND h.local_date = d.local_date)) AS equal
       FROM rating_rollup_daily d WHERE d.client_id = $1 GROUP BY 1 ORDER BY 1`,
      [clientId],
    );
    expect(rows).toEqual([
      { inside: false, equal: false },
      { inside: true, equal: true },
    ]);
    await rebuilder.rebuild({ contract: 'gamma-fm' });
  });

  it('takes marked zone-days in the order they were first marked: a zone-day rated again keeps its place', async () => {
    await rollups.catchUp();
    const repository = sut.app.get(RollupsRepository);
    const [a, b] = [touchpoints[0], touchpoints.find((t) => t.zoneId !== touchpoints[0].zoneId)!];
    const rate = (tp: Touchpoint, at: string) =>
      insertRatings([{ tp: touchpoints.indexOf(tp), at: Date.parse(at), score: 3, reasons: [], excluded: null }]);
    await rate(a, '2026-10-27T10:00:00Z');
    await rate(b, '2026-10-27T10:00:00Z');
    // A's day again, after B's: a queue by the latest mark would put it behind B, and a zone rated all day long would wait for ever.
    await rate(a, '2026-10-27T10:05:00Z');
    // The service's own jobs may mark today's zone-days meanwhile (the SLA facts of the minute): only the day rated here is looked at.
    const marked = async (limit: number) => (await repository.dirtyDays(limit)).filter((d) => d.localDate === '2026-10-27');
    expect((await marked(10)).map((d) => d.zoneId)).toEqual([a.zoneId, b.zoneId]);
    // Forgotten only where no later mark came: A, marked again after it was read, stays for the next run.
    const [first] = await marked(10);
    await rate(a, '2026-10-27T10:10:00Z');
    await repository.recomputeDays([first]);
    expect((await marked(10)).map((d) => d.zoneId)).toEqual([a.zoneId, b.zoneId]);
    await rollups.catchUp();
    expect(await marked(10)).toEqual([]);
  });

  it('has a rating posted through the API in the rollups by the next run of the leader job, a kiosk repeat as excluded', async () => {
    const qr = await sut.tokenOf('gamma-sto-restroom-qr');
    const kiosk = await sut.tokenOf('gamma-sto-entrance-kiosk');
    const now = Date.now();
    const post = (body: object, source: string) => request(sut.http).post('/api/v1/ratings').set('X-Forwarded-For', source).send(body).expect(201);
    await post({ token: qr, score: 1, reasons: ['no_soap'], id: randomUUID(), ts: new Date(now - 5_000).toISOString() }, '198.51.100.7');
    await post({ token: kiosk, score: 4, id: randomUUID(), ts: new Date(now - 4_000).toISOString() }, '198.51.100.8');
    await post({ token: kiosk, score: 4, id: randomUUID(), ts: new Date(now - 3_500).toISOString() }, '198.51.100.8');
    const zonesOf = await sut.dataSource.query<Array<{ key: string; zone_id: string }>>(`SELECT key, zone_id FROM touchpoints WHERE key IN ('gamma-sto-restroom-qr', 'gamma-sto-entrance-kiosk') ORDER BY key`);
    const local = DateTime.fromMillis(now, { zone: 'Europe/Stockholm' });
    const dates = [local.minus({ days: 1 }).toISODate()!, local.toISODate()!];
    const rated = (t: RollupCounts | undefined) => (t ? t.counts.rated + (t.counts.excluded.kiosk_repeat ?? 0) : 0);
    // No catch-up here: the scheduled leader job (every 15 s) must do it. SLA facts of today may be there already.
    const totals = await pollUntil(
      async () => {
        const t = await rollups.dailyTotals(clientId, zonesOf.map((z) => z.zone_id), dates);
        return rated(t.get(zonesOf[0].zone_id)) >= 2 && rated(t.get(zonesOf[1].zone_id)) >= 1 && t;
      },
      45_000,
      250,
    );
    const [entranceZone, restroomZone] = zonesOf.map((z) => ratingFiguresOf(totals.get(z.zone_id)!));
    expect(restroomZone).toEqual({ rated: 1, positive: 0, neutral: 0, negative: 1, happyThirds: 0, excluded: {}, reasons: { no_soap: 1 } });
    expect(entranceZone).toEqual({ rated: 1, positive: 1, neutral: 0, negative: 0, happyThirds: 300, excluded: { kiosk_repeat: 1 }, reasons: {} });
  });

  it("reads a site's burn-rate lookbacks from the indexes alone, both families, after a rebuild", async () => {
    const site = zones[0].siteId;
    const ofSite = zones.filter((z) => z.siteId === site);
    await insertRatings(Array.from({ length: 30 }, (_, i) => ({ tp: i, score: i, reasons: [], at: SPAN.from + i * 3 * HOUR, excluded: null })));
    const facts = { tasksDue: 1, tasksOnTime: 1, visitorsWhileOut: 0, incidentsOpened: 0, serviceMinutes: 60, outMinutes: 0, occupiedMinutes: 30, comfortableMinutes: 30, deviceOnlineMinutes: 60, deviceExpectedMinutes: 60, inspectionScoreSum: 0 };
    await upsertSlaHours(Array.from({ length: 10 }, (_, i) => ({ ...facts, zone: i, hour: i * 5, visitors: i + 1 })));
    // The rebuild vacuums the hourly rating rows (an index-only scan reads the heap of pages not all-visible).
    await sut.app.get(RollupsRebuilder).rebuild({ contract: 'gamma-fm' });
    await sut.dataSource.query('VACUUM sla_facts_hourly');
    // The statement the repository runs for one site's lookbacks, as it runs it.
    const query = jest.spyOn(sut.dataSource, 'query');
    const ranges = [1, 6].map((hours) => ({ siteId: site, hours, start: SPAN.from, end: SPAN.from + 100 * HOUR }));
    await sut.app.get(LookbacksRepository).lookbackCounts(clientId, ofSite.map((z, group) => ({ id: z.zoneId, group })), ranges, [1, 6]);
    const [sql, params] = query.mock.calls.at(-1)!;
    query.mockRestore();
    // Scans of whole tables aside (tiny here, the cheapest read), as on a contract's millions of rows.
    const plan = await sut.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      await manager.query('SET LOCAL enable_bitmapscan = off');
      return (await manager.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Only Scan using rating_rollup_hourly_pkey on rating_rollup_hourly/);
    expect(plan).toMatch(/Index Only Scan using sla_facts_hourly_site_hour on sla_facts_hourly/);
    expect(plan).not.toMatch(/(?<!Only )Index Scan/);
  });
});

/** snake_case keys, as the SQL columns are named. */
function snake(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

function sorted<V>(map: Map<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function dropZeros(map: Map<string, Record<string, number>>): Map<string, Record<string, number>> {
  return new Map([...map].filter(([, v]) => Object.values(v).some((n) => n !== 0)));
}

function emptyFigures(): RatingFigures {
  return { rated: 0, positive: 0, neutral: 0, negative: 0, happyThirds: 0, excluded: {}, reasons: {} };
}

function sumFigures(all: readonly RatingFigures[]): RatingFigures {
  const sum = emptyFigures();
  for (const f of all) {
    sum.rated += f.rated;
    sum.positive += f.positive;
    sum.neutral += f.neutral;
    sum.negative += f.negative;
    sum.happyThirds += f.happyThirds;
    for (const [k, n] of Object.entries(f.excluded)) sum.excluded[k] = (sum.excluded[k] ?? 0) + n;
    for (const [k, n] of Object.entries(f.reasons)) sum.reasons[k] = (sum.reasons[k] ?? 0) + n;
  }
  return sum;
}

function zeroSla(): Record<string, number> {
  return Object.fromEntries(SLA_FIELDS.map((field) => [field, 0]));
}

function sumSla(all: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum = zeroSla();
  for (const day of all) for (const field of SLA_FIELDS) sum[field] += day[field];
  return sum;
}

function emptyHourFacts(hour: number): HourFacts {
  return {
    hour,
    tasksDue: 0,
    tasksOnTime: 0,
    tasksLate: 0,
    tasksMissed: 0,
    incidentsOpened: 0,
    incidentsRespondedInTime: 0,
    incidentsResolvedInTime: 0,
    visitors: 0,
    visitorsWhileOut: 0,
    serviceMinutes: 0,
    outMinutes: 0,
    inspections: 0,
    inspectionsScored: 0,
    inspectionScoreSum: 0,
    inspectionsPassed: 0,
    occupiedMinutes: 0,
    comfortableMinutes: 0,
    deviceOnlineMinutes: 0,
    deviceExpectedMinutes: 0,
  };
}

import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DEFAULT_COMFORT, type ServiceHours } from '../catalog/catalog.types';
import { incidentTimings } from './incident-policy';
import { serviceSpans } from './service-time';
import { deriveTasks } from './task-derivation';
import type { Consumable } from './service-event';
import { localHourStart, outIntervals, overdueIntervals, zoneDayFacts, zoneDayIntervals, type HourFacts, type KindInterval, type LevelSignal } from './zone-day-facts';
import { lengthWithin, merge, type ClimateSignal, type Interval } from './zone-intervals';

const TZ = 'Europe/Stockholm';
const span: [string, string] = ['07:00', '19:00'];
const OPEN: ServiceHours = { mon: [span], tue: [span], wed: [span], thu: [span], fri: [span], sat: [span], sun: [span] };

/**
 * A scripted restroom day: 40 visitors by 09:00 and a clean at 09:20; 40 more by 11:00 and a late
 * clean at 12:10; the soap runs out at 10:30 (8 %), a reading of 12 % at 11:00 is no refill, an
 * occupant reports it at 10:40, staff acknowledge at 10:50, and the refill at 12:10 puts it right;
 * an inspection scores 80 at 14:00; nobody cleans after 12:10, so the four-hour fallback is missed.
 * Comfort and uptime: the counter (every 15 min) is heard all day; the air sensor (every 10 min, so
 * a reading holds 30 min) reads CO2 and temperature at 07:20, 07:40 (CO2 1,100), 09:00 (25 °C),
 * 10:00, 11:10 (CO2 only) and 11:30 (19.5 °C only), silent in between and after; the soap dispenser
 * (hourly, so online 3 h after a reading) is heard at 10:30 and 11:00 only.
 */
function scriptedDay(date: string) {
  const t = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: TZ }).toMillis();
  const spans = serviceSpans(date, OPEN, [], TZ);
  const air: Array<[string, number | null, number | null]> = [
    ['07:20', 800, 21],
    ['07:40', 1100, 21],
    ['09:00', 900, 25],
    ['10:00', 700, 22],
    ['11:10', 650, null],
    ['11:30', null, 19.5],
  ];
  const visits = [
    { at: t('07:30'), count: 10 },
    { at: t('08:00'), count: 10 },
    { at: t('08:30'), count: 10 },
    { at: t('09:00'), count: 10 },
    { at: t('10:00'), count: 20 },
    { at: t('11:00'), count: 20 },
    { at: t('11:30'), count: 15 },
  ];
  const checkins = [t('09:20'), t('12:10')];
  const tasks = deriveTasks({ plan: { usage: { visits: 40, maxIntervalS: 4 * 3600, respondWithinS: 1800 } }, date, timeZone: TZ, spans, visits, checkins, now: t('23:00') });
  const incident = incidentTimings(
    { openedAt: t('10:40'), acknowledgedAt: t('10:50'), resolvedAt: t('12:10'), respondTargetS: 30 * 60, resolveTargetS: 60 * 60 },
    { serviceHours: OPEN, holidays: [], timeZone: TZ },
  );
  const day = { start: t('00:00'), end: DateTime.fromISO(date, { zone: TZ }).plus({ days: 1 }).toMillis() };
  const input = {
    day,
    timeZone: TZ,
    spans,
    tasks,
    scheduleGraceS: 0,
    incidents: [{ openedAt: t('10:40'), ...incident }],
    visits,
    levels: [
      {
        signal: 'soap_level' as const,
        readings: [
          { at: t('06:00') - 86_400_000, value: 60 }, // yesterday's last reading
          { at: t('10:30'), value: 8 },
          { at: t('11:00'), value: 12 },
        ],
      },
    ],
    refills: [{ at: t('12:10'), consumable: 'soap' as const }],
    inspections: [{ at: t('14:00'), score: 80, passed: null }],
    peopleCounted: true,
    comfort: DEFAULT_COMFORT,
    climate: [
      { signal: 'co2' as const, at: t('18:00') - 86_400_000, value: 500, intervalS: 600 }, // yesterday's, long expired
      ...air.flatMap(([hhmm, co2, temperature]) => [
        ...(co2 === null ? [] : [{ signal: 'co2' as const, at: t(hhmm), value: co2, intervalS: 600 }]),
        ...(temperature === null ? [] : [{ signal: 'temperature' as const, at: t(hhmm), value: temperature, intervalS: 600 }]),
      ]),
    ],
    devices: [
      { intervalS: 900, heard: Array.from({ length: 49 }, (_, i) => t('06:45') + i * 15 * 60_000).map((at) => ({ first: at, last: at })) },
      { intervalS: 600, heard: air.map(([hhmm]) => ({ first: t(hhmm), last: t(hhmm) })) },
      { intervalS: 3600, heard: [t('06:00') - 86_400_000, t('10:30'), t('11:00')].map((at) => ({ first: at, last: at })) },
    ],
  };
  return { t, input, facts: zoneDayFacts(input), intervals: zoneDayIntervals(input), incident };
}

const sum = (facts: HourFacts[], field: keyof HourFacts) => facts.reduce((n, h) => n + (h[field]), 0);

describe('SLA facts of a scripted restroom day in Europe/Stockholm', () => {
  it.each(['2026-03-29', '2026-10-25'])('on %s (a DST change) come out exactly', (date) => {
    const { t, facts, incident } = scriptedDay(date);
    expect(incident).toEqual({ responseS: 600, resolutionS: 5400, respondedInTime: true, resolvedInTime: false });
    const totals = Object.fromEntries(
      (
        [
          ...['tasksDue', 'tasksOnTime', 'tasksLate', 'tasksMissed', 'incidentsOpened', 'incidentsRespondedInTime', 'incidentsResolvedInTime'],
          ...['visitors', 'visitorsWhileOut', 'serviceMinutes', 'outMinutes', 'inspections', 'inspectionScoreSum'],
          ...['occupiedMinutes', 'comfortableMinutes', 'deviceOnlineMinutes', 'deviceExpectedMinutes'],
        ] as const
      ).map((f) => [f, sum(facts, f)]),
    );
    expect(totals).toEqual({
      tasksDue: 3,
      tasksOnTime: 1,
      tasksLate: 1,
      tasksMissed: 1,
      incidentsOpened: 1,
      incidentsRespondedInTime: 1,
      incidentsResolvedInTime: 0,
      visitors: 95,
      visitorsWhileOut: 35,
      serviceMinutes: 720,
      outMinutes: 100,
      inspections: 1,
      inspectionScoreSum: 80,
      // Occupied (15 min after each count) with comfort known: 07:30-07:45, 08:00-08:10 (the 07:40
      // readings expire), not 08:30-08:45 (silent), 09:00-09:15, 10:00-10:15, 11:10-11:15, 11:30-11:45.
      occupiedMinutes: 75,
      // Of those: 07:30-07:40 (CO2 1,100 from 07:40), 10:00-10:15, 11:10-11:15 (19.5 °C from 11:30).
      comfortableMinutes: 30,
      // Counter 720; air sensor 07:20-08:10, 09:00-09:30, 10:00-10:30, 11:10-12:00 = 160; dispenser 10:30-14:00 = 210.
      deviceOnlineMinutes: 1090,
      deviceExpectedMinutes: 3 * 720,
    });
    // The 11:00 hour, local time, whatever its UTC offset that day.
    expect(facts.find((h) => h.hour === t('11:00'))).toMatchObject({ tasksDue: 1, tasksLate: 1, visitors: 35, visitorsWhileOut: 35, serviceMinutes: 60, outMinutes: 60 });
    expect(facts.find((h) => h.hour === t('10:00'))).toMatchObject({ incidentsOpened: 1, visitors: 20, visitorsWhileOut: 0, outMinutes: 30 });
    expect(facts.find((h) => h.hour === t('12:00'))).toMatchObject({ outMinutes: 10 });
    expect(facts.find((h) => h.hour === t('16:00'))).toMatchObject({ tasksDue: 1, tasksMissed: 1 });
    expect(facts.find((h) => h.hour === t('07:00'))).toMatchObject({ occupiedMinutes: 15, comfortableMinutes: 10, deviceOnlineMinutes: 100, deviceExpectedMinutes: 180 });
    expect(facts.find((h) => h.hour === t('08:00'))).toMatchObject({ occupiedMinutes: 10, comfortableMinutes: 0, deviceOnlineMinutes: 70 });
    expect(facts.find((h) => h.hour === t('11:00'))).toMatchObject({ occupiedMinutes: 20, comfortableMinutes: 5, deviceOnlineMinutes: 170 });
    expect(facts.find((h) => h.hour === t('15:00'))).toMatchObject({ occupiedMinutes: 0, comfortableMinutes: 0, deviceOnlineMinutes: 60, deviceExpectedMinutes: 180 });
    // Every hour's facts are within its own hour: the day's rows are 12 service hours.
    expect(facts.map((h) => h.hour)).toEqual(Array.from({ length: 12 }, (_, i) => t(`${String(7 + i).padStart(2, '0')}:00`)));
  });

  it.each(['2026-03-29', '2026-10-25'])('on %s records exactly these intervals, their minutes and visitors agreeing with the hours', (date) => {
    const { facts, intervals } = scriptedDay(date);
    const local = (ms: number) => DateTime.fromMillis(ms, { zone: TZ }).toFormat('HH:mm');
    expect(intervals.map((i) => [i.kind, local(i.start), local(i.end), i.visitors])).toEqual([
      // CO2 1,100 from 07:40, held 30 minutes; occupied 07:30-07:45 and 08:00-08:15, comfort unknown after 08:10.
      ['co2_high', '07:40', '08:10', 10],
      ['uncomfortable', '07:40', '07:45', 0],
      ['uncomfortable', '08:00', '08:10', 10],
      ['temperature_out', '09:00', '09:30', 10],
      ['uncomfortable', '09:00', '09:15', 10],
      // From the 8 % reading to the refill; 12 % at 11:00 is still out.
      ['soap_out', '10:30', '12:10', 35],
      ['temperature_out', '11:30', '12:00', 15],
      ['uncomfortable', '11:30', '11:45', 15],
      // The usage task due at 11:30 (40 visitors by 11:00, 30 minutes to respond), cleaned at 12:10.
      ['clean_overdue', '11:30', '12:10', 15],
      // The four-hour fallback from 12:10, due 16:40 and missed: overdue until the close.
      ['clean_overdue', '16:40', '19:00', 0],
    ]);
    const minutes = (kind: KindInterval['kind']) => intervals.filter((i) => i.kind === kind).reduce((n, i) => n + (i.end - i.start) / 60_000, 0);
    expect(minutes('uncomfortable')).toBe(sum(facts, 'occupiedMinutes') - sum(facts, 'comfortableMinutes'));
    const out = merge(intervals.filter((i) => ['soap_out', 'paper_out', 'bin_full'].includes(i.kind)));
    expect(out).toEqual(outIntervals(scriptedDay(date).input));
    expect(intervals.filter((i) => i.kind === 'soap_out').reduce((n, i) => n + i.visitors, 0)).toBe(sum(facts, 'visitorsWhileOut'));
    expect(minutes('soap_out')).toBe(sum(facts, 'outMinutes'));
  });

  it('merges out intervals per kind, so the visitors of the merged ones are visitorsWhileOut, with a dispenser and a bin out at once', () => {
    const { t, input } = scriptedDay('2026-03-29');
    const both = { ...input, levels: [...input.levels, { signal: 'bin_fill' as const, readings: [{ at: t('11:20'), value: 95 }, { at: t('13:00'), value: 40 }] }] };
    const intervals = zoneDayIntervals(both);
    expect(intervals.filter((i) => i.kind === 'bin_full').map((i) => [i.start, i.end, i.visitors])).toEqual([[t('11:20'), t('13:00'), 15]]);
    const out = merge(intervals.filter((i) => i.kind === 'soap_out' || i.kind === 'bin_full'));
    expect(out).toEqual([{ start: t('10:30'), end: t('13:00') }]);
    const visitsIn = (i: { start: number; end: number }) => input.visits.filter((v) => v.at >= i.start && v.at < i.end).reduce((n, v) => n + v.count, 0);
    expect(out.reduce((n, i) => n + visitsIn(i), 0)).toBe(sum(zoneDayFacts(both), 'visitorsWhileOut'));
    expect(sum(zoneDayFacts(both), 'visitorsWhileOut')).toBe(35);
  });

  it('agrees with the hours on any facts: uncomfortable minutes, out minutes and the visitors while out', () => {
    const { t, input } = scriptedDay('2026-10-25');
    // Five-minute steps, so that facts often fall on the same instant (a visit at an interval's end, say).
    const minute = fc.integer({ min: -12, max: 25 * 12 }).map((m) => t('00:00') + m * 5 * 60_000);
    const visit = fc.record({ at: minute, count: fc.integer({ min: 0, max: 5 }) });
    const level = fc.record({ signal: fc.constantFrom<LevelSignal>('soap_level', 'paper_level', 'bin_fill'), at: minute, value: fc.integer({ min: 0, max: 100 }) });
    const refill = fc.record({ at: minute, consumable: fc.constantFrom<Consumable>('soap', 'paper', 'bin') });
    const climate = fc.record({
      signal: fc.constantFrom<ClimateSignal>('co2', 'temperature'),
      at: minute,
      value: fc.oneof(fc.integer({ min: 400, max: 1400 }), fc.integer({ min: 16, max: 28 })),
      intervalS: fc.constantFrom(300, 600, 900),
    });
    const service = merge(input.spans);
    const serviceMinutes = (list: readonly Interval[]) => service.reduce((n, slot) => n + lengthWithin(list, slot), 0) / 60_000;
    fc.assert(
      fc.property(fc.array(visit, { maxLength: 30 }), fc.array(level, { maxLength: 12 }), fc.array(refill, { maxLength: 4 }), fc.array(climate, { maxLength: 20 }), (visits, readings, refills, air) => {
        const levels = (['soap_level', 'paper_level', 'bin_fill'] as const).map((signal) => ({ signal, readings: readings.filter((r) => r.signal === signal).sort((a, b) => a.at - b.at) }));
        const random = { ...input, visits, levels, refills, climate: air };
        const [facts, intervals] = [zoneDayFacts(random), zoneDayIntervals(random)];
        const visitsIn = (i: Interval) => visits.filter((v) => v.at >= i.start && v.at < i.end).reduce((n, v) => n + v.count, 0);
        const out = merge(intervals.filter((i) => ['soap_out', 'paper_out', 'bin_full'].includes(i.kind)));
        // Uncomfortable minutes are service minutes already; out ones run whole day long.
        expect(intervals.filter((i) => i.kind === 'uncomfortable').reduce((n, i) => n + (i.end - i.start) / 60_000, 0)).toBe(sum(facts, 'occupiedMinutes') - sum(facts, 'comfortableMinutes'));
        expect(serviceMinutes(out)).toBe(sum(facts, 'outMinutes'));
        expect(out.reduce((n, i) => n + visitsIn(i), 0)).toBe(sum(facts, 'visitorsWhileOut'));
        expect(intervals.filter((i) => i.visitors !== visitsIn(i) || i.start < input.day.start || i.end > input.day.end || i.end <= i.start)).toEqual([]);
      }),
    );
  });

  it('gives the same facts from the same facts in any order (a recomputation of the day)', () => {
    const { input, facts } = scriptedDay('2026-03-29');
    expect(zoneDayFacts({ ...input, visits: [...input.visits].reverse(), refills: [...input.refills], climate: [...input.climate].reverse() })).toEqual(facts);
  });

  it('counts every service minute as occupied in a zone that counts nobody, so comfort is known whenever a reading is valid', () => {
    const { input, facts } = scriptedDay('2026-03-29');
    const uncounted = zoneDayFacts({ ...input, peopleCounted: false, visits: [] });
    // Known 07:20-08:10, 09:00-09:30, 10:00-10:30, 11:10-12:00; comfortable 07:20-07:40, 10:00-10:30, 11:10-11:30.
    expect([sum(uncounted, 'occupiedMinutes'), sum(uncounted, 'comfortableMinutes')]).toEqual([160, 70]);
    expect(sum(uncounted, 'deviceOnlineMinutes')).toBe(sum(facts, 'deviceOnlineMinutes'));
  });

  it('applies the contract\'s comfort thresholds', () => {
    const { input } = scriptedDay('2026-03-29');
    const lenient = zoneDayFacts({ ...input, comfort: { co2Max: 1200, temperature: [19, 25] } });
    expect([sum(lenient, 'occupiedMinutes'), sum(lenient, 'comfortableMinutes')]).toEqual([75, 75]);
  });

  it('gives 0/0 comfort to a zone without comfort sensors, and no device minutes to a zone without devices', () => {
    const { input } = scriptedDay('2026-03-29');
    const bare = zoneDayFacts({ ...input, climate: [], devices: [] });
    expect(['occupiedMinutes', 'comfortableMinutes', 'deviceOnlineMinutes', 'deviceExpectedMinutes'].map((f) => sum(bare, f as keyof HourFacts))).toEqual([0, 0, 0, 0]);
  });
});

describe('device minutes of a zone open around the clock on a DST change', () => {
  const ALWAYS: ServiceHours = { mon: [['00:00', '24:00']], tue: [['00:00', '24:00']], wed: [['00:00', '24:00']], thu: [['00:00', '24:00']], fri: [['00:00', '24:00']], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] };
  it.each([
    ['2026-03-29', 23, 90],
    ['2026-10-25', 25, 210],
  ])('on %s expect %i hours of each device, and count the one silent from 01:30 to 04:00 local offline for %i minutes', (date, hours, offline) => {
    const t = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: TZ }).toMillis();
    const day = { start: t('00:00'), end: DateTime.fromISO(date, { zone: TZ }).plus({ days: 1 }).toMillis() };
    const every5 = (from: number, to: number) => Array.from({ length: Math.ceil((to - from) / 300_000) }, (_, i) => from + i * 300_000).map((at) => ({ first: at, last: at }));
    const facts = zoneDayFacts({
      day,
      timeZone: TZ,
      spans: serviceSpans(date, ALWAYS, [], TZ),
      tasks: [],
      scheduleGraceS: 0,
      incidents: [],
      visits: [],
      levels: [],
      refills: [],
      inspections: [],
      peopleCounted: false,
      comfort: DEFAULT_COMFORT,
      climate: [],
      devices: [
        { intervalS: 300, heard: every5(day.start - 600_000, day.end) },
        // Heard until 01:15 local, then again from 04:00: offline from 01:30 (three intervals on), as long as the clocks say, less an hour in March, more in October.
        { intervalS: 300, heard: [...every5(day.start, t('01:20')), ...every5(t('04:00'), day.end)] },
      ],
    });
    expect(sum(facts, 'deviceExpectedMinutes')).toBe(2 * hours * 60);
    expect(sum(facts, 'deviceOnlineMinutes')).toBe(2 * hours * 60 - offline);
    expect(facts).toHaveLength(hours);
  });
});

describe('SLA facts in Asia/Kolkata (UTC+05:30)', () => {
  const KOLKATA = 'Asia/Kolkata';
  const date = '2026-10-25';
  const t = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: KOLKATA }).toMillis();
  const day = { start: t('00:00'), end: DateTime.fromISO(date, { zone: KOLKATA }).plus({ days: 1 }).toMillis() };
  const facts = zoneDayFacts({
    day,
    timeZone: KOLKATA,
    spans: serviceSpans(date, { ...OPEN }, [], KOLKATA),
    tasks: [],
    scheduleGraceS: 0,
    incidents: [{ openedAt: t('00:10'), respondedInTime: true, resolvedInTime: true }],
    visits: [
      { at: t('07:45'), count: 4 },
      { at: t('23:50'), count: 2 },
    ],
    levels: [],
    refills: [],
    inspections: [],
    peopleCounted: true,
    comfort: DEFAULT_COMFORT,
    climate: [],
    devices: [],
  });

  it('keeps facts per local hour, starting at :30 UTC, and every row within the local day', () => {
    expect(facts.every((h) => new Date(h.hour).getUTCMinutes() === 30)).toBe(true);
    expect(facts.every((h) => h.hour >= day.start && h.hour < day.end)).toBe(true);
    expect(facts.find((h) => h.hour === t('00:00'))).toMatchObject({ incidentsOpened: 1 });
    expect(facts.find((h) => h.hour === t('07:00'))).toMatchObject({ visitors: 4, serviceMinutes: 60 });
    expect(facts.find((h) => h.hour === t('23:00'))).toMatchObject({ visitors: 2, serviceMinutes: 0 });
    expect(sum(facts, 'serviceMinutes')).toBe(720);
  });

  it('starts the local hour at :30 UTC there, and at the UTC hour in Stockholm on either side of a DST change', () => {
    expect(new Date(localHourStart(Date.parse('2026-10-25T18:29:59Z'), KOLKATA)).toISOString()).toBe('2026-10-25T17:30:00.000Z');
    expect(new Date(localHourStart(Date.parse('2026-10-25T18:30:00Z'), KOLKATA)).toISOString()).toBe('2026-10-25T18:30:00.000Z');
    expect(new Date(localHourStart(Date.parse('2026-10-25T00:59:00Z'), TZ)).toISOString()).toBe('2026-10-25T00:00:00.000Z');
    expect(new Date(localHourStart(Date.parse('2026-10-25T01:00:00Z'), TZ)).toISOString()).toBe('2026-10-25T01:00:00.000Z');
  });
});

describe(overdueIntervals.name, () => {
  const day = { start: 0, end: 1000 };
  const task = (origin: 'schedule' | 'usage', dueAt: number, doneAt: number | null, windowEnd: number) =>
    ({ origin, triggeredAt: dueAt, dueAt, windowStart: dueAt - 30, windowEnd, doneAt, status: 'due' as const });
  it('runs from a scheduled round\'s due time plus the grace, or a usage task\'s due time, to its check-in or the end of its window', () => {
    const tasks = [task('schedule', 100, 120, 300), task('schedule', 300, 400, 500), task('usage', 600, null, 700), task('usage', 900, null, 1200)];
    expect(overdueIntervals({ day, tasks, scheduleGraceS: 0.03 })).toEqual([{ start: 330, end: 400 }, { start: 600, end: 700 }, { start: 900, end: 1000 }]);
  });
});

describe(outIntervals.name, () => {
  const day = { start: 0, end: 100 };
  it('runs from the reading that shows a dispenser empty to the one that shows it refilled, the margin keeping it out in between', () => {
    expect(outIntervals({ day, refills: [], levels: [{ signal: 'soap_level', readings: [{ at: 10, value: 5 }, { at: 20, value: 15 }, { at: 30, value: 40 }] }] })).toEqual([{ start: 10, end: 30 }]);
  });
  it('merges two devices out at once, ends at a refill of that consumable only, and clips to the day', () => {
    expect(
      outIntervals({
        day,
        refills: [{ at: 50, consumable: 'paper' }, { at: 60, consumable: 'soap' }],
        levels: [
          { signal: 'soap_level', readings: [{ at: -20, value: 3 }] },
          { signal: 'bin_fill', readings: [{ at: 40, value: 95 }, { at: 70, value: 70 }] },
        ],
      }),
    ).toEqual([{ start: 0, end: 70 }]);
  });
});

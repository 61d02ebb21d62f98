import { DateTime } from 'luxon';
import type { ServiceHours } from '../catalog/catalog.types';
import { incidentTimings } from './incident-policy';
import { serviceSpans } from './service-time';
import { deriveTasks } from './task-derivation';
import { outIntervals, zoneDayFacts, type HourFacts } from './zone-day-facts';

const TZ = 'Europe/Stockholm';
const span: [string, string] = ['07:00', '19:00'];
const OPEN: ServiceHours = { mon: [span], tue: [span], wed: [span], thu: [span], fri: [span], sat: [span], sun: [span] };

/**
 * A scripted restroom day: 40 visitors by 09:00 and a clean at 09:20; 40 more by 11:00 and a late
 * clean at 12:10; the soap runs out at 10:30 (8 %), a reading of 12 % at 11:00 is no refill, an
 * occupant reports it at 10:40, staff acknowledge at 10:50, and the refill at 12:10 puts it right;
 * an inspection scores 80 at 14:00; nobody cleans after 12:10, so the four-hour fallback is missed.
 */
function scriptedDay(date: string) {
  const t = (hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: TZ }).toMillis();
  const spans = serviceSpans(date, OPEN, [], TZ);
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
    spans,
    tasks,
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
  };
  return { t, input, facts: zoneDayFacts(input), incident };
}

const sum = (facts: HourFacts[], field: keyof HourFacts) => facts.reduce((n, h) => n + (h[field]), 0);

describe('SLA facts of a scripted restroom day in Europe/Stockholm', () => {
  it.each(['2026-03-29', '2026-10-25'])('on %s (a DST change) come out exactly', (date) => {
    const { t, facts, incident } = scriptedDay(date);
    expect(incident).toEqual({ responseS: 600, resolutionS: 5400, respondedInTime: true, resolvedInTime: false });
    const totals = Object.fromEntries(
      (['tasksDue', 'tasksOnTime', 'tasksLate', 'tasksMissed', 'incidentsOpened', 'incidentsRespondedInTime', 'incidentsResolvedInTime', 'visitors', 'visitorsWhileOut', 'serviceMinutes', 'outMinutes', 'inspections', 'inspectionScoreSum'] as const).map((f) => [f, sum(facts, f)]),
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
    });
    // The 11:00 hour, local time, whatever its UTC offset that day.
    expect(facts.find((h) => h.hour === t('11:00'))).toMatchObject({ tasksDue: 1, tasksLate: 1, visitors: 35, visitorsWhileOut: 35, serviceMinutes: 60, outMinutes: 60 });
    expect(facts.find((h) => h.hour === t('10:00'))).toMatchObject({ incidentsOpened: 1, visitors: 20, visitorsWhileOut: 0, outMinutes: 30 });
    expect(facts.find((h) => h.hour === t('12:00'))).toMatchObject({ outMinutes: 10 });
    expect(facts.find((h) => h.hour === t('16:00'))).toMatchObject({ tasksDue: 1, tasksMissed: 1 });
    // Every hour's facts are within its own hour: the day's rows are 12 service hours.
    expect(facts.map((h) => h.hour)).toEqual(Array.from({ length: 12 }, (_, i) => t(`${String(7 + i).padStart(2, '0')}:00`)));
  });

  it('gives the same facts from the same facts in any order (a recomputation of the day)', () => {
    const { input, facts } = scriptedDay('2026-03-29');
    expect(zoneDayFacts({ ...input, visits: [...input.visits].reverse(), refills: [...input.refills] })).toEqual(facts);
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

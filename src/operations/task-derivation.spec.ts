import type { CleaningPlan, ServiceHours } from '../catalog/catalog.types';
import { serviceSpans, serviceTimeBetween } from './service-time';
import { deriveTasks, type DerivedTask } from './task-derivation';

const TZ = 'Europe/Stockholm';
const everyDay = (span: [string, string]): ServiceHours => ({ mon: [span], tue: [span], wed: [span], thu: [span], fri: [span], sat: [span], sun: [span] });
const OPEN_7_19 = everyDay(['07:00', '19:00']);
const at = (iso: string) => Date.parse(iso);
const shape = (tasks: DerivedTask[]) =>
  tasks.map((t) => ({ origin: t.origin, triggeredAt: new Date(t.triggeredAt).toISOString(), dueAt: new Date(t.dueAt).toISOString(), doneAt: t.doneAt === null ? null : new Date(t.doneAt).toISOString(), status: t.status }));
const iso = (s: string) => new Date(s).toISOString();

describe('service time across the DST changes in Europe/Stockholm', () => {
  it('puts 07:00-19:00 at 05:00-17:00Z in summer time and 06:00-18:00Z in winter time, on the change days themselves', () => {
    expect(serviceSpans('2026-03-29', OPEN_7_19, [], TZ)).toEqual([{ start: at('2026-03-29T05:00:00Z'), end: at('2026-03-29T17:00:00Z') }]);
    expect(serviceSpans('2026-10-25', OPEN_7_19, [], TZ)).toEqual([{ start: at('2026-10-25T06:00:00Z'), end: at('2026-10-25T18:00:00Z') }]);
  });

  it('makes a round-the-clock day 23 hours long in March and 25 in October', () => {
    const allDay = everyDay(['00:00', '24:00']);
    const hours = (date: string) => {
      const spans = serviceSpans(date, allDay, [], TZ);
      return serviceTimeBetween(spans, 0, Number.MAX_SAFE_INTEGER) / 3_600_000;
    };
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
    expect(hours('2026-03-30')).toBe(24);
  });

  it('has no service on a holiday or a closed day', () => {
    expect(serviceSpans('2026-12-24', OPEN_7_19, ['2026-12-24'], TZ)).toEqual([]);
    expect(serviceSpans('2026-03-29', { ...OPEN_7_19, sun: [] }, [], TZ)).toEqual([]);
  });
});

describe(deriveTasks.name, () => {
  const restroom: CleaningPlan = { usage: { visits: 40, maxIntervalS: 4 * 3600, respondWithinS: 30 * 60 } };

  // One scripted restroom day, in local time: 40 visitors by 09:00, a clean at 09:20; 40 more by 11:00 and a late clean at
  // 12:10; then nobody, so the four-hour fallback falls due at 16:10 and nobody comes before the close.
  const scriptedDay = (date: string, offset: string) => {
    const local = (hhmm: string) => at(`${date}T${hhmm}:00${offset}`);
    return {
      local,
      day: {
        plan: restroom,
        date,
        timeZone: TZ,
        spans: serviceSpans(date, OPEN_7_19, [], TZ),
        visits: [
          { at: local('07:30'), count: 10 },
          { at: local('08:00'), count: 10 },
          { at: local('08:30'), count: 10 },
          { at: local('09:00'), count: 10 },
          { at: local('10:00'), count: 20 },
          { at: local('11:00'), count: 20 },
          { at: local('11:30'), count: 15 }, // while a task is open: no second task
        ],
        checkins: [local('09:20'), local('12:10')],
        now: local('23:00'),
      },
    };
  };

  it.each([
    ['the spring change (2026-03-29, UTC+2)', '2026-03-29', '+02:00'],
    ['the autumn change (2026-10-25, UTC+1)', '2026-10-25', '+01:00'],
  ])('derives the usage tasks of a restroom day on %s', (_name, date, offset) => {
    const { day } = scriptedDay(date, offset);
    const t = (hhmm: string) => iso(`${date}T${hhmm}:00${offset}`);
    expect(shape(deriveTasks(day))).toEqual([
      { origin: 'usage', triggeredAt: t('09:00'), dueAt: t('09:30'), doneAt: t('09:20'), status: 'done' },
      { origin: 'usage', triggeredAt: t('11:00'), dueAt: t('11:30'), doneAt: t('12:10'), status: 'late' },
      { origin: 'usage', triggeredAt: t('16:10'), dueAt: t('16:40'), doneAt: null, status: 'missed' },
    ]);
  });

  it('leaves a task due, not missed, while the day is still open', () => {
    const { day, local } = scriptedDay('2026-03-29', '+02:00');
    expect(deriveTasks({ ...day, now: local('16:50') }).map((t) => t.status)).toEqual(['done', 'late', 'due']);
  });

  it('turns a missed task into a late one when a check-in arrives two hours late, exactly as a recomputation of the day', () => {
    const { day, local } = scriptedDay('2026-03-29', '+02:00');
    const withLateCheckin = { ...day, checkins: [...day.checkins, local('17:30')] };
    expect(deriveTasks(withLateCheckin).map((t) => t.status)).toEqual(['done', 'late', 'late']);
    // Facts in any order, as they arrive: the same tasks.
    expect(deriveTasks({ ...withLateCheckin, checkins: [...withLateCheckin.checkins].reverse(), visits: [...day.visits].reverse() })).toEqual(deriveTasks(withLateCheckin));
  });

  it('raises the fallback from the opening when nobody comes and nobody cleans', () => {
    const { day } = scriptedDay('2026-03-29', '+02:00');
    expect(shape(deriveTasks({ ...day, visits: [], checkins: [] }))).toEqual([
      { origin: 'usage', triggeredAt: iso(`2026-03-29T11:00:00+02:00`), dueAt: iso('2026-03-29T11:30:00+02:00'), doneAt: null, status: 'missed' },
    ]);
  });

  const kitchen: CleaningPlan = { scheduled: { times: ['07:00', '11:00', '15:00'], graceS: 30 * 60 } };

  it.each([
    ['2026-03-29', '+02:00'],
    ['2026-10-25', '+01:00'],
  ])('derives scheduled rounds at fixed local times on %s: early, late and missed', (date, offset) => {
    const local = (hhmm: string) => at(`${date}T${hhmm}:00${offset}`);
    const t = (hhmm: string) => iso(`${date}T${hhmm}:00${offset}`);
    const tasks = deriveTasks({ plan: kitchen, date, timeZone: TZ, spans: serviceSpans(date, OPEN_7_19, [], TZ), visits: [], checkins: [local('06:50'), local('11:45')], now: local('20:00') });
    expect(shape(tasks)).toEqual([
      { origin: 'schedule', triggeredAt: t('07:00'), dueAt: t('07:00'), doneAt: t('06:50'), status: 'done' },
      { origin: 'schedule', triggeredAt: t('11:00'), dueAt: t('11:00'), doneAt: t('11:45'), status: 'late' },
      { origin: 'schedule', triggeredAt: t('15:00'), dueAt: t('15:00'), doneAt: null, status: 'missed' },
    ]);
  });

  it('runs rounds every N hours of elapsed time from the opening, the first at the opening, one check-in per round', () => {
    const date = '2026-03-29';
    const local = (hhmm: string) => at(`${date}T${hhmm}:00+02:00`);
    const tasks = deriveTasks({
      plan: { scheduled: { everyS: 3 * 3600, graceS: 30 * 60 } },
      date,
      timeZone: TZ,
      spans: serviceSpans(date, OPEN_7_19, [], TZ),
      visits: [],
      // Two check-ins close together count once; the second belongs to no other round.
      checkins: [local('07:10'), local('07:15'), local('13:20')],
      now: local('20:00'),
    });
    expect(tasks.map((t) => [new Date(t.dueAt).toISOString(), t.status])).toEqual([
      [iso(`${date}T07:00:00+02:00`), 'done'],
      [iso(`${date}T10:00:00+02:00`), 'missed'],
      [iso(`${date}T13:00:00+02:00`), 'done'],
      [iso(`${date}T16:00:00+02:00`), 'missed'],
    ]);
  });

  it('plans nothing on a closed day, and nothing for an on-demand zone', () => {
    const date = '2026-03-29';
    expect(deriveTasks({ plan: kitchen, date, timeZone: TZ, spans: [], visits: [], checkins: [], now: 0 })).toEqual([]);
    expect(deriveTasks({ plan: { onDemand: true }, date, timeZone: TZ, spans: serviceSpans(date, OPEN_7_19, [], TZ), visits: [], checkins: [], now: 0 })).toEqual([]);
  });
});

import type { CleaningPlan, ServiceHours } from '../catalog/catalog.types';
import { serviceSpans } from './service-time';
import { deriveTasks, type DerivedTask } from './task-derivation';
import { taskId, taskMessages, withdrawals, type ZoneDayTasks } from './task-publication';

const TZ = 'Europe/Stockholm';
const DATE = '2026-06-10';
const ZONE = '6f1c2a52-7d43-4c1e-9b7e-0a4a8d2f3b11';
const OPEN_7_18: ServiceHours = { mon: [['07:00', '18:00']], tue: [['07:00', '18:00']], wed: [['07:00', '18:00']], thu: [['07:00', '18:00']], fri: [['07:00', '18:00']], sat: [], sun: [] };
// 07:00 local is 05:00Z in summer time.
const at = (hhmm: string) => Date.parse(`${DATE}T${hhmm}:00+02:00`);
const iso = (hhmm: string) => new Date(at(hhmm)).toISOString();

const usage: CleaningPlan = { usage: { visits: 10, respondWithinS: 30 * 60 } };
const rounds: CleaningPlan = { scheduled: { times: ['09:00', '13:00'], graceS: 15 * 60 } };

function zoneDay(plan: CleaningPlan, facts: { visits?: Array<[string, number]>; checkins?: string[] }, now: string): ZoneDayTasks {
  const tasks = deriveTasks({
    plan,
    date: DATE,
    timeZone: TZ,
    spans: serviceSpans(DATE, OPEN_7_18, [], TZ),
    visits: (facts.visits ?? []).map(([hhmm, count]) => ({ at: at(hhmm), count })),
    checkins: (facts.checkins ?? []).map(at),
    now: at(now),
  });
  return { zoneId: ZONE, siteKey: 'hq', zoneKey: '1f-restroom', date: DATE, tasks };
}

describe(taskId.name, () => {
  const task = (origin: DerivedTask['origin'], hhmm: string) => ({ origin, triggeredAt: at(hhmm) });

  it('is a UUID that depends on the zone, the origin and the instant the task was raised, and nothing else', () => {
    const sut = taskId(ZONE, task('usage', '09:00'));
    expect(sut).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(taskId(ZONE, task('usage', '09:00'))).toBe(sut);
    expect(taskId(ZONE, { ...task('usage', '09:00'), ...{ dueAt: at('10:00') } })).toBe(sut);
    expect(new Set([sut, taskId(ZONE, task('schedule', '09:00')), taskId(ZONE, task('usage', '09:01')), taskId('0d6e1c1b-1111-4c1e-9b7e-0a4a8d2f3b11', task('usage', '09:00'))]).size).toBe(4);
  });

  it('keeps a task its id when a check-in arrives and changes its status', () => {
    const open = zoneDay(usage, { visits: [['07:30', 4], ['09:00', 6]] }, '09:10');
    const closed = zoneDay(usage, { visits: [['07:30', 4], ['09:00', 6]], checkins: ['09:20'] }, '09:10');
    expect([open.tasks[0].status, closed.tasks[0].status]).toEqual(['due', 'done']);
    expect(taskId(ZONE, closed.tasks[0])).toBe(taskId(ZONE, open.tasks[0]));
  });
});

describe(taskMessages.name, () => {
  it('announces a usage task once its window opens (at the visitor that raised it), with the fields a handheld shows', () => {
    const visits: Array<[string, number]> = [['07:30', 4], ['09:00', 6]];
    expect(taskMessages(zoneDay(usage, { visits }, '08:59'), at('08:59'))).toEqual([]);
    const sut = taskMessages(zoneDay(usage, { visits }, '09:00'), at('09:00'));
    expect(sut).toEqual([
      {
        id: taskId(ZONE, { origin: 'usage', triggeredAt: at('09:00') }),
        site: 'hq',
        zone: '1f-restroom',
        date: DATE,
        origin: 'usage',
        status: 'due',
        triggeredAt: iso('09:00'),
        dueAt: iso('09:30'),
        windowStart: iso('09:00'),
        windowEnd: iso('18:00'),
        doneAt: null,
      },
    ]);
  });

  it('announces a round from its grace before the due time, and gives each final status as it comes', () => {
    const round = (now: string, checkins: string[] = []) => taskMessages(zoneDay(rounds, { checkins }, now), at(now)).map((m) => [m.dueAt, m.status, m.doneAt]);
    expect(round('08:44')).toEqual([]);
    expect(round('08:45')).toEqual([[iso('09:00'), 'due', null]]);
    expect(round('09:10', ['09:05'])).toEqual([[iso('09:00'), 'done', iso('09:05')]]);
    expect(round('12:50', ['09:30'])).toEqual([[iso('09:00'), 'late', iso('09:30')], [iso('13:00'), 'due', null]]);
    // Each round's window runs to the next one's (12:45) or to the close: then it is missed.
    expect(round('18:00')).toEqual([
      [iso('09:00'), 'missed', null],
      [iso('13:00'), 'missed', null],
    ]);
  });

  it('has nothing to say of a closed day', () => {
    const sunday = { ...zoneDay(rounds, {}, '12:00'), tasks: deriveTasks({ plan: rounds, date: '2026-06-14', timeZone: TZ, spans: serviceSpans('2026-06-14', OPEN_7_18, [], TZ), visits: [], checkins: [], now: at('12:00') }) };
    expect(taskMessages(sunday, at('12:00'))).toEqual([]);
  });
});

describe(withdrawals.name, () => {
  it('withdraws an announced task the derivation no longer holds (a late check-in reset the count), and no other', () => {
    const visits: Array<[string, number]> = [['07:30', 4], ['09:00', 6], ['09:40', 10]];
    const before = zoneDay(usage, { visits }, '09:05');
    const announced = taskMessages(before, at('09:05'));
    expect(announced.map((m) => m.triggeredAt)).toEqual([iso('09:00')]);
    // A clean at 08:30 reported late: only 6 visitors by 09:00, the 10th came at 09:40.
    const after = zoneDay(usage, { visits, checkins: ['08:30'] }, '09:45');
    expect(withdrawals(after, announced)).toEqual([{ ...announced[0], status: 'withdrawn' }]);
    expect(withdrawals(before, announced)).toEqual([]);
    // Another day's announcements are that day's to withdraw.
    expect(withdrawals({ ...after, date: '2026-06-11' }, announced)).toEqual([]);
  });
});

import type { CleaningPlan } from '../catalog/catalog.types';
import { afterServiceTime, localInstant, type ServiceSpan } from './service-time';

export type TaskOrigin = 'schedule' | 'usage';
export type TaskStatus = 'due' | 'done' | 'late' | 'missed';

/** A cleaning task of one zone on one local day, derived from the plan and the facts; the same facts give the same tasks. */
export interface DerivedTask {
  origin: TaskOrigin;
  /** Usage tasks: when the visits (or the service time) since the last clean reached the plan's limit. */
  triggeredAt: number;
  dueAt: number;
  /** The check-ins that can complete this task: from `windowStart`, before `windowEnd`. */
  windowStart: number;
  windowEnd: number;
  doneAt: number | null;
  status: TaskStatus;
}

/** What the derivation reads for one zone and one local day (instants in epoch ms). */
export interface ZoneDay {
  plan: CleaningPlan;
  /** The local date (YYYY-MM-DD) and the site's time zone: fixed times are wall-clock times. */
  date: string;
  timeZone: string;
  /** The day's opening hours; none on a holiday or a closed day, and then no planned task. */
  spans: readonly ServiceSpan[];
  /** People who came through the zone: counter increments or `visits` reports. */
  visits: ReadonlyArray<{ at: number; count: number }>;
  /** Cleaning check-ins in the zone. */
  checkins: readonly number[];
  /** Decides between `due` and `missed` for a task without a check-in. */
  now: number;
}

/** The planned (schedule and usage) tasks of a zone-day, in due order. */
export function deriveTasks(day: ZoneDay): DerivedTask[] {
  if (day.spans.length === 0) return [];
  const checkins = [...day.checkins].sort((a, b) => a - b);
  const tasks = [
    ...(day.plan.scheduled ? scheduledTasks(day, day.plan.scheduled, checkins) : []),
    ...(day.plan.usage ? usageTasks(day, day.plan.usage, checkins) : []),
  ];
  return tasks.sort((a, b) => a.dueAt - b.dueAt || a.origin.localeCompare(b.origin));
}

const closeOf = (spans: readonly ServiceSpan[]) => spans[spans.length - 1].end;
const within = (spans: readonly ServiceSpan[], at: number) => spans.some((s) => at >= s.start && at < s.end);

/**
 * Rounds at each opening and every `everyS` after it, and at the fixed times, all within opening hours.
 * A check-in from `grace` before a round's due time completes it, on time up to `grace` after; the
 * window runs until the next round's opens (or the close), and each check-in completes one round.
 */
function scheduledTasks(day: ZoneDay, plan: NonNullable<CleaningPlan['scheduled']>, checkins: readonly number[]): DerivedTask[] {
  const grace = plan.graceS * 1000;
  const due = new Set<number>();
  for (const span of day.spans) {
    if (plan.everyS) for (let at = span.start; at < span.end; at += plan.everyS * 1000) due.add(at);
  }
  for (const time of plan.times ?? []) {
    const at = localInstant(day.date, time, day.timeZone);
    if (within(day.spans, at)) due.add(at);
  }
  const dues = [...due].sort((a, b) => a - b);
  const close = closeOf(day.spans);
  const used = new Set<number>();
  let previousEnd = Number.NEGATIVE_INFINITY;
  return dues.map((dueAt, i) => {
    const windowStart = Math.max(dueAt - grace, previousEnd);
    const windowEnd = i + 1 < dues.length ? Math.max(dues[i + 1] - grace, dueAt + grace) : Math.max(close, dueAt + grace);
    previousEnd = windowEnd;
    const doneAt = checkins.find((at) => at >= windowStart && at < windowEnd && !used.has(at)) ?? null;
    if (doneAt !== null) used.add(doneAt);
    return { origin: 'schedule', triggeredAt: dueAt, dueAt, windowStart, windowEnd, doneAt, status: statusOf(doneAt, dueAt + grace, windowEnd, day.now) };
  });
}

/**
 * Counts visitors from the opening, or from the last check-in: at `visits` a task falls due within
 * `respondWithinS`; so does one after `maxIntervalS` of service time without a clean. While a task is
 * open no other is raised; the next check-in completes it (late after its due time) and starts the
 * count again. A task still open at the close is missed, or due until then.
 */
function usageTasks(day: ZoneDay, plan: NonNullable<CleaningPlan['usage']>, checkins: readonly number[]): DerivedTask[] {
  const respond = plan.respondWithinS * 1000;
  const close = closeOf(day.spans);
  const open = day.spans[0].start;
  type Fact = { at: number; kind: 'visit'; count: number } | { at: number; kind: 'checkin' };
  const facts: Fact[] = [
    ...day.visits.filter((v) => v.at >= open && v.at < close).map((v) => ({ at: v.at, kind: 'visit' as const, count: v.count })),
    ...checkins.filter((at) => at >= open).map((at) => ({ at, kind: 'checkin' as const })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'checkin' ? -1 : 1));

  const tasks: DerivedTask[] = [];
  let pending: DerivedTask | undefined;
  let since = open;
  let visitors = 0;
  const raise = (triggeredAt: number) => {
    const dueAt = triggeredAt + respond;
    pending = { origin: 'usage', triggeredAt, dueAt, windowStart: triggeredAt, windowEnd: Math.max(close, dueAt), doneAt: null, status: 'due' };
    tasks.push(pending);
  };
  const fallbackDue = () => (plan.maxIntervalS === undefined ? undefined : afterServiceTime(day.spans, since, plan.maxIntervalS * 1000));

  for (const fact of facts) {
    if (!pending) {
      const fallback = fallbackDue();
      if (fallback !== undefined && fallback <= fact.at) raise(fallback);
    }
    if (fact.kind === 'checkin') {
      if (pending && fact.at < pending.windowEnd) pending.doneAt = fact.at;
      pending = undefined;
      since = fact.at;
      visitors = 0;
    } else if (!pending) {
      visitors += fact.count;
      if (visitors >= plan.visits) raise(fact.at);
    }
  }
  if (!pending) {
    const fallback = fallbackDue();
    if (fallback !== undefined && fallback < close) raise(fallback);
  }
  for (const task of tasks) task.status = statusOf(task.doneAt, task.dueAt, task.windowEnd, day.now);
  return tasks;
}

function statusOf(doneAt: number | null, onTimeUntil: number, windowEnd: number, now: number): TaskStatus {
  if (doneAt !== null) return doneAt <= onTimeUntil ? 'done' : 'late';
  return now >= windowEnd ? 'missed' : 'due';
}

import { createHash } from 'node:crypto';
import type { DerivedTask, TaskStatus } from './task-derivation';

/** What a task message says of it: its derived status, or `withdrawn` when late data took an announced task away. */
export type PublishedStatus = TaskStatus | 'withdrawn';

/** The JSON of a message on `{prefix}/{siteKey}/{zoneKey}/tasks` (instants as ISO 8601, UTC). */
export interface TaskMessage {
  /** Stable across runs, restarts and instances: a handheld replaces what it holds under this id. */
  id: string;
  site: string;
  zone: string;
  /** The site's local date the task belongs to. */
  date: string;
  origin: DerivedTask['origin'];
  status: PublishedStatus;
  triggeredAt: string;
  dueAt: string;
  windowStart: string;
  windowEnd: string;
  doneAt: string | null;
}

/** A zone's derived tasks of one local date, with the keys its topic and messages name. */
export interface ZoneDayTasks {
  zoneId: string;
  siteKey: string;
  zoneKey: string;
  date: string;
  tasks: readonly DerivedTask[];
}

/**
 * The id of a derived task: zone, origin and the instant it was raised. A schedule task's instant comes
 * from the plan, so it never moves; a usage task's is the visit (or the service time) that raised it,
 * which only late data from before it can move, and then the derivation holds another task.
 */
export function taskId(zoneId: string, task: Pick<DerivedTask, 'origin' | 'triggeredAt'>): string {
  const hex = createHash('sha256').update(`${zoneId}/${task.origin}/${task.triggeredAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A task is announced once a check-in can complete it (its window opens), not at its deadline: there is still time to be on time. */
const announced = (task: DerivedTask, now: number) => task.status === 'due' && task.windowStart <= now;

/**
 * The messages a zone-day's tasks call for now: an open task once its window opens, a task at each
 * final status it reaches (done, late, missed; a late check-in can still turn missed into late).
 * The caller publishes each (id, status) once.
 */
export function taskMessages(day: ZoneDayTasks, now: number): TaskMessage[] {
  return day.tasks.filter((t) => t.status !== 'due' || announced(t, now)).map((t) => messageOf(day, t));
}

/**
 * Announced tasks the derivation no longer holds, at no final status (late data moved the visit that
 * raised them): each is withdrawn, so no handheld keeps a task nobody will close.
 */
export function withdrawals(day: ZoneDayTasks, open: readonly TaskMessage[]): TaskMessage[] {
  const derived = new Set(day.tasks.map((t) => taskId(day.zoneId, t)));
  return open.filter((m) => m.date === day.date && !derived.has(m.id)).map((m) => ({ ...m, status: 'withdrawn' }));
}

function messageOf(day: ZoneDayTasks, t: DerivedTask): TaskMessage {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: taskId(day.zoneId, t),
    site: day.siteKey,
    zone: day.zoneKey,
    date: day.date,
    origin: t.origin,
    status: t.status,
    triggeredAt: iso(t.triggeredAt),
    dueAt: iso(t.dueAt),
    windowStart: iso(t.windowStart),
    windowEnd: iso(t.windowEnd),
    doneAt: t.doneAt === null ? null : iso(t.doneAt),
  };
}

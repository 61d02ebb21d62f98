import type { CleaningPlan, Weekday } from '../catalog/catalog.types';
import { hourOf, localTime } from './local-time';
import { isOpenAtLocal, type SiteCalendar } from './occupancy';
import type { Prng } from './prng';
import type { CrewQuality } from './site-profiles';
import { appendTo } from '../platform/group-by';

/** One zone visited by a cleaner: the moment of the check-in and the staff tag scanned. */
export interface CheckIn {
  zoneIndex: number;
  at: Date;
  tag: string;
}

/** Why a cleaner went: a planned round, a usage call (enough visitors, or too long without a clean), or something reported or sensed. */
export type RoundOrigin = 'schedule' | 'usage' | 'onDemand';

/** A round (or a call-out) and what became of it (for tests and inspections). */
export interface Round {
  origin: RoundOrigin;
  plannedAt: Date;
  /** Minutes after `plannedAt` the cleaner started; null when the round was missed. */
  lateMinutes: number | null;
  tag: string;
  zoneIndexes: number[];
}

export interface CleaningOptions {
  /** Minutes a cleaner spends between two zones of a round. */
  minutesPerZone: number;
  /** How often rounds and calls are late or missed; without it, as {@link roundDelay} and {@link responseDelay} say. */
  crew?: Punctuality;
}

type Punctuality = Pick<CrewQuality, 'missed' | 'late' | 'pace'>;

/** A zone without a plan in its contract gets rounds at opening and every four hours, as before plans existed. */
export const DEFAULT_PLAN: CleaningPlan = { scheduled: { everyS: 4 * 3600, graceS: 30 * 60 } };
/** Call-outs per open hour of an on-demand zone (a spill, a complaint): about one a working day. */
const ON_DEMAND_PER_HOUR = 0.08;
const MINUTE = 60_000;

/** The plan a zone follows: its own, else its site's for its type, else the default rounds. */
export function planOf(site: { cleaning?: Partial<Record<string, CleaningPlan>> }, zone: { type: string; cleaning?: CleaningPlan }): CleaningPlan {
  return zone.cleaning ?? site.cleaning?.[zone.type] ?? DEFAULT_PLAN;
}

/** Local hours of a scheduled plan's rounds on a day with these opening spans: each opening and every `everyS` after it, and the fixed times that fall in a span. */
export function roundHours(plan: NonNullable<CleaningPlan['scheduled']>, spans: ReadonlyArray<readonly [string, string]>): number[] {
  const hours = new Set<number>();
  for (const [from, to] of spans) {
    if (plan.everyS) for (let h = hourOf(from); h < hourOf(to); h += plan.everyS / 3600) hours.add(h);
  }
  for (const time of plan.times ?? []) {
    const h = hourOf(time);
    if (spans.some(([from, to]) => h >= hourOf(from) && h < hourOf(to))) hours.add(h);
  }
  return [...hours].sort((a, b) => a - b);
}

/** Minutes after the due time a round starts: mostly within grace, a fifth late by 5–60 minutes past it, one in fourteen missed (null). */
export function roundDelay(prng: Prng, graceMinutes: number, crew: Punctuality = { missed: 0.07, late: 0.2, pace: 0.8 }): number | null {
  const roll = prng.next();
  if (roll < crew.missed) return null;
  if (roll < crew.missed + crew.late) return graceMinutes + prng.between(5, 60);
  return Math.min(Math.abs(prng.normal(0, graceMinutes / 4)), graceMinutes * crew.pace);
}

/** Minutes a usage call takes to answer: usually within `respondWithin`, one in six late, one in sixteen never answered (null). */
export function responseDelay(prng: Prng, respondWithinMinutes: number, crew: Punctuality = { missed: 0.06, late: 0.17, pace: 0.9 }): number | null {
  const roll = prng.next();
  if (roll < crew.missed) return null;
  if (roll < crew.missed + crew.late) return respondWithinMinutes + prng.between(5, 45);
  return prng.between(3, respondWithinMinutes * crew.pace);
}

/** A usage zone's count since its last clean. */
interface UsageCount {
  visitors: number;
  openMs: number;
  /** A call is out (answered or not): no second one until a clean or the next day. */
  called: boolean;
  date: string;
}

/**
 * The cleaning crew of one site, following each zone's plan: scheduled zones at their rounds (zones due
 * at the same time are one round, walked in turn), usage zones when enough people came by or it has been
 * too long, on-demand zones now and then. Usually on time, sometimes late, now and then missed.
 */
export class CleaningCrew {
  readonly rounds: Round[] = [];
  private pending: CheckIn[] = [];
  private next = 0;
  private readonly usage: UsageCount[];
  private readonly lastMissed: Array<Date | undefined>;
  private readonly roundsByWeekday = new Map<Weekday, Map<number, number[]>>();

  constructor(
    private readonly site: SiteCalendar,
    private readonly plans: readonly CleaningPlan[],
    private readonly tags: readonly string[],
    private readonly prng: Prng,
    private readonly options: CleaningOptions = { minutesPerZone: 3 },
  ) {
    this.usage = plans.map(() => ({ visitors: 0, openMs: 0, called: false, date: '' }));
    this.lastMissed = plans.map(() => undefined);
  }

  /** Local hours of the scheduled rounds on a weekday, with the zones due at each. */
  plannedRounds(weekday: Weekday): Map<number, number[]> {
    const known = this.roundsByWeekday.get(weekday);
    if (known) return known;
    const rounds = new Map<number, number[]>();
    this.plans.forEach((plan, zoneIndex) => {
      if (!plan.scheduled) return;
      for (const hour of roundHours(plan.scheduled, this.site.serviceHours[weekday])) appendTo(rounds, hour, zoneIndex);
    });
    const sorted = new Map([...rounds].sort(([a], [b]) => a - b));
    this.roundsByWeekday.set(weekday, sorted);
    return sorted;
  }

  /** People who came through a zone: what a usage plan counts. */
  countVisits(zoneIndex: number, visits: number): void {
    this.usage[zoneIndex].visitors += visits;
  }

  /** When the zone's last round or call was missed, if ever: inspectors notice. */
  lastMissedAt(zoneIndex: number): Date | undefined {
    return this.lastMissed[zoneIndex];
  }

  /** Check-ins that happen after `from` up to and including `to`, in time order. Steps should be short (a minute or so). */
  step(from: Date, to: Date): CheckIn[] {
    const a = localTime(from, this.site.timeZone);
    const b = localTime(to, this.site.timeZone);
    if (!this.site.holidays.includes(b.date)) {
      this.planRounds(from, to, a.date === b.date ? a.hour : 0, b.hour, b.weekday);
      const open = isOpenAtLocal(b, this.site);
      this.callOuts(to, b.date, open ? to.getTime() - from.getTime() : 0);
    }
    const due = this.pending.filter((c) => c.at <= to).sort((x, y) => x.at.getTime() - y.at.getTime());
    this.pending = this.pending.filter((c) => c.at > to);
    for (const checkIn of due) Object.assign(this.usage[checkIn.zoneIndex], { visitors: 0, openMs: 0, called: false });
    return due;
  }

  /** Rounds due in the step; `startHour` is where it starts on `to`'s local day (0 across midnight). */
  private planRounds(from: Date, to: Date, startHour: number, endHour: number, weekday: Weekday): void {
    const span = to.getTime() - from.getTime();
    for (const [hour, zoneIndexes] of this.plannedRounds(weekday)) {
      if (hour <= startHour || hour > endHour) continue;
      const share = endHour === startHour ? 1 : (hour - startHour) / (endHour - startHour);
      const plannedAt = new Date(to.getTime() - span * (1 - Math.min(1, share)));
      const grace = Math.min(...zoneIndexes.map((z) => this.plans[z].scheduled!.graceS / 60));
      this.dispatch('schedule', plannedAt, zoneIndexes, roundDelay(this.prng, grace, this.options.crew));
    }
  }

  /** Usage zones whose count (or time without a clean) is up, and on-demand zones' occasional call-outs. */
  private callOuts(at: Date, date: string, openMs: number): void {
    this.plans.forEach((plan, zoneIndex) => {
      if (plan.usage) {
        const count = this.usage[zoneIndex];
        // The service counts each day from its opening: so does the crew.
        if (count.date !== date) Object.assign(count, { visitors: 0, openMs: 0, called: false, date });
        count.openMs += openMs;
        const maxMs = plan.usage.maxIntervalS === undefined ? Infinity : plan.usage.maxIntervalS * 1000;
        if (!count.called && openMs > 0 && (count.visitors >= plan.usage.visits || count.openMs >= maxMs)) {
          const delay = responseDelay(this.prng, plan.usage.respondWithinS / 60, this.options.crew);
          this.dispatch('usage', at, [zoneIndex], delay);
          // A call nobody answered is raised again once the count is up anew.
          Object.assign(count, delay === null ? { visitors: 0, openMs: 0 } : { called: true });
        }
      }
      if (plan.onDemand && openMs > 0 && this.prng.chance((ON_DEMAND_PER_HOUR * openMs) / 3_600_000)) {
        this.dispatch('onDemand', at, [zoneIndex], this.prng.between(10, 40));
      }
    });
  }

  /** A level sensor says a zone's dispenser is low or its bin nearly full: a cleaner goes within 5–20 minutes, unless one is on the way. */
  answerSensor(zoneIndex: number, at: Date): void {
    if (this.pending.some((c) => c.zoneIndex === zoneIndex)) return;
    this.dispatch('onDemand', at, [zoneIndex], this.prng.between(5, 20));
  }

  private dispatch(origin: RoundOrigin, plannedAt: Date, zoneIndexes: number[], lateMinutes: number | null): void {
    const tag = this.tags[this.next++ % this.tags.length];
    this.rounds.push({ origin, plannedAt, lateMinutes, tag, zoneIndexes });
    if (lateMinutes === null) {
      for (const zoneIndex of zoneIndexes) this.lastMissed[zoneIndex] = plannedAt;
      return;
    }
    const start = plannedAt.getTime() + lateMinutes * MINUTE;
    zoneIndexes.forEach((zoneIndex, i) => this.pending.push({ zoneIndex, tag, at: new Date(start + i * this.options.minutesPerZone * MINUTE) }));
  }
}

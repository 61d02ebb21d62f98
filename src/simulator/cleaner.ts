import { hourOf, localTime } from './local-time';
import type { SiteCalendar } from './occupancy';
import type { Prng } from './prng';
import type { Weekday } from '../catalog/catalog.types';

/** One zone visited by a cleaner: the moment of the check-in and the staff tag scanned. */
export interface CheckIn {
  zoneIndex: number;
  at: Date;
  tag: string;
}

/** A planned round and what became of it (for tests and the curious). */
export interface Round {
  plannedAt: Date;
  /** Minutes late; null when the round was missed. */
  lateMinutes: number | null;
  tag: string;
}

export interface CleaningOptions {
  /** Hours between rounds from the opening time; a round starts at opening, then every this many hours before closing. */
  everyHours: number;
  /** Minutes a cleaner spends between two zones of a round. */
  minutesPerZone: number;
}

const MINUTE = 60_000;

/**
 * The cleaning crew of one site: rounds at fixed local times through the service hours, each
 * usually on time, sometimes late, now and then missed. A round visits every zone in turn.
 */
export class CleaningCrew {
  readonly rounds: Round[] = [];
  private pending: CheckIn[] = [];
  private next = 0;

  constructor(
    private readonly site: SiteCalendar,
    private readonly zoneCount: number,
    private readonly tags: readonly string[],
    private readonly prng: Prng,
    private readonly options: CleaningOptions = { everyHours: 4, minutesPerZone: 3 },
  ) {}

  /** Local hours of the rounds on a weekday. */
  plannedHours(weekday: Weekday): number[] {
    const hours: number[] = [];
    for (const [from, to] of this.site.serviceHours[weekday]) {
      for (let h = hourOf(from); h < hourOf(to); h += this.options.everyHours) hours.push(h);
    }
    return hours;
  }

  /** Check-ins that happen after `from` up to and including `to`, in time order. Steps should be short (a minute or so). */
  step(from: Date, to: Date): CheckIn[] {
    this.planRounds(from, to);
    const due = this.pending.filter((c) => c.at <= to);
    this.pending = this.pending.filter((c) => c.at > to);
    return due.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  private planRounds(from: Date, to: Date): void {
    const a = localTime(from, this.site.timeZone);
    const b = localTime(to, this.site.timeZone);
    if (this.site.holidays.includes(b.date)) return;
    // Hours elapsed on b's local day: across midnight the step starts at 0.
    const startHour = a.date === b.date ? a.hour : 0;
    const span = to.getTime() - from.getTime();
    for (const hour of this.plannedHours(b.weekday)) {
      if (hour <= startHour || hour > b.hour) continue;
      const share = b.hour === startHour ? 1 : (hour - startHour) / (b.hour - startHour);
      this.schedule(new Date(to.getTime() - span * (1 - Math.min(1, share))));
    }
  }

  private schedule(plannedAt: Date): void {
    const tag = this.tags[this.next++ % this.tags.length];
    const roll = this.prng.next();
    // Most rounds on time, a fifth late by 20–90 minutes, one in fourteen missed altogether.
    const lateMinutes = roll < 0.07 ? null : roll < 0.27 ? this.prng.between(20, 90) : Math.abs(this.prng.normal(0, 4));
    this.rounds.push({ plannedAt, lateMinutes, tag });
    if (lateMinutes === null) return;
    const start = plannedAt.getTime() + lateMinutes * MINUTE;
    for (let zoneIndex = 0; zoneIndex < this.zoneCount; zoneIndex++) {
      this.pending.push({ zoneIndex, tag, at: new Date(start + zoneIndex * this.options.minutesPerZone * MINUTE) });
    }
  }
}

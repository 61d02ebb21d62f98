/**
 * Simulated time: runs `speed` times faster than real time from `simStart`, but never ahead of real
 * time when it started in the past — a fast run replays the recent past, then carries on live, so
 * every timestamp it sends is one the service accepts (not in the future).
 */
export class SimulatedClock {
  constructor(
    private readonly realStart: number,
    private readonly simStart: number,
    private readonly speed: number,
  ) {}

  at(realMs: number): Date {
    const sim = this.simStart + (realMs - this.realStart) * this.speed;
    return new Date(this.simStart <= this.realStart ? Math.min(sim, realMs) : sim);
  }
}

/** Ratings older than this are refused by the service (RATING_MAX_AGE_HOURS defaults to 24); start a fast run within it. */
export const DEFAULT_REPLAY_HOURS = 23;

/** Where simulated time starts when not given: now at normal speed, the last 23 hours replayed when faster. */
export function defaultSimStart(realNow: number, speed: number): number {
  return speed > 1 ? realNow - DEFAULT_REPLAY_HOURS * 3_600_000 : realNow;
}

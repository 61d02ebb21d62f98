import type { Prng } from './prng';

export type DispenserState = 'ok' | 'low' | 'empty';

const LOW_LEVEL = 20;
/** A cleaner tops up a dispenser below this, as it would not last until the next visit; above it, leaves it. */
export const TOP_UP_BELOW = 50;
/** Now and then the cleaner's trolley is out of soap or towels: the dispenser waits for the next visit. */
export const NO_REFILL_ON_TROLLEY = 0.12;

/** A soap or towel dispenser: its level (0–100 %) falls with every visit and is topped up at a cleaner's check-in. */
export class Dispenser {
  constructor(
    private current: number,
    /** Percent used by one visit, on average. */
    private readonly perVisit: number,
  ) {}

  get level(): number {
    return this.current;
  }

  get state(): DispenserState {
    if (this.current <= 0) return 'empty';
    return this.current < LOW_LEVEL ? 'low' : 'ok';
  }

  /** Visitors use it; each takes a little more or less than average. */
  use(visits: number, prng: Prng): void {
    if (visits <= 0) return;
    this.current = Math.max(0, this.current - visits * this.perVisit * prng.between(0.6, 1.4));
  }

  refill(): void {
    this.current = 100;
  }

  /**
   * A cleaner's visit: refilled when below {@link TOP_UP_BELOW}, unless the trolley has no refill left
   * ({@link NO_REFILL_ON_TROLLEY}: then it may run out before the next visit); true when it was (a refill to report).
   */
  topUp(prng: Prng, noRefill = NO_REFILL_ON_TROLLEY, below = TOP_UP_BELOW): boolean {
    if (this.current >= below || prng.chance(noRefill)) return false;
    this.refill();
    return true;
  }
}

const FULL_LEVEL = 95;
/** A bin this full is emptied at a cleaner's visit; a nearly empty one is left. */
export const EMPTY_ABOVE = 25;

/** A waste bin: its fill (0–100 %) rises with visits and drops to zero when a cleaner empties it. */
export class Bin {
  constructor(
    private current: number,
    private readonly perVisit: number,
  ) {}

  get fill(): number {
    return this.current;
  }

  get full(): boolean {
    return this.current >= FULL_LEVEL;
  }

  use(visits: number, prng: Prng): void {
    if (visits <= 0) return;
    this.current = Math.min(100, this.current + visits * this.perVisit * prng.between(0.5, 1.5));
  }

  empty(): void {
    this.current = 0;
  }

  /** A cleaner's visit: emptied when at least {@link EMPTY_ABOVE} full; true when it was (a refill of `bin` to report). */
  emptyIfUsed(): boolean {
    if (this.current < EMPTY_ABOVE) return false;
    this.empty();
    return true;
  }
}

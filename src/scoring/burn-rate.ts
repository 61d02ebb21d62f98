import { budgetConsumed, reaches, type Events } from './budget';

/** A multi-window multi-burn-rate alert: the share of the budget that may go within the long lookback. */
export interface BurnPolicy {
  name: 'fast' | 'slow';
  longHours: number;
  shortHours: number;
  budgetConsumed: number;
}

/** The SRE workbook's page and ticket pairs, on hourly data (so the fast short lookback is 1 h, not 5 or 30 min). */
export const BURN_POLICIES: readonly BurnPolicy[] = [
  { name: 'fast', longHours: 6, shortHours: 1, budgetConsumed: 0.05 },
  { name: 'slow', longHours: 72, shortHours: 6, budgetConsumed: 0.1 },
];

/** Hours of the window the alert factors are written for (30 days). */
export const REFERENCE_WINDOW_HOURS = 30 * 24;

export interface LookbackBurn {
  hours: number;
  burn: number | null;
  valid: number;
  /** Enough valid events for this lookback to fire at all (the low-traffic rule). */
  enoughTraffic: boolean;
  fires: boolean;
}

export interface BurnAlert {
  name: BurnPolicy['name'];
  factor: number;
  long: LookbackBurn;
  short: LookbackBurn;
  fires: boolean;
}

/** Burn rate over a lookback: (bad ÷ valid) ÷ B, i.e. how many times faster than the window allows. */
export const burnRate = (events: Events, share: number): number | null => budgetConsumed(events, share);

/** Sloth's factor: budget share consumed × window hours ÷ lookback hours (0.05 × 720 ÷ 6 = 6). */
export const burnFactor = (budgetShareConsumed: number, windowHours: number, lookbackHours: number): number =>
  (budgetShareConsumed * windowHours) / lookbackHours;

/** Fewest valid events a lookback needs to fire: max(5, minSample ÷ 10), so low traffic never pages. */
export const minLookbackEvents = (minSample: number): number => Math.max(5, minSample / 10);

/** One lookback of an alert: its burn, and whether it reaches the factor with enough traffic. */
export function lookbackBurn(hours: number, events: Events, share: number, factor: number, minSample: number): LookbackBurn {
  const burn = burnRate(events, share);
  const enoughTraffic = events.valid >= minLookbackEvents(minSample);
  return { hours, burn, valid: events.valid, enoughTraffic, fires: enoughTraffic && burn !== null && reaches(burn, factor) };
}

export interface BurnInput {
  share: number;
  windowHours: number;
  minSample: number;
  /** Bad and valid events of the last N hourly rollups, service hours only, keyed by N (1, 6 and 72 by default). */
  lookbacks: ReadonlyMap<number, Events>;
}

/** Evaluates one policy: it fires only when both its long and its short lookback burn at or above the factor. */
export function burnAlert(policy: BurnPolicy, input: BurnInput): BurnAlert {
  const factor = burnFactor(policy.budgetConsumed, input.windowHours, policy.longHours);
  const eventsIn = (hours: number) => input.lookbacks.get(hours) ?? { bad: 0, valid: 0 };
  const at = (hours: number) => lookbackBurn(hours, eventsIn(hours), input.share, factor, input.minSample);
  const long = at(policy.longHours);
  const short = at(policy.shortHours);
  return { name: policy.name, factor, long, short, fires: long.fires && short.fires };
}

/** Both default alerts (fast and slow) of an objective. */
export const burnAlerts = (input: BurnInput, policies: readonly BurnPolicy[] = BURN_POLICIES): BurnAlert[] =>
  policies.map((p) => burnAlert(p, input));

/** The lookback lengths the default alerts read, for the rollup query. */
export const lookbackHours = (policies: readonly BurnPolicy[] = BURN_POLICIES): number[] =>
  [...new Set(policies.flatMap((p) => [p.longHours, p.shortHours]))].sort((a, b) => a - b);

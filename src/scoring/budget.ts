import { INDICATORS, type Figure, type IndicatorKey } from './indicators';

/** Bad and valid events of a ratio figure: the currency of budgets and burn rates. */
export interface Events {
  bad: number;
  valid: number;
}

export interface Budget extends Events {
  /** B: the share of valid events that may be bad. */
  share: number;
  /** Share of the budget used, bad ÷ (B × valid); above 1 once breached; null without valid events. */
  consumed: number | null;
  remaining: number | null;
}

/** Relative slack for threshold comparisons, so 1 − 0.95 = 0.050000000000000044 does not tip a boundary. */
export const EPSILON = 1e-9;

/** a < b beyond float noise. */
export const isBelow = (a: number, b: number): boolean => a < b - EPSILON * Math.max(1, Math.abs(b));

/** a ≥ b up to float noise. */
export const reaches = (a: number, b: number): boolean => !isBelow(a, b);

/** Budget share B = 1 − target, or the target itself for negative_rate; null for value indicators. */
export function budgetShare(indicator: IndicatorKey, target: number): number | null {
  const def = INDICATORS[indicator];
  if (def.kind !== 'ratio') return null;
  return def.direction === 'lower' ? target : 1 - target;
}

/** Bad events of a ratio figure: valid − good, or the numerator itself where lower is better (negatives). */
export function eventsOf(figure: Figure): Events {
  const lowerIsBetter = INDICATORS[figure.indicator].direction === 'lower';
  return { bad: lowerIsBetter ? figure.numerator : figure.denominator - figure.numerator, valid: figure.denominator };
}

/** bad ÷ (B × valid); a zero budget is spent by the first bad event. */
export function budgetConsumed(events: Events, share: number): number | null {
  if (events.valid <= 0) return null;
  if (share <= 0) return events.bad > 0 ? Number.POSITIVE_INFINITY : 0;
  return events.bad / (share * events.valid);
}

/** The error budget of a ratio figure against its target, window to date; null for value indicators. */
export function budgetOf(figure: Figure, target: number): Budget | null {
  const share = budgetShare(figure.indicator, target);
  if (share === null) return null;
  const events = eventsOf(figure);
  const consumed = budgetConsumed(events, share);
  return { ...events, share, consumed, remaining: consumed === null ? null : 1 - consumed };
}

import { budgetOf, EPSILON, isBelow, reaches, type Budget } from './budget';
import type { BurnAlert } from './burn-rate';
import { INDICATORS, type Figure } from './indicators';

export const STATUSES = ['insufficient_data', 'breached', 'at_risk', 'met'] as const;
export type Status = (typeof STATUSES)[number];

/** Remaining budget below which a ratio objective is at risk. */
export const AT_RISK_REMAINING = 0.25;
/** A value objective within this share of its target (on the right side) is at risk. */
export const AT_RISK_VALUE_MARGIN = 0.05;

export interface StatusInput {
  figure: Figure;
  target: number;
  minSample: number;
  /** Burn alerts of the objective, if evaluated; any that fires makes it at risk. */
  alerts?: readonly Pick<BurnAlert, 'fires'>[];
}

/** Rank of a status from good to bad, for "never better with more bad events". */
export const SEVERITY: Readonly<Record<Status, number>> = { met: 0, at_risk: 1, breached: 2, insufficient_data: -1 };

/** Whether a value is on the met side of the target (at or above; at or below where lower is better). */
export function meetsTarget(figure: Figure, target: number): boolean {
  if (figure.value === null) return false;
  return INDICATORS[figure.indicator].direction === 'lower' ? reaches(target, figure.value) : reaches(figure.value, target);
}

/** "Within 5 % of the target": |value − target| ≤ 5 % of |target|, inclusive (so a target of 0 has no band). */
export function withinMargin(value: number, target: number, margin = AT_RISK_VALUE_MARGIN): boolean {
  return Math.abs(value - target) <= margin * Math.abs(target) + EPSILON * Math.max(1, Math.abs(target));
}

/** The status of a ratio objective from its budget and alerts. */
function ratioStatus(budget: Budget, alerts: StatusInput['alerts']): Status {
  const remaining = budget.remaining ?? 1;
  if (isBelow(remaining, 0)) return 'breached';
  if (isBelow(remaining, AT_RISK_REMAINING) || (alerts ?? []).some((a) => a.fires)) return 'at_risk';
  return 'met';
}

/** The status of a value objective: the wrong side of the target breaches, near it is at risk. */
function valueStatus(value: number, figure: Figure, target: number): Status {
  if (!meetsTarget(figure, target)) return 'breached';
  return withinMargin(value, target) ? 'at_risk' : 'met';
}

/** Status window to date, exactly as the table in INDICATORS.md; low traffic is never breached. */
export function statusOf(input: StatusInput): Status {
  const { figure, target, minSample } = input;
  if (figure.value === null || figure.sample < minSample) return 'insufficient_data';
  const budget = budgetOf(figure, target);
  return budget ? ratioStatus(budget, input.alerts) : valueStatus(figure.value, figure, target);
}

import { budgetOf, budgetShare, eventsOf, type Budget, type Events } from './budget';
import { burnAlerts, type BurnAlert } from './burn-rate';
import type { ObjectiveKind, ObjectiveOutcome } from './composite';
import { figureOf, type ConsumablesBasis, type Counts, type Figure, type IndicatorKey } from './indicators';
import { statusOf, type Status } from './status';

/** An objective as the contract YAML states it. */
export interface ObjectiveSpec {
  key: string;
  kind: ObjectiveKind;
  indicator: IndicatorKey;
  target: number;
  minSample: number;
  weight?: number;
}

export interface ObjectiveInput {
  objective: ObjectiveSpec;
  /** Counts of the objective's scope, window to date. */
  counts: Counts;
  /** Nominal hours of the window (periods.windowHours), for the alert factors. */
  windowHours: number;
  /** Counts of the last N service hours, keyed by N; without them no burn alert is evaluated. */
  lookbacks?: ReadonlyMap<number, Counts>;
  basis?: ConsumablesBasis;
}

/** Everything the scorecard shows for one objective in one scope and window. */
export interface ObjectiveFigure extends ObjectiveOutcome {
  indicator: IndicatorKey;
  target: number;
  minSample: number;
  figure: Figure;
  status: Status;
  budget: Budget | null;
  burn: BurnAlert[];
}

/** Bad and valid events of each lookback, read through the indicator's own figure. */
function lookbackEvents(input: ObjectiveInput): Map<number, Events> {
  const events = new Map<number, Events>();
  for (const [hours, counts] of input.lookbacks ?? []) {
    events.set(hours, eventsOf(figureOf(input.objective.indicator, counts, input.basis)));
  }
  return events;
}

/** Burn alerts of a ratio objective; low traffic over the window silences them as it does the status. */
function objectiveAlerts(input: ObjectiveInput, share: number | null, enoughData: boolean): BurnAlert[] {
  if (share === null || !input.lookbacks) return [];
  const { windowHours, objective } = input;
  const alerts = burnAlerts({ share, windowHours, minSample: objective.minSample, lookbacks: lookbackEvents(input) });
  return alerts.map((a) => ({ ...a, fires: a.fires && enoughData }));
}

/** Figure, budget, burn alerts and status of one objective, window to date. */
export function scoreObjective(input: ObjectiveInput): ObjectiveFigure {
  const { objective } = input;
  const figure = figureOf(objective.indicator, input.counts, input.basis);
  const enoughData = figure.value !== null && figure.sample >= objective.minSample;
  const burn = objectiveAlerts(input, budgetShare(objective.indicator, objective.target), enoughData);
  return {
    key: objective.key,
    kind: objective.kind,
    weight: objective.weight ?? 1,
    indicator: objective.indicator,
    target: objective.target,
    minSample: objective.minSample,
    figure,
    status: statusOf({ figure, target: objective.target, minSample: objective.minSample, alerts: burn }),
    budget: budgetOf(figure, objective.target),
    burn,
  };
}

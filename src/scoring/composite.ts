import { figureOf, type Counts, type Figure } from './indicators';
import type { Status } from './status';

export type ObjectiveKind = 'xla' | 'sla';

/** An objective's outcome in a scope and window, as attainment and watermelons read it. */
export interface ObjectiveOutcome {
  key: string;
  kind: ObjectiveKind;
  status: Status;
  /** Weight in attainment; 1 when the contract sets none. */
  weight?: number;
}

export interface Attainment {
  kind: ObjectiveKind;
  /** Weighted share of objectives with data that are met, 0–1; null when none has data. */
  value: number | null;
  metWeight: number;
  countedWeight: number;
  met: string[];
  notMet: string[];
  /** Left out for insufficient data, and listed so nobody mistakes them for met. */
  insufficientData: string[];
}

export interface Watermelon {
  siteKey: string;
  /** The XLA objectives breached: red inside. */
  breachedXla: string[];
  /** The SLA objectives met: green outside. */
  metSla: string[];
}

/** XLA or SLA attainment: the weighted share of that kind's objectives that are met, insufficient data left out. */
export function attainmentOf(kind: ObjectiveKind, outcomes: readonly ObjectiveOutcome[]): Attainment {
  const ofKind = outcomes.filter((o) => o.kind === kind);
  const counted = ofKind.filter((o) => o.status !== 'insufficient_data');
  const met = counted.filter((o) => o.status === 'met');
  const weigh = (list: readonly ObjectiveOutcome[]) => list.reduce((sum, o) => sum + (o.weight ?? 1), 0);
  const countedWeight = weigh(counted);
  const metWeight = weigh(met);
  return {
    kind,
    value: countedWeight > 0 ? metWeight / countedWeight : null,
    metWeight,
    countedWeight,
    met: met.map((o) => o.key),
    notMet: counted.filter((o) => o.status !== 'met').map((o) => o.key),
    insufficientData: ofKind.filter((o) => o.status === 'insufficient_data').map((o) => o.key),
  };
}

/** A site is a watermelon when it has SLA objectives with data, all met, and at least one XLA breached. */
export function watermelonOf(siteKey: string, outcomes: readonly ObjectiveOutcome[]): Watermelon | null {
  const slaWithData = outcomes.filter((o) => o.kind === 'sla' && o.status !== 'insufficient_data');
  const breachedXla = outcomes.filter((o) => o.kind === 'xla' && o.status === 'breached');
  const green = slaWithData.length > 0 && slaWithData.every((o) => o.status === 'met');
  if (!green || breachedXla.length === 0) return null;
  return { siteKey, breachedXla: breachedXla.map((o) => o.key), metSla: slaWithData.map((o) => o.key) };
}

/** The watermelon sites among many, in the order given. */
export function watermelons(sites: ReadonlyArray<{ siteKey: string; outcomes: readonly ObjectiveOutcome[] }>): Watermelon[] {
  return sites.map((s) => watermelonOf(s.siteKey, s.outcomes)).filter((w): w is Watermelon => w !== null);
}

/** Experience index of a site or contract: happy_index over all its counted ratings, with n as the sample. */
export const experienceIndex = (counts: Counts): Figure => figureOf('happy_index', counts);

import type { IncidentCategory } from '../catalog/catalog.types';

/**
 * When a reading means something needs doing in the zone: a dispenser nearly empty, a bin nearly
 * full (occupants would not find what they need: out of supplies), water where it should not be.
 * A state returns to ok with some margin (hysteresis), so a level wavering at the line opens and
 * resolves nothing over and over. Pure.
 */
export interface SensorRule {
  category: IncidentCategory;
  /** The reading that opens an incident. */
  bad(value: number): boolean;
  /** The reading that puts it right. */
  good(value: number): boolean;
}

export const SENSOR_RULES: Readonly<Record<string, SensorRule>> = {
  soap_level: { category: 'out_of_supplies', bad: (v) => v < 10, good: (v) => v >= 20 },
  paper_level: { category: 'out_of_supplies', bad: (v) => v < 10, good: (v) => v >= 20 },
  bin_fill: { category: 'out_of_supplies', bad: (v) => v > 90, good: (v) => v <= 75 },
  leak: { category: 'leak', bad: (v) => v >= 1, good: (v) => v < 1 },
};

export type SensorState = 'bad' | 'good';

/** What a reading says, or undefined between the lines (no change). */
export function sensorState(signal: string, value: number): { rule: SensorRule; state: SensorState } | undefined {
  const rule = SENSOR_RULES[signal];
  if (!rule) return undefined;
  if (rule.bad(value)) return { rule, state: 'bad' };
  if (rule.good(value)) return { rule, state: 'good' };
  return undefined;
}

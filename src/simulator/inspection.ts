import type { Prng } from './prng';

/** What an inspector sees in a zone. */
export interface ZoneFindings {
  /** The zone's last round or call was missed within the past day. */
  missedRecently: boolean;
  /** A dispenser of the zone is empty. */
  dispenserEmpty: boolean;
  binFull: boolean;
}

/** An inspection's outcome, as the service takes it: a score from 0 to 100, or a pass/fail checklist. */
export type InspectionResult = { score: number } | { passed: boolean };

/** A checklist passes at this score. */
export const PASS_SCORE = 70;

/**
 * An inspector's score: around 88 in a looked-after zone, lower after a missed clean, an empty dispenser or a
 * full bin, clamped to 0–100. One inspection in four is a pass/fail checklist instead of a score.
 */
export function inspect(prng: Prng, findings: ZoneFindings): InspectionResult {
  const penalty = (findings.missedRecently ? 18 : 0) + (findings.dispenserEmpty ? 12 : 0) + (findings.binFull ? 8 : 0);
  const score = Math.round(Math.min(100, Math.max(0, prng.normal(88, 6) - penalty)));
  return prng.chance(0.25) ? { passed: score >= PASS_SCORE } : { score };
}

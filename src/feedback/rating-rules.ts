import type { ReasonSet, Scale } from '../catalog/catalog.types';
import type { FieldError } from '../platform/errors/domain.exception';
import { isSaneInstantMs } from '../platform/validation/instant';
import { unsafeTextReason } from '../platform/validation/safe-text';
import { allReasonsFor, scaleScores } from './reasons';

export const COMMENT_MAX = 500;
export const REASONS_MAX = 10;
/** Device clocks drift; a rating this far ahead of ours still counts as "now". */
export const CLOCK_SKEW_MS = 30_000;

export interface RatingRulesTouchpoint {
  scale: Scale;
  reasonSets: readonly ReasonSet[];
}

/** Checks a score and its answers against the touchpoint they were given on. Pure. */
export function checkAnswers(tp: RatingRulesTouchpoint, answers: { score?: number; reasons?: readonly string[]; comment?: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (answers.score !== undefined) {
    const scores = scaleScores(tp.scale);
    if (!scores.includes(answers.score)) {
      errors.push({ field: 'score', message: `expected a whole number from ${scores[0]} to ${scores[scores.length - 1]} on this touchpoint's ${tp.scale} scale` });
    }
  }
  const allowed = allReasonsFor(tp.reasonSets);
  const reasons = answers.reasons ?? [];
  reasons.forEach((reason, i) => {
    const unsafe = unsafeTextReason(reason);
    if (unsafe) errors.push({ field: `reasons.${i}`, message: unsafe });
    else if (!allowed.has(reason)) errors.push({ field: `reasons.${i}`, message: `unknown reason "${reason}" for this touchpoint; expected one of ${[...allowed].join(', ')}` });
  });
  if (new Set(reasons).size !== reasons.length) errors.push({ field: 'reasons', message: 'a reason is given twice' });
  if (reasons.length > REASONS_MAX) errors.push({ field: 'reasons', message: `expected at most ${REASONS_MAX} reasons` });
  if (answers.comment !== undefined && answers.comment.length > COMMENT_MAX) errors.push({ field: 'comment', message: `expected at most ${COMMENT_MAX} characters` });
  const unsafeComment = answers.comment === undefined ? undefined : unsafeTextReason(answers.comment);
  if (unsafeComment) errors.push({ field: 'comment', message: unsafeComment });
  return errors;
}

/** A rating's time may not be in the future, nor older than maxAgeMs (null: any age, for imported history). Pure. */
export function checkRatedAt(ratedAt: Date, now: Date, maxAgeMs: number | null): FieldError[] {
  if (!isSaneInstantMs(ratedAt.getTime())) return [{ field: 'ts', message: 'is not a time that can be stored' }];
  const age = now.getTime() - ratedAt.getTime();
  if (age < -CLOCK_SKEW_MS) return [{ field: 'ts', message: 'must not be in the future' }];
  if (maxAgeMs !== null && age > maxAgeMs) {
    return [{ field: 'ts', message: `must be within the last ${Math.round(maxAgeMs / 3_600_000)} hours (the oldest backlog a kiosk may send)` }];
  }
  return [];
}

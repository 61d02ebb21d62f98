import { z } from 'zod';
import { INCIDENT_CATEGORIES } from '../reasons';
import type { Messages } from './messages';
import { COMMENT_MAX } from '../rating-rules';

/** Form fields arrive as strings (or arrays when repeated); blank means absent. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** Browsers send line breaks as CRLF but count them as one character against maxlength. */
const comment = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.replace(/\r\n/g, '\n')) : v),
  z.string().max(COMMENT_MAX).optional(),
);
const list = z.preprocess((v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(z.string().max(64)).max(20));
/** A score comes from a button: plain decimal digits (0-99); no sign, exponent, hex, padding, leading zero or repeat. */
export const formScore = z.string().regex(/^(?:0|[1-9]\d?)$/).transform(Number);

export const rateForm = z.object({ id: z.uuid(), score: formScore });
export const followUpForm = z.object({ id: z.uuid(), score: formScore, reasons: list, comment, skip: z.string().optional() });
export const reportForm = z.object({ id: z.preprocess(blankToUndefined, z.uuid().optional()), category: z.enum(INCIDENT_CATEGORIES), comment });

/** The one message to show for a rejected form: the first field that is wrong decides. */
export function formErrorMessage(error: z.ZodError, m: Messages, scoreMessage: string): string {
  const field = error.issues[0]?.path[0];
  if (field === 'comment') return m.errors.commentTooLong;
  if (field === 'score') return scoreMessage;
  if (field === 'category') return m.errors.chooseCategory;
  return m.errors.invalidForm;
}

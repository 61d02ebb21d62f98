import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { LANGUAGES } from '../catalog/catalog.types';
import { listCatalogSchema } from '../catalog/list-catalog.dto';
import { INCIDENT_CATEGORIES } from './reasons';
import { isoInstant, isoOrEpochMsInstant } from '../platform/validation/instant';
import { COMMENT_MAX, REASONS_MAX } from './rating-rules';

/** Ids are made by the sender (UUIDs on kiosks and pages) and make a retry harmless. */
export const submissionId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'expected 1-128 letters, digits, ".", "_", ":" or "-" (a UUID is best)' });
const token = z.string().min(1).max(64).describe('the touchpoint token printed in its QR code');
const reasons = z.array(z.string().min(1).max(64)).max(REASONS_MAX, { message: `expected at most ${REASONS_MAX} reasons` });
const comment = z.string().max(COMMENT_MAX, { message: `expected at most ${COMMENT_MAX} characters` });

export const createRatingSchema = z.strictObject({
  token,
  score: z.number({ message: 'expected a whole number' }).int({ message: 'expected a whole number' }),
  reasons: reasons.optional(),
  comment: comment.optional(),
  ts: isoOrEpochMsInstant.optional().describe('when the occupant rated; defaults to arrival'),
  id: submissionId.optional().describe('idempotency id; or send the Idempotency-Key header'),
  language: z.enum(LANGUAGES).optional(),
});
export class CreateRatingDto extends createZodDto(createRatingSchema) {}

export const followUpSchema = z.strictObject({ token, reasons: reasons.optional(), comment: comment.optional() });
export class FollowUpDto extends createZodDto(followUpSchema) {}

export const createIncidentSchema = z.strictObject({ token, category: z.enum(INCIDENT_CATEGORIES), comment: comment.optional(), id: submissionId.optional() });
export class CreateIncidentDto extends createZodDto(createIncidentSchema) {}

export const listRatingsSchema = listCatalogSchema.omit({ contract: true }).extend({
  touchpoint: z.string().min(1).optional().describe('touchpoint key'),
  from: isoInstant.optional().describe('rated at or after (ISO 8601)'),
  to: isoInstant.optional().describe('rated before (ISO 8601)'),
});
export class ListRatingsDto extends createZodDto(listRatingsSchema) {}

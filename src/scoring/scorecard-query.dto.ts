import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { INDICATOR_KEYS } from './indicators';
import { QUERY_WINDOWS } from './scorecard-window';

/** `?period=`, as every scoring and report route takes it (parsePeriod says what is wrong with a bad one). */
export const periodField = z
  .string()
  .min(1)
  .max(32)
  .optional()
  .describe('a calendar month YYYY-MM, an ISO week YYYY-Www, or local dates YYYY-MM-DD..YYYY-MM-DD (both included, at most 366 days), in each site\'s time zone');

const windowFields = {
  period: periodField,
  window: z.enum(QUERY_WINDOWS).optional().describe('instead of period: the current calendar month or week, or the last 7, 28 or 30 local days'),
};

/** ?period= or ?window= (not both; the service says so naming the field). */
export class ScoringWindowDto extends createZodDto(z.strictObject(windowFields)) {}

export class ScorecardQueryDto extends createZodDto(
  z.strictObject({
    ...windowFields,
    rankBy: z.enum(INDICATOR_KEYS).optional().describe('the cross-site benchmark\'s indicator (default happy_index, the experience index)'),
  }),
) {}

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { INDICATOR_KEYS } from './indicators';
import { QUERY_WINDOWS } from './scorecard-window';

const windowFields = {
  period: z.string().min(1).max(16).optional().describe('a calendar month YYYY-MM or ISO week YYYY-Www, in each site\'s time zone'),
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

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { isoInstant } from '../platform/validation/instant';

/** The longest span one request derives tasks for. */
export const MAX_TASK_RANGE_DAYS = 31;

export const listTasksSchema = z
  .strictObject({
    site: z.string().min(1).optional().describe('siteKey'),
    zone: z.string().min(1).optional().describe('siteKey.zoneKey'),
    status: z.enum(['due', 'done', 'late', 'missed']).optional(),
    from: isoInstant.describe('tasks due at or after (ISO 8601)'),
    to: isoInstant.describe('tasks due before (ISO 8601)'),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_TASK_RANGE_DAYS * 86_400_000, { message: `at most ${MAX_TASK_RANGE_DAYS} days at a time`, path: ['to'] });
export class ListTasksDto extends createZodDto(listTasksSchema) {}

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { isoInstant } from '../platform/validation/instant';
import { INTERVAL_KINDS } from './zone-day-facts';

/** The longest span one request reads intervals for. */
export const MAX_INTERVAL_RANGE_DAYS = 31;

export const listZoneIntervalsSchema = z
  .strictObject({
    site: z.string().min(1).optional().describe('siteKey'),
    zone: z.string().min(1).optional().describe('siteKey.zoneKey'),
    kind: z.enum(INTERVAL_KINDS).optional(),
    from: isoInstant.describe('intervals ending after (ISO 8601)'),
    to: isoInstant.describe('intervals starting before (ISO 8601)'),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_INTERVAL_RANGE_DAYS * 86_400_000, { message: `at most ${MAX_INTERVAL_RANGE_DAYS} days at a time`, path: ['to'] });
export class ListZoneIntervalsDto extends createZodDto(listZoneIntervalsSchema) {}

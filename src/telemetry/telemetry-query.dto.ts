import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { listCatalogSchema } from '../catalog/list-catalog.dto';
import { isoInstant } from '../platform/validation/instant';
import { TELEMETRY_SIGNALS } from './signals';


export const listDeadLettersSchema = listCatalogSchema.omit({ contract: true, site: true }).extend({
  reason: z.string().min(1).optional().describe('e.g. malformed, unknown_device, out_of_range'),
  device: z.string().min(1).optional().describe('siteKey.deviceKey'),
});
export class ListDeadLettersDto extends createZodDto(listDeadLettersSchema) {}

export const listReadingsSchema = listCatalogSchema.omit({ contract: true, site: true }).extend({
  device: z.string().min(1).describe('siteKey.deviceKey'),
  signal: z.string().min(1).optional(),
  from: isoInstant.optional().describe('at or after (ISO 8601)'),
  to: isoInstant.optional().describe('before (ISO 8601)'),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
export class ListReadingsDto extends createZodDto(listReadingsSchema) {}

export const hourlySchema = z.strictObject({
  from: isoInstant.optional().describe('hours at or after (ISO 8601)'),
  to: isoInstant.optional().describe('hours before (ISO 8601)'),
});
export class HourlyQueryDto extends createZodDto(hourlySchema) {}

export const hourlyParamsSchema = z.strictObject({
  zone: z.string().min(1).describe('siteKey.zoneKey'),
  signal: z.enum(TELEMETRY_SIGNALS as [string, ...string[]], { message: `expected one of ${TELEMETRY_SIGNALS.join(', ')}` }),
});
export class HourlyParamsDto extends createZodDto(hourlyParamsSchema) {}

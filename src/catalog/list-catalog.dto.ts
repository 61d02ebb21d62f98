import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const listCatalogSchema = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  contract: z.string().min(1).optional().describe('contract key'),
  site: z.string().min(1).optional().describe('site key'),
});

export class ListCatalogDto extends createZodDto(listCatalogSchema) {}

export const listDevicesSchema = listCatalogSchema.extend({
  status: z.enum(['online', 'offline']).optional().describe('offline: silent for three times its expected interval, or never heard from'),
});
export class ListDevicesDto extends createZodDto(listDevicesSchema) {}

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ROLES } from '../platform/access/roles';

export const createApiKeySchema = z.strictObject({
  role: z.enum(ROLES),
  client: z.string().min(1).optional().describe('client key; required for every role but admin'),
  site: z.string().min(1).optional().describe('site key of that client; required for role device (a handheld sees its own site only), refused for the others'),
  name: z.string().min(1).max(100).optional(),
});

export class CreateApiKeyDto extends createZodDto(createApiKeySchema) {}

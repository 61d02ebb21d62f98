import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ROLES } from '../platform/access/roles';

export const createApiKeySchema = z.strictObject({
  role: z.enum(ROLES),
  client: z.string().min(1).optional().describe('client key; required for every role but admin'),
  name: z.string().min(1).max(100).optional(),
});

export class CreateApiKeyDto extends createZodDto(createApiKeySchema) {}

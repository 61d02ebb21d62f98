import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

// No body at all is the same as {}: a first credential, no rotation.
export const issueDeviceCredentialSchema = z
  .strictObject({
    rotate: z.boolean().optional().describe("replace the device's current credential; without it a device that has one gets 409"),
  })
  .default({});

export class IssueDeviceCredentialDto extends createZodDto(issueDeviceCredentialSchema) {}

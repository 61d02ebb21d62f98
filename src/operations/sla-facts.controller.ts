import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { isoInstant } from '../platform/validation/instant';
import { SlaFactsService } from './sla-facts.service';

class ListSlaFactsDto extends createZodDto(
  z
    .strictObject({
      site: z.string().min(1).optional().describe('siteKey'),
      zone: z.string().min(1).optional().describe('siteKey.zoneKey'),
      from: isoInstant.describe('hours at or after (ISO 8601)'),
      to: isoInstant.describe('hours before (ISO 8601)'),
    })
    .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
    .refine((q) => q.to.getTime() - q.from.getTime() <= 93 * 86_400_000, { message: 'at most 93 days at a time', path: ['to'] }),
) {}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api/v1')
export class SlaFactsController {
  constructor(private readonly facts: SlaFactsService) {}

  /**
   * SLA facts per zone and hour: counts and minutes (never ratios), as scoring sums them — tasks, incidents, visitors, out,
   * inspections, occupied and comfortable minutes, device online and expected minutes; recomputed within a minute of a change.
   */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('sla-facts')
  list(@CurrentPrincipal() who: Principal, @Query() query: ListSlaFactsDto) {
    return this.facts.list(who, query);
  }
}

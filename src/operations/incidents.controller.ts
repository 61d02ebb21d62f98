import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { INCIDENT_CATEGORIES } from '../catalog/catalog.types';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { isoInstant } from '../platform/validation/instant';
import { IncidentsService } from './incidents.service';

class OpenIncidentDto extends createZodDto(z.strictObject({ category: z.enum(INCIDENT_CATEGORIES, { message: `expected one of ${INCIDENT_CATEGORIES.join(', ')}` }) })) {}
class ZoneParamsDto extends createZodDto(z.strictObject({ zone: z.string().min(1).describe('siteKey.zoneKey') })) {}
class IncidentParamsDto extends createZodDto(z.strictObject({ id: z.uuid({ message: 'expected an incident id (UUID)' }) })) {}
class ListIncidentsDto extends createZodDto(
  z.strictObject({
    site: z.string().min(1).optional().describe('siteKey'),
    status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
    from: isoInstant.optional().describe('opened at or after (ISO 8601)'),
    to: isoInstant.optional().describe('opened before (ISO 8601)'),
    limit: z.coerce.number().int().min(1).max(1_000).default(200),
  }),
) {}

@ApiTags('operations')
@ApiBearerAuth()
// POST /api/v1/incidents is the occupants' "report a problem" (feedback); staff open one on its zone.
@Controller('api/v1')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  /** Incidents, newest first, with their response and resolution in service time and against their targets. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer', 'device')
  @Get('incidents')
  list(@CurrentPrincipal() who: Principal, @Query() query: ListIncidentsDto) {
    return this.incidents.list(who, query);
  }

  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer', 'device')
  @Get('incidents/:id')
  get(@CurrentPrincipal() who: Principal, @Param() params: IncidentParamsDto) {
    return this.incidents.get(who, params.id);
  }

  /** Opens an incident in a zone; 200 with the open one of that category when there is one. */
  @Roles('admin', 'fm_manager')
  @Post('zones/:zone/incidents')
  @HttpCode(201)
  async open(@CurrentPrincipal() who: Principal, @Param() params: ZoneParamsDto, @Body() body: OpenIncidentDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { incident, created } = await this.incidents.open(who, { zone: params.zone, category: body.category });
    if (!created) void reply.status(200);
    return incident;
  }

  /** Staff, and handhelds (device keys) on their own site. */
  @Roles('admin', 'fm_manager', 'device')
  @Post('incidents/:id/ack')
  @HttpCode(200)
  acknowledge(@CurrentPrincipal() who: Principal, @Param() params: IncidentParamsDto) {
    return this.incidents.acknowledge(who, params.id);
  }

  @Roles('admin', 'fm_manager', 'device')
  @Post('incidents/:id/resolve')
  @HttpCode(200)
  resolve(@CurrentPrincipal() who: Principal, @Param() params: IncidentParamsDto) {
    return this.incidents.resolve(who, params.id);
  }
}

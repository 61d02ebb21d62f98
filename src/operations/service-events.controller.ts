import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto } from 'nestjs-zod';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { createServiceEventSchema } from './service-event';
import { ServiceEventsService } from './service-events.service';

class CreateServiceEventDto extends createZodDto(createServiceEventSchema) {}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api/v1')
export class ServiceEventsController {
  constructor(private readonly events: ServiceEventsService) {}

  /** Records what staff did in a zone: a check-in, a refill or an inspection (a handheld's device key: in its own site only). 201 when stored, 200 for a retry of an event stored before (same id). */
  @Roles('admin', 'fm_manager', 'device')
  @Post('events')
  @HttpCode(201)
  async create(@CurrentPrincipal() who: Principal, @Body() body: CreateServiceEventDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { event, created } = await this.events.record(who, body);
    if (!created) void reply.status(200);
    return event;
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ALERT_RULES } from '../catalog/catalog.types';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { AlertsService } from './alerts.service';

const note = z.string().trim().max(1_000, { message: 'expected a note of at most 1000 characters' }).optional();
class AlertParamsDto extends createZodDto(z.strictObject({ id: z.uuid({ message: 'expected an alert id (UUID)' }) })) {}
class AlertNoteDto extends createZodDto(z.strictObject({ note })) {}
class SnoozeDto extends createZodDto(
  z.strictObject({ minutes: z.number({ message: 'expected minutes (a number)' }).int({ message: 'expected whole minutes' }).min(1).max(10_080, { message: 'expected at most a week (10080 minutes)' }), note }),
) {}
class ListAlertsDto extends createZodDto(
  z.strictObject({
    contract: z.string().min(1).max(64).optional(),
    site: z.string().min(1).max(64).optional().describe('siteKey'),
    state: z.enum(['open', 'acknowledged', 'resolved', 'unresolved']).optional(),
    rule: z.enum(ALERT_RULES, { message: `expected one of ${ALERT_RULES.join(', ')}` }).optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(200),
  }),
) {}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Alerts, newest first; another client's are never listed. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get()
  list(@CurrentPrincipal() who: Principal, @Query() query: ListAlertsDto) {
    return this.alerts.list(who, query);
  }

  /** An alert with its history (who, when, a note) and its deliveries. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get(':id')
  get(@CurrentPrincipal() who: Principal, @Param() params: AlertParamsDto) {
    return this.alerts.get(who, params.id);
  }

  /** Stops reminders and escalation; acknowledging twice changes nothing. */
  @Roles('admin', 'fm_manager')
  @Post(':id/ack')
  @HttpCode(200)
  acknowledge(@CurrentPrincipal() who: Principal, @Param() params: AlertParamsDto, @Body() body: AlertNoteDto) {
    return this.alerts.acknowledge(who, params.id, body?.note ?? null);
  }

  @Roles('admin', 'fm_manager')
  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@CurrentPrincipal() who: Principal, @Param() params: AlertParamsDto, @Body() body: AlertNoteDto) {
    return this.alerts.resolve(who, params.id, body?.note ?? null);
  }

  /** No reminder or escalation until then; repeats still count. */
  @Roles('admin', 'fm_manager')
  @Post(':id/snooze')
  @HttpCode(200)
  snooze(@CurrentPrincipal() who: Principal, @Param() params: AlertParamsDto, @Body() body: SnoozeDto) {
    return this.alerts.snooze(who, params.id, body.minutes, body.note ?? null);
  }
}

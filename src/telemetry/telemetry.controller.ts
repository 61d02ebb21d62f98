import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { HourlyParamsDto, HourlyQueryDto, ListDeadLettersDto, ListReadingsDto } from './telemetry-query.dto';
import { ReadingsService } from './readings.service';
import { TelemetryRepository } from './telemetry.repository';
import { DeadLettersRepository } from '../platform/mqtt/dead-letters.repository';

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('api/v1')
export class TelemetryController {
  constructor(
    private readonly telemetry: TelemetryRepository,
    private readonly readingsOfDevices: ReadingsService,
    private readonly deadLetterStore: DeadLettersRepository,
  ) {}

  /** Refused sensor and terminal messages with their reasons. */
  @Roles('admin', 'fm_manager')
  @Get('dead-letters')
  deadLetters(@CurrentPrincipal() who: Principal, @Query() query: ListDeadLettersDto) {
    return this.deadLetterStore.list(who.clientId, query);
  }

  /** A cleaner's check-in tag only for admin and fm_manager; the other roles see a stable pseudonym (`staff-…`). */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('readings')
  readings(@CurrentPrincipal() who: Principal, @Query() query: ListReadingsDto) {
    return this.readingsOfDevices.list(who, query);
  }

  /** Hourly count, sum, min, max and mean of a signal in a zone ("siteKey.zoneKey"); for people_count the sum is people. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('zones/:zone/signals/:signal/hourly')
  hourly(@CurrentPrincipal() who: Principal, @Param() params: HourlyParamsDto, @Query() query: HourlyQueryDto) {
    return this.telemetry.hourly(who.clientId, { ...params, ...query });
  }
}

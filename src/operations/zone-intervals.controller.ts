import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { ListZoneIntervalsDto } from './zone-intervals-query.dto';
import { ZoneIntervalsService } from './zone-intervals.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api/v1')
export class ZoneIntervalsController {
  constructor(private readonly intervals: ZoneIntervalsService) {}

  /**
   * Intervals overlapping a range (at most 31 days) when a dispenser was empty or a bin full, CO2 or temperature out of
   * range, occupants uncomfortable, or a planned clean overdue, each with the people counted meanwhile.
   */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('zone-intervals')
  list(@CurrentPrincipal() who: Principal, @Query() query: ListZoneIntervalsDto) {
    return this.intervals.query(who, query);
  }
}

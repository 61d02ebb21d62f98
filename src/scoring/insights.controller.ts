import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { DriversQueryDto, HeatmapQueryDto } from './insights-query.dto';
import { InsightsService } from './insights.service';

/** What goes with negative experiences, and when they happen, for a contract of the caller's client (another client's is not found). */
@ApiTags('scoring')
@ApiBearerAuth()
@Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
@Controller('api/v1/contracts/:key')
export class InsightsController {
  constructor(private readonly insights: InsightsService) {}

  /** Ranked drivers (lift, 95 % interval, excess negatives, counts), those left out for n < 30, reason shares and comment themes. */
  @Get('drivers')
  drivers(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: DriversQueryDto) {
    return this.insights.drivers(who, key, query);
  }

  /** An indicator from ratings per local weekday × hour, summed over the contract's sites, each in its own time zone. */
  @Get('heatmap')
  heatmap(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: HeatmapQueryDto) {
    return this.insights.heatmap(who, key, query);
  }
}

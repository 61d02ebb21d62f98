import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { ScorecardQueryDto, ScoringWindowDto } from './scorecard-query.dto';
import { ScorecardService } from './scorecard.service';

/**
 * Scorecards, objectives and watermelons of the caller's client (another client's are not found).
 * Every figure carries numerator, denominator and sample; below an objective's minimum sample its
 * value is null and its status insufficient_data.
 */
@ApiTags('scoring')
@ApiBearerAuth()
@Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
@Controller('api/v1')
export class ScorecardController {
  constructor(private readonly scorecards: ScorecardService) {}

  /** A contract's objectives, experience index, attainment, reasons, watermelons and benchmark, per site in its own window. */
  @Get('contracts/:key/scorecard')
  contract(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: ScorecardQueryDto) {
    return this.scorecards.contract(who, key, query);
  }

  /** A contract's experience index and XLA and SLA attainment per local date of the window, each day scored alone. */
  @Get('contracts/:key/daily')
  daily(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: ScoringWindowDto) {
    return this.scorecards.contractDaily(who, key, query);
  }

  /** The watermelon sites of a contract: every SLA with data met, an XLA breached; with the objectives that make them so. */
  @Get('contracts/:key/watermelons')
  watermelons(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: ScoringWindowDto) {
    return this.scorecards.watermelons(who, key, query);
  }

  /** One site's scorecard, per zone. */
  @Get('sites/:key/scorecard')
  site(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Query() query: ScoringWindowDto) {
    return this.scorecards.site(who, key, query);
  }

  /** An objective over its scope: status, budget, burn rates per lookback of service hours, and the daily series of its window. */
  @ApiParam({ name: 'ref', description: 'contractKey.objectiveKey' })
  @Get('objectives/:ref')
  objective(@CurrentPrincipal() who: Principal, @Param('ref') ref: string, @Query() query: ScoringWindowDto) {
    return this.scorecards.objective(who, ref, query);
  }
}

import { Module } from '@nestjs/common';
import { RollupsRepository } from './rollups.repository';
import { RollupsRebuilder } from './rollups-rebuilder';
import { RollupsService } from './rollups.service';

/** Scoring: the rollups of ratings and SLA facts (and, next, objectives, budgets and the scorecard API). */
@Module({
  providers: [RollupsRepository, RollupsService, RollupsRebuilder],
  exports: [RollupsService, RollupsRebuilder],
})
export class ScoringModule {}

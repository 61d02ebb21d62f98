import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FiguresPublisher } from './figures-publisher';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';
import { LookbacksRepository } from './lookbacks.repository';
import { PublishedFiguresRepository } from './published-figures.repository';
import { RollupsRepository } from './rollups.repository';
import { RollupsRebuilder } from './rollups-rebuilder';
import { RollupsService } from './rollups.service';
import { ScorecardController } from './scorecard.controller';
import { ScorecardService } from './scorecard.service';
import { ScoringScopeService } from './scoring-scope.service';

/** Scoring: the rollups of ratings and SLA facts, the scorecard, objective and watermelon API read from them, and the published scorecards. */
@Module({
  imports: [CatalogModule],
  controllers: [ScorecardController, InsightsController],
  providers: [RollupsRepository, RollupsService, RollupsRebuilder, LookbacksRepository, ScoringScopeService, ScorecardService, InsightsRepository, InsightsService, PublishedFiguresRepository, FiguresPublisher],
  exports: [RollupsService, RollupsRebuilder, ScoringScopeService, ScorecardService, InsightsService, FiguresPublisher],
})
export class ScoringModule {}

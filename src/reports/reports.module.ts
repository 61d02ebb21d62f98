import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ScoringModule } from '../scoring/scoring.module';
import { ReportMailer } from './report-mailer';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsScheduler } from './reports.scheduler';
import { ReportsService } from './reports.service';
import { ShareLinksController, SharePageController } from './share-links.controller';
import { ShareLinksRepository } from './share-links.repository';
import { ShareLinksService } from './share-links.service';

/** Monthly contract reports (issue 16): HTML, PDF and CSV from the scoring module's figures, stored each month, and the live scorecard page behind share links. */
@Module({
  imports: [CatalogModule, ScoringModule],
  controllers: [ReportsController, ShareLinksController, SharePageController],
  providers: [ReportsService, ReportsRepository, ReportMailer, ReportsScheduler, ShareLinksRepository, ShareLinksService],
  exports: [ReportsService],
})
export class ReportsModule {}

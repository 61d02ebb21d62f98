import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsScheduler } from './reports.scheduler';
import { ReportsService } from './reports.service';

/** Monthly contract reports (issue 16): HTML and CSV from the scoring module's figures. */
@Module({
  imports: [ScoringModule],
  controllers: [ReportsController],
  providers: [ReportsService, ReportsRepository, ReportsScheduler],
  exports: [ReportsService],
})
export class ReportsModule {}

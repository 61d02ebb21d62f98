import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { OperationsModule } from '../operations/operations.module';
import { ScoringModule } from '../scoring/scoring.module';
import { AlertRulesJob } from './alert-rules.job';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { NegativeFeedback } from './negative-feedback';
import { OutboxSender } from './outbox-sender';
import { ThankTheTeam } from './thank-the-team';

/** Alerts (issue 15): rules, one open alert per rule and scope, lifecycle, and delivery through the outbox. */
@Module({
  imports: [CatalogModule, FeedbackModule, OperationsModule, ScoringModule],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertsService, NegativeFeedback, ThankTheTeam, AlertRulesJob, OutboxSender],
  exports: [AlertsService],
})
export class AlertsModule {}

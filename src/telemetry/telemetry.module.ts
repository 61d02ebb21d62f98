import { Module } from '@nestjs/common';
import { FeedbackModule } from '../feedback/feedback.module';
import { IngestService, ingestMetricProviders } from './ingest.service';
import { PartitionsJob } from './partitions.job';
import { ReadingsSummaryJob } from './readings-summary.job';
import { ReadingsService } from './readings.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';

/** Sensor telemetry: MQTT ingest through a local spool, readings storage, dead letters, device health. */
@Module({
  // For the pseudonym secret: a cleaner's tag is shown to most roles as a pseudonym.
  imports: [FeedbackModule],
  controllers: [TelemetryController],
  providers: [TelemetryRepository, ReadingsService, IngestService, PartitionsJob, ReadingsSummaryJob, ...ingestMetricProviders],
  exports: [ReadingsService, IngestService],
})
export class TelemetryModule {}

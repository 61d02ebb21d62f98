import { Module } from '@nestjs/common';
import { IngestService, ingestMetricProviders } from './ingest.service';
import { PartitionsJob } from './partitions.job';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';

/** Sensor telemetry: MQTT ingest through a local spool, readings storage, dead letters, device health. */
@Module({
  controllers: [TelemetryController],
  providers: [TelemetryRepository, IngestService, PartitionsJob, ...ingestMetricProviders],
})
export class TelemetryModule {}

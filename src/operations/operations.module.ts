import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { ServiceEventsController } from './service-events.controller';
import { ServiceEventsRepository } from './service-events.repository';
import { ServiceEventsService } from './service-events.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

/** Service delivery, the SLA side: service events (HTTP and MQTT) and cleaning tasks from the plans and the facts (incidents, intervals and SLA facts come next). */
@Module({
  imports: [CatalogModule, TelemetryModule],
  controllers: [TasksController, ServiceEventsController],
  providers: [TasksService, ServiceEventsService, ServiceEventsRepository],
})
export class OperationsModule {}

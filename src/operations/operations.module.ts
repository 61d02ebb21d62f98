import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { SensorIncidentsService } from './sensor-incidents.service';
import { DeviceOfflineRepository } from './device-offline.repository';
import { DeviceOfflineService } from './device-offline.service';
import { SlaFactsController } from './sla-facts.controller';
import { SlaFactsRepository } from './sla-facts.repository';
import { SlaFactsService } from './sla-facts.service';
import { ZoneFactsLoader } from './zone-facts.loader';
import { ZoneIntervalsController } from './zone-intervals.controller';
import { ZoneIntervalsRepository } from './zone-intervals.repository';
import { ZoneIntervalsService } from './zone-intervals.service';
import { ServiceEventsController } from './service-events.controller';
import { ServiceEventsRepository } from './service-events.repository';
import { ServiceEventsService } from './service-events.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { TaskPublicationsRepository } from './task-publications.repository';
import { TaskPublisherService } from './task-publisher.service';

/** Service delivery, the SLA side: service events (HTTP and MQTT), cleaning tasks from the plans and the facts, incidents from reports, staff and sensor rules, SLA facts per zone-hour and the intervals behind them. */
@Module({
  imports: [CatalogModule, TelemetryModule, FeedbackModule],
  controllers: [TasksController, ServiceEventsController, IncidentsController, SlaFactsController, ZoneIntervalsController],
  providers: [TasksService, ServiceEventsService, ServiceEventsRepository, IncidentsService, IncidentsRepository, SensorIncidentsService, DeviceOfflineService, DeviceOfflineRepository, SlaFactsService, SlaFactsRepository, ZoneFactsLoader, TaskPublisherService, TaskPublicationsRepository, ZoneIntervalsService, ZoneIntervalsRepository],
  exports: [ZoneIntervalsService, IncidentsService],
})
export class OperationsModule {}

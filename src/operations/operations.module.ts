import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

/** Service delivery, the SLA side: cleaning tasks from the plans and the facts (events, incidents and SLA facts come next). */
@Module({
  imports: [CatalogModule, TelemetryModule],
  controllers: [TasksController],
  providers: [TasksService],
})
export class OperationsModule {}

import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/catalog.module';
import { FeedbackModule } from '../feedback.module';
import { ConnectorIo } from './connector-io';
import { ConnectorsController } from './connectors.controller';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsScheduler } from './connectors.scheduler';
import { ConnectorsService } from './connectors.service';

/** Pull connectors: scheduled imports of ratings from other feedback systems, through RatingsService. */
@Module({
  imports: [CatalogModule, FeedbackModule],
  controllers: [ConnectorsController],
  providers: [ConnectorIo, ConnectorsRepository, ConnectorsService, ConnectorsScheduler],
})
export class ConnectorsModule {}

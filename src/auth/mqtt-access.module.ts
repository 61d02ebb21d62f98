import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AuthModule } from './auth.module';
import { DeviceMqttAccess } from './device-mqtt-access';
import { MosquittoSyncJob } from './mosquitto-sync.job';

/** Device identity on the service's MQTT broker: the embedded broker's checks, Mosquitto's sync job. The service only; the CLI has no broker. */
@Module({
  imports: [AuthModule, CatalogModule],
  providers: [DeviceMqttAccess, MosquittoSyncJob],
})
export class MqttAccessModule {}

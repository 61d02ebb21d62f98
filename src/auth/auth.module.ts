import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { DeviceCredentialsController } from './device-credentials.controller';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { DeviceCredentialsService } from './device-credentials.service';
import { MosquittoDeviceSync } from './mosquitto-device-sync';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), CatalogModule],
  controllers: [ApiKeysController, DeviceCredentialsController],
  providers: [ApiKeysRepository, ApiKeysService, DeviceCredentialsRepository, DeviceCredentialsService, MosquittoDeviceSync, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService, DeviceCredentialsService, DeviceCredentialsRepository, MosquittoDeviceSync],
})
export class AuthModule {}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ZodValidationPipe } from 'nestjs-zod';
import { AuthModule } from './auth/auth.module';
import { OperationsModule } from './operations/operations.module';
import { MqttAccessModule } from './auth/mqtt-access.module';
import { CatalogModule } from './catalog/catalog.module';
import { ContractsBootSync } from './catalog/contracts-boot-sync';
import { ConnectorsModule } from './feedback/connectors/connectors.module';
import { FeedbackModule } from './feedback/feedback.module';
import type { AppConfig } from './platform/config/app-config';
import { PlatformModule } from './platform/platform.module';
import { ScoringModule } from './scoring/scoring.module';
import { AlertsModule } from './alerts/alerts.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { ReportsModule } from './reports/reports.module';
import { TelemetryModule } from './telemetry/telemetry.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), CatalogModule, AuthModule, MqttAccessModule, FeedbackModule, ScheduleModule.forRoot(), ConnectorsModule, TelemetryModule, OperationsModule, ScoringModule, DashboardsModule, AlertsModule, ReportsModule],
      providers: [ContractsBootSync, { provide: APP_PIPE, useClass: ZodValidationPipe }],
    };
  }
}

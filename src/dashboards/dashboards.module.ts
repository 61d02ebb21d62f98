import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { DashboardsPublisher, dashboardsMetricProviders } from './dashboards-publisher';
import { ReportingRoles } from './reporting-roles';

/** Dashboards: the reporting roles of the clients, and the dashboards published to Grafana (built from the contract files, read from the reporting schema). */
@Module({
  imports: [CatalogModule],
  providers: [ReportingRoles, DashboardsPublisher, ...dashboardsMetricProviders],
  exports: [DashboardsPublisher, ReportingRoles],
})
export class DashboardsModule {}

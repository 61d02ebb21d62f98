import 'reflect-metadata';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { DashboardsPublisher } from '../dashboards/dashboards-publisher';
import { ReportingRoles } from '../dashboards/reporting-roles';
import { AppConfig } from '../platform/config/app-config';
import { Clock } from '../platform/clock';
import { StatusBoard } from '../platform/health/status-board';
import { runCli } from './cli.module';

// npm run dashboards:publish: publishes the dashboards to GRAFANA_URL (organisations, folders, data sources, dashboards),
// as the service does after each contract sync; prints a JSON summary.
void runCli({
  name: 'dashboards:publish',
  run: async (context, config) => {
    if (!config.grafana) throw new Error('GRAFANA_URL and GRAFANA_PASSWORD (a server admin\'s, with GRAFANA_USER) or GRAFANA_TOKEN must be set: where to publish, and as whom');
    const dataSource = context.get(DataSource);
    const sync = context.get(ContractsSyncService);
    // As the service does at start: the catalog (and so the clients' roles) follows the contract files published.
    await sync.syncDirectory();
    // Built by hand: the CLI module has no metrics registry or health board; the roles follow the contracts as synced.
    const roles = new ReportingRoles(dataSource, sync);
    const publisher = new DashboardsPublisher(
      context.get(AppConfig),
      roles,
      sync,
      new StatusBoard(),
      new Clock(),
      // Neither job nor scheduler: the CLI publishes once.
      undefined as never,
      undefined as never,
      dataSource,
      new Gauge({ name: 'xla_dashboards_last_success_timestamp_seconds', help: 'unused in the CLI', registers: [] }),
      new Counter({ name: 'xla_dashboards_publish_runs_total', help: 'unused in the CLI', labelNames: ['result'], registers: [] }),
    );
    const result = await publisher.publish();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  whenServiceRuns: (service) => {
    throw new Error(`${service.inUse}.\nThe embedded database has one user at a time: the service publishes after each contract sync when GRAFANA_URL is set; or stop it, then run dashboards:publish.`);
  },
});

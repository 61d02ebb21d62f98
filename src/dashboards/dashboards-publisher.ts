import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { loadContractDirectory } from '../catalog/contract-file';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { AppConfig } from '../platform/config/app-config';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { StatusBoard, type ComponentStatus } from '../platform/health/status-board';
import { contractInputOf } from './contract-inputs';
import { DATASOURCE_UID, dashboardSpecs } from './dashboards';
import { GrafanaClient, GrafanaError, type GrafanaDataSource } from './grafana-client';
import { dashboardJson, renderDashboard } from './render';
import { ReportingRoles, clientRole } from './reporting-roles';
import { POSTGRES_TYPE } from './sql-query';

export const DASHBOARDS_JOB = 'dashboards:publish';
/** Besides every contract sync: a Grafana that was away, or changed by hand, is brought back in step. */
const EVERY_MS = 10 * 60_000;
const PUBLISHED_GAUGE = 'xla_dashboards_last_success_timestamp_seconds';
const RUNS_COUNTER = 'xla_dashboards_publish_runs_total';
export const dashboardsMetricProviders = [
  makeGaugeProvider({ name: PUBLISHED_GAUGE, help: 'When the dashboards were last published to Grafana without an error (0: never)' }),
  makeCounterProvider({ name: RUNS_COUNTER, help: 'Dashboard publishing runs, by result', labelNames: ['result'] }),
];

/** The provider's organisation: Grafana's first. */
const PROVIDER_ORG = 1;
const PLATFORM_FOLDER = { uid: 'xla-platform', title: 'XLA Monitor' };

export interface PublishResult {
  organisations: number;
  dashboards: number;
  /** Dashboards, folders and data sources written; 0 when Grafana already had them all. */
  written: number;
  /** Client organisations left out: the credential is a token, which cannot make organisations. */
  skippedClients: number;
}

interface Target {
  org: number;
  dataSource?: GrafanaDataSource;
  folders: Array<{ uid: string; title: string; dashboards: Array<Record<string, unknown>> }>;
}

/**
 * Publishes the dashboards to Grafana: the provider's organisation gets every contract's (a folder
 * per client) and data health; each client an organisation of its own, whose data source logs in as
 * that client's role, with its contracts' dashboards. Idempotent: what Grafana already has is not
 * written again. Runs after every contract sync when GRAFANA_URL is set, every ten minutes on one
 * instance, and as dashboards:publish.
 */
@Injectable()
export class DashboardsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DashboardsPublisher.name);
  private synced?: Subscription;
  private state: ComponentStatus = { status: 'disabled', reason: 'GRAFANA_URL is not set' };
  private running?: Promise<PublishResult>;

  constructor(
    private readonly config: AppConfig,
    private readonly roles: ReportingRoles,
    private readonly contracts: ContractsSyncService,
    private readonly board: StatusBoard,
    private readonly clock: Clock,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(PUBLISHED_GAUGE) private readonly published: Gauge,
    @InjectMetric(RUNS_COUNTER) private readonly runs: Counter<'result'>,
  ) {}

  onApplicationBootstrap(): void {
    this.board.report('dashboards', () => this.state);
    if (!this.config.grafana) return;
    this.state = { status: 'up', lastRunAt: null, lastSuccessAt: null, lastError: null };
    this.synced = this.contracts.synced.subscribe(() => void this.publish().catch(() => undefined));
    const tick = () => void this.leader.runAsLeader(DASHBOARDS_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.publish()).catch(() => undefined);
    this.registry.addInterval(DASHBOARDS_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    this.synced?.unsubscribe();
    if (this.registry.doesExist('interval', DASHBOARDS_JOB)) this.registry.deleteInterval(DASHBOARDS_JOB);
  }

  /** Publishes now (a run already going is awaited instead of a second). */
  publish(client?: GrafanaClient): Promise<PublishResult> {
    this.running ??= this.run(client).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(given?: GrafanaClient): Promise<PublishResult> {
    const grafana = this.config.grafana;
    if (!grafana && !given) throw new Error('GRAFANA_URL is not set: nowhere to publish');
    const client = given ?? new GrafanaClient({ url: grafana!.url, credential: grafana!.token });
    const startedAt = this.clock.now().toISOString();
    try {
      const result = await this.publishWith(client);
      this.state = { status: 'up', lastRunAt: startedAt, lastSuccessAt: this.clock.now().toISOString(), lastError: null, ...result };
      this.published.set(this.clock.now().getTime() / 1000);
      this.runs.inc({ result: 'ok' });
      return result;
    } catch (error) {
      const message = (error as Error).message;
      this.state = { ...this.state, status: 'degraded', lastRunAt: startedAt, lastError: message };
      this.runs.inc({ result: 'failed' });
      this.logger.warn(`Publishing the dashboards failed: ${message}`);
      throw error;
    }
  }

  private async publishWith(grafana: GrafanaClient): Promise<PublishResult> {
    const health = await grafana.health();
    if (health.status !== 200) throw new GrafanaError('GET', '/api/health', health.status, 'Grafana is not healthy');
    const writesBefore = grafana.writes;
    const targets = await this.targets(grafana);
    for (const { org, ...target } of targets.list) {
      if (target.dataSource) await this.upsertDataSource(grafana, org, target.dataSource);
      for (const folder of target.folders) {
        await this.upsertFolder(grafana, org, folder);
        for (const dashboard of folder.dashboards) await this.upsertDashboard(grafana, org, dashboard, folder.uid);
      }
    }
    return {
      organisations: targets.list.length,
      dashboards: targets.list.reduce((n, t) => n + t.folders.reduce((m, f) => m + f.dashboards.length, 0), 0),
      written: grafana.writes - writesBefore,
      skippedClients: targets.skippedClients,
    };
  }

  /** What each organisation gets, from the contract files (the catalog's source) and the clients' ids. */
  private async targets(client: GrafanaClient): Promise<{ list: Target[]; skippedClients: number }> {
    const grafana = this.config.grafana;
    const files = loadContractDirectory(this.config.contractsDir).map((f) => contractInputOf(f.spec));
    const ids = new Map((await this.dataSource.query<Array<{ id: string; key: string }>>(`SELECT id, key FROM clients`)).map((c) => [c.key, c.id]));
    const byClient = new Map<string, { name: string; contracts: typeof files }>();
    for (const c of files) {
      const entry = byClient.get(c.client.key) ?? { name: c.client.name, contracts: [] };
      entry.contracts.push(c);
      byClient.set(c.client.key, entry);
    }
    const clientKeys = [...byClient.keys()].sort();
    const rendered = (contracts: typeof files, provider: boolean) =>
      // As JSON: the SDK's objects carry methods (a query's variant marker) that Grafana never sees or gives back.
      dashboardSpecs(contracts, provider).map((d) => JSON.parse(dashboardJson(renderDashboard(d, d.contract?.language ?? 'en'))) as Record<string, unknown>);
    const provider: Target = {
      org: PROVIDER_ORG,
      folders: [
        ...clientKeys.map((key) => ({ uid: `xla-${key}`.slice(0, 40), title: byClient.get(key)!.name, dashboards: rendered(byClient.get(key)!.contracts, false) })),
        { ...PLATFORM_FOLDER, dashboards: rendered([], true) },
      ],
    };
    if (grafana?.db.providerPassword) provider.dataSource = this.dataSourceOf('xla_grafana', grafana.db.providerPassword);
    const list = [provider];
    if (!client.canManageOrgs) return { list, skippedClients: clientKeys.length };
    const made = new Set(await this.roles.ensureAll());
    for (const key of clientKeys) {
      const id = ids.get(key);
      // A client in the files but not yet in the database (a sync under way): the next run has it.
      if (!id || !made.has(id)) continue;
      const role = clientRole(id);
      list.push({
        org: await orgFor(client, `XLA Monitor – ${key}`),
        dataSource: this.dataSourceOf(role, await this.roles.password(role)),
        folders: [{ uid: `xla-${key}`.slice(0, 40), title: byClient.get(key)!.name, dashboards: rendered(byClient.get(key)!.contracts, false) }],
      });
    }
    return { list, skippedClients: 0 };
  }

  private dataSourceOf(user: string, password: string): GrafanaDataSource {
    const db = this.config.grafana?.db ?? { host: 'localhost:5432', name: 'postgres' };
    return {
      uid: DATASOURCE_UID,
      name: 'XLA Monitor',
      type: POSTGRES_TYPE,
      access: 'proxy',
      url: db.host,
      user,
      isDefault: true,
      // Which password Grafana holds, as a hash: it never gives the password back, so a changed one is seen by this.
      jsonData: { database: db.name, sslmode: 'disable', postgresVersion: 1500, timescaledb: false, xlaCredential: createHash('sha256').update(password).digest('hex').slice(0, 16) },
      secureJsonData: { password },
    };
  }

  private async upsertDataSource(grafana: GrafanaClient, org: number, wanted: GrafanaDataSource): Promise<void> {
    const existing = await grafana.dataSource(org, wanted.uid);
    const comparable: Partial<GrafanaDataSource> = { ...wanted };
    delete comparable.secureJsonData;
    if (existing && (Object.keys(comparable) as Array<keyof GrafanaDataSource>).every((k) => isDeepStrictEqual(existing[k], comparable[k]))) return;
    const res = existing ? await grafana.updateDataSource(org, wanted) : await grafana.createDataSource(org, wanted);
    grafana.expect(res, existing ? 'PUT' : 'POST', '/api/datasources');
  }

  private async upsertFolder(grafana: GrafanaClient, org: number, folder: { uid: string; title: string }): Promise<void> {
    const existing = await grafana.folder(org, folder.uid);
    if (existing?.title === folder.title) return;
    if (existing) {
      grafana.expect(await grafana.updateFolder(org, folder), 'PUT', '/api/folders');
      return;
    }
    const res = await grafana.createFolder(org, folder);
    // 409: made meanwhile by another publisher, or a folder of that title exists under another uid.
    if (res.status === 409 && (await grafana.folder(org, folder.uid))) return;
    grafana.expect(res, 'POST', '/api/folders');
  }

  private async upsertDashboard(grafana: GrafanaClient, org: number, dashboard: Record<string, unknown>, folderUid: string): Promise<void> {
    const uid = dashboard.uid as string;
    const existing = await grafana.dashboard(org, uid);
    if (existing && existing.meta.folderUid === folderUid) {
      // Grafana adds its id and version to what it stores.
      const stored = { ...existing.dashboard };
      delete stored.id;
      delete stored.version;
      if (isDeepStrictEqual(stored, dashboard)) return;
    }
    let res = await grafana.saveDashboard(org, dashboard, folderUid, 'Published by XLA Monitor');
    // 412 version-mismatch: changed in Grafana meanwhile; overwrite once more (the files are the source).
    if (res.status === 412 && res.body.status === 'version-mismatch') res = await grafana.saveDashboard(org, dashboard, folderUid, 'Published by XLA Monitor');
    if (res.status === 412) {
      throw new GrafanaError('POST', '/api/dashboards/db', 412, `${res.body.status ?? ''}: ${res.body.message ?? `dashboard ${uid} conflicts with another one of the same title in the folder`}`);
    }
    grafana.expect(res, 'POST', '/api/dashboards/db');
  }
}

/** A client's organisation, made when missing. */
async function orgFor(grafana: GrafanaClient, name: string): Promise<number> {
  return ((await grafana.orgByName(name)) ?? (await grafana.createOrg(name))).id;
}

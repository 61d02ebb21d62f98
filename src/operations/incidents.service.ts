import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { IncidentCategory } from '../catalog/catalog.types';
import { CatalogService } from '../catalog/catalog.service';
import { RatingsService } from '../feedback/ratings.service';
import { sees, type Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { DomainException } from '../platform/errors/domain.exception';
import { AUTO_RESOLVED_BY, timingsOf } from './incident-policy';
import { serviceTimeAcross } from './service-time';
import { IncidentsRepository, type IncidentRow, type IncidentStatus } from './incidents.repository';
import { SlaFactsService } from './sla-facts.service';

export const LINK_REPORTS_JOB = 'operations:link-reports';
const LINK_REPORTS_EVERY_MS = 60_000;

/**
 * Incidents: opened by occupants' reports (reports of a zone and category join the open one, and
 * are counted), through the API, and (next) by sensor rules; acknowledged and resolved by staff, or
 * resolved by the refill or check-in that puts them right. Response and resolution count in the
 * site's service hours.
 */
@Injectable()
export class IncidentsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IncidentsService.name);

  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly catalog: CatalogService,
    private readonly ratings: RatingsService,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly slaFacts: SlaFactsService,
  ) {}

  onModuleInit(): void {
    this.ratings.onIncidentReported((clientId) => this.incidents.linkReports(clientId).then(() => undefined));
  }

  /** Reports stored but not joined (a crash in between, another version): joined within a minute, on one instance. */
  onApplicationBootstrap(): void {
    const sweep = () =>
      void this.leader
        .runAsLeader(LINK_REPORTS_JOB, tickOf(this.clock.now(), LINK_REPORTS_EVERY_MS), () => this.incidents.linkReports(null))
        .catch((err: Error) => this.logger.warn(`Joining reports to incidents failed: ${err.message}`));
    this.registry.addInterval(LINK_REPORTS_JOB, setInterval(sweep, LINK_REPORTS_EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', LINK_REPORTS_JOB)) this.registry.deleteInterval(LINK_REPORTS_JOB);
  }

  async open(who: Principal, body: { zone: string; category: IncidentCategory }): Promise<{ incident: IncidentView; created: boolean }> {
    const [zone] = await this.catalog.zonesWithPlans(who, { zone: body.zone });
    const { policy } = await this.incidents.zonePolicy(zone.id);
    const { id, created } = await this.incidents.open({ clientId: zone.clientId, siteId: zone.siteId, zoneId: zone.id, policy }, body.category, this.clock.now());
    return { incident: await this.get(who, id), created };
  }

  /**
   * Opens a zone's incident of a category, or joins the open one, for another module (alerts, on a
   * burst of complaints): work for the zone's team, with the category's targets.
   */
  async raise(clientId: string, zoneId: string, category: IncidentCategory): Promise<{ id: string; created: boolean }> {
    const { siteId, policy } = await this.incidents.zonePolicy(zoneId);
    const opened = await this.incidents.open({ clientId, siteId, zoneId, policy }, category, this.clock.now());
    if (opened.created) await this.slaFacts.mark([{ clientId, zoneId, at: this.clock.now() }]);
    return opened;
  }

  /**
   * Every client's unresolved incidents at `now`, each with the target it is past in its site's service
   * time (`respond` while unacknowledged, then `resolve`), or none: what the alerts rules read.
   */
  async unresolved(now: Date): Promise<Array<{ clientId: string; id: string; zoneId: string; category: IncidentCategory; priority: string; openedAt: Date; overdue: 'respond' | 'resolve' | null }>> {
    const rows = [...(await this.incidents.list(null, { status: 'open', limit: 100_000 })), ...(await this.incidents.list(null, { status: 'acknowledged', limit: 100_000 }))];
    return rows.map((r) => {
      const elapsedS = serviceTimeAcross(r.serviceHours, r.holidays, r.timeZone, r.openedAt.getTime(), now.getTime()) / 1000;
      const overdue = !r.acknowledgedAt && elapsedS > r.respondTargetS ? 'respond' : elapsedS > r.resolveTargetS ? 'resolve' : null;
      return { clientId: r.clientId, id: r.id, zoneId: r.zoneId, category: r.category, priority: r.priority, openedAt: r.openedAt, overdue };
    });
  }

  /** Acknowledging twice, or a resolved incident, changes nothing; another client's is not found. */
  async acknowledge(who: Principal, id: string): Promise<IncidentView> {
    await this.get(who, id);
    if (await this.incidents.acknowledge(who.clientId, id, actor(who), this.clock.now())) await this.changed(who, id);
    return this.get(who, id);
  }

  async resolve(who: Principal, id: string): Promise<IncidentView> {
    await this.get(who, id);
    if (await this.incidents.resolve(who.clientId, id, actor(who), this.clock.now())) await this.changed(who, id);
    return this.get(who, id);
  }

  /** The SLA facts of the day the incident was opened change with its response and resolution. */
  private async changed(who: Principal, id: string): Promise<void> {
    const row = await this.incidents.find(who.clientId, id);
    if (row) await this.slaFacts.mark([{ clientId: row.clientId, zoneId: row.zoneId, at: row.openedAt }]);
  }

  async get(who: Principal, id: string): Promise<IncidentView> {
    const row = await this.incidents.find(who.clientId, id);
    if (!row || !sees(who, row)) throw DomainException.notFound('incident', id);
    return view(row);
  }

  async list(who: Principal, q: { site?: string; status?: IncidentStatus; from?: Date; to?: Date; limit: number }): Promise<{ items: IncidentView[] }> {
    return { items: (await this.incidents.list(who.clientId, { ...q, ...(who.siteId ? { siteId: who.siteId } : {}) })).map(view) };
  }

  /** Refills and check-ins resolve the incidents of their zones that they put right (out of supplies, a spill, …): one statement for a batch. */
  async staffActed(events: ReadonlyArray<{ clientId: string; zoneId: string; kind: string; tag: string; ts: Date }>): Promise<void> {
    const items = events.flatMap((e) =>
      (AUTO_RESOLVED_BY[e.kind as keyof typeof AUTO_RESOLVED_BY] ?? []).map((category) => ({ clientId: e.clientId, zoneId: e.zoneId, category, at: e.ts, by: `${e.kind}:${e.tag}` })),
    );
    const resolved = await this.incidents.autoResolve(items);
    await this.slaFacts.mark(resolved.map((r) => ({ clientId: r.clientId, zoneId: r.zoneId, at: r.openedAt })));
  }
}

export type IncidentView = ReturnType<typeof view>;

function view(r: IncidentRow) {
  const timings = timingsOf(r);
  const status: IncidentStatus = r.resolvedAt ? 'resolved' : r.acknowledgedAt ? 'acknowledged' : 'open';
  return {
    id: r.id,
    zone: r.zone,
    category: r.category,
    priority: r.priority,
    origin: r.origin,
    status,
    reports: r.reportCount,
    openedAt: r.openedAt,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedBy: r.acknowledgedBy,
    resolvedAt: r.resolvedAt,
    resolvedBy: r.resolvedBy,
    resolution: r.resolution,
    targets: { respondS: r.respondTargetS, resolveS: r.resolveTargetS },
    /** Seconds of service time; null until it happened. */
    ...timings,
  };
}

/** Who acted: the API key (never the key itself). */
const actor = (who: Principal) => (who.keyId ? `key:${who.keyId}` : `role:${who.role}`);

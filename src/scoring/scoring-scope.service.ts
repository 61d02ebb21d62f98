import { Injectable } from '@nestjs/common';
import type { ObjectiveView, ServiceHours, ZoneType } from '../catalog/catalog.types';
import { CatalogService } from '../catalog/catalog.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { lookbackHours } from './burn-rate';
import { emptyCounts } from './indicators';
import { LookbacksRepository, type LookbackZone, type SiteLookbackRange } from './lookbacks.repository';
import { windowHours, type TimeWindow, type WindowKind } from './periods';
import type { RollupCounts } from './rollup-columns';
import { RollupsService } from './rollups.service';
import { type LookbackGroup, type ScopedObjective, type ScopeZone, type ZoneCounts } from './scorecard';
import { lookbackRanges, serviceHourBuckets, siteWindow, windowLabel, windowRequestOf, type LookbackRange, type SiteWindow, type WindowRequest } from './scorecard-window';

/** A site of a resolved scope, with its own window (its local days, in its time zone). */
export interface ScopeSite extends SiteWindow {
  key: string;
  clientId: string;
  timeZone: string;
  serviceHours: ServiceHours;
  holidays: string[];
}

export interface ScopeZoneView extends ScopeZone {
  clientId: string;
  siteId: string;
}

/** What a scoring route reads: the caller's contract (or one site of it), its zones and each site's window. */
export interface ResolvedScope {
  contractKey: string;
  /** The site asked for, on site routes. */
  siteKey?: string;
  request: WindowRequest;
  window: { kind: WindowKind; period: string | null };
  /** Nominal hours of the window (local days × 24), for burn-rate factors. */
  windowHours: number;
  sites: ScopeSite[];
  zones: ScopeZoneView[];
}

export interface WindowQuery {
  period?: string;
  window?: string;
}

/** Every site of a contract fits in one catalog page this long. */
const ALL = 1_000_000;

/**
 * Resolves what a scoring route is about — a contract or a site of the caller's client (another
 * client's is not found), its zones, and each site's own window — and reads the rollups for it.
 * Exported for every scoring route (scorecard, objectives, watermelons, drivers, heatmap).
 */
@Injectable()
export class ScoringScopeService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly rollups: RollupsService,
    private readonly lookbackRows: LookbacksRepository,
    private readonly clock: Clock,
  ) {}

  /** A contract of the caller's client, its sites and zones, in the window asked for (default: the current calendar month). */
  async contract(who: Principal, contractKey: string, query: WindowQuery, fallback?: WindowKind): Promise<ResolvedScope> {
    await this.catalog.get('contracts', who, contractKey);
    const request = windowRequestOf(query, fallback);
    const listed = await this.catalog.list('sites', who, { contract: contractKey, page: 1, limit: ALL });
    const siteKeys = new Set(listed.items.map((s) => s.key as string));
    const zones = (await this.catalog.zonesWithPlans(who, {})).filter((z) => siteKeys.has(siteKeyOf(z.ref)));
    return this.resolved(contractKey, undefined, request, listed.items, zones);
  }

  /** One site of the caller's client and its zones. */
  async site(who: Principal, siteKey: string, query: WindowQuery): Promise<ResolvedScope> {
    const site = await this.catalog.get('sites', who, siteKey);
    const request = windowRequestOf(query);
    const zones = await this.catalog.zonesWithPlans(who, { site: siteKey }).catch((error: unknown) => {
      if (error instanceof DomainException && error.code === ErrorCode.NotFound) return [];
      throw error;
    });
    return this.resolved(site.contractKey as string, siteKey, request, [site], zones);
  }

  /** An objective of the caller's client ("contractKey.objectiveKey") and the zones it covers, in its own window unless one is asked for. */
  async objective(who: Principal, ref: string, query: WindowQuery): Promise<{ objective: ObjectiveView; scope: ResolvedScope }> {
    const objective = await this.catalog.objectiveByRef(who, ref);
    return { objective, scope: await this.contract(who, objective.contractKey, query, objective.window) };
  }

  /** The active objectives of the scope's contract, as the scorecard scores them. */
  async objectivesOf(who: Principal, scope: ResolvedScope): Promise<ScopedObjective[]> {
    return (await this.catalog.objectivesOfContract(who, scope.contractKey)).map(scopedObjective);
  }

  /**
   * Each zone's counts over its site's window (daily rollups) and, when `burn`, over the latest
   * 1, 6 and 72 service hours before the site's as-of instant (hourly rollups), summed per site and
   * zone type — what objectives' scopes tell apart — or per zone where zones are shown (`perZone`).
   */
  async counts(scope: ResolvedScope, options: { burn: boolean; perZone?: boolean }): Promise<Map<string, ZoneCounts>> {
    const byZone = new Map<string, ZoneCounts>();
    const sites = new Map(scope.sites.map((s) => [s.key, s]));
    // Zones of sites with the same local dates are read together (a rolling window's today differs by time zone).
    const groups = new Map<string, { clientId: string; dates: string[]; zoneIds: string[] }>();
    for (const zone of scope.zones) {
      const site = sites.get(zone.siteKey)!;
      const id = `${zone.clientId}|${site.dates.join(',')}`;
      const group = groups.get(id) ?? { clientId: zone.clientId, dates: site.dates, zoneIds: [] };
      group.zoneIds.push(zone.id);
      groups.set(id, group);
    }
    const [totals, lookbacks] = await Promise.all([
      Promise.all([...groups.values()].map((g) => this.rollups.dailyTotals(g.clientId, g.zoneIds, g.dates))),
      options.burn ? this.lookbacks(scope, options.perZone ?? false) : undefined,
    ]);
    const read = new Map(totals.flatMap((t) => [...t]));
    for (const zone of scope.zones) {
      byZone.set(zone.id, { totals: read.get(zone.id) ?? { counts: emptyCounts(), negativeReasons: {} }, lookbacks: lookbacks?.get(zone.id) });
    }
    return byZone;
  }

  /** Zones' counts per local date of their sites' windows, for daily series. */
  async daily(scope: ResolvedScope): Promise<Array<{ zoneId: string; localDate: string } & RollupCounts>> {
    const byClient = new Map([...zonesByClient(scope)].map(([clientId, zones]) => [clientId, zones.map((z) => z.id)]));
    const dates = [...new Set(scope.sites.flatMap((s) => s.dates))].sort();
    const rows = (await Promise.all([...byClient].map(([clientId, zoneIds]) => this.rollups.daily(clientId, zoneIds, dates)))).flat();
    // A rolling window's dates differ a little by time zone: each zone keeps only its own site's.
    const siteOf = sitesOfZones(scope);
    return rows.filter((r) => siteOf.get(r.zoneId)!.dates.includes(r.localDate));
  }

  /** Each zone's lookback group and its counts over the site's latest 1, 6 and 72 service hours (empty counts where nothing happened). */
  private async lookbacks(scope: ResolvedScope, perZone: boolean): Promise<Map<string, LookbackGroup>> {
    const lengths = lookbackHours();
    const longest = Math.max(...lengths);
    const siteIds = new Map(scope.zones.map((z) => [z.siteKey, z.siteId]));
    // Sites that share a time zone, opening hours, holidays and as-of instant share their service hours.
    const rangesOf = new Map<string, LookbackRange[]>();
    const ranges: SiteLookbackRange[] = [];
    for (const site of scope.sites) {
      const siteId = siteIds.get(site.key);
      if (!siteId) continue;
      const key = JSON.stringify([site.asOf.getTime(), site.timeZone, site.serviceHours, site.holidays]);
      const found = rangesOf.get(key) ?? lookbackRanges(serviceHourBuckets(site.asOf, longest, site), lengths);
      rangesOf.set(key, found);
      for (const range of found) ranges.push({ siteId, ...range });
    }
    const keyOf = (z: ScopeZoneView) => (perZone ? z.id : `${z.siteId}|${z.type}`);
    const keys = [...new Set(scope.zones.map(keyOf))];
    const index = new Map(keys.map((key, i) => [key, i]));
    const result = new Map<string, LookbackGroup>();
    for (const [clientId, zones] of zonesByClient(scope)) {
      const members: LookbackZone[] = zones.map((z) => ({ id: z.id, group: index.get(keyOf(z))! }));
      const siteIdsOfClient = new Set(zones.map((z) => z.siteId));
      const counted = await this.lookbackRows.lookbackCounts(clientId, members, ranges.filter((r) => siteIdsOfClient.has(r.siteId)), lengths);
      for (const zone of zones) {
        const key = keyOf(zone);
        result.set(zone.id, { key, counts: counted.get(index.get(key)!)! });
      }
    }
    return result;
  }

  private resolved(
    contractKey: string,
    siteKey: string | undefined,
    request: WindowRequest,
    siteRows: ReadonlyArray<Record<string, unknown>>,
    zones: ReadonlyArray<{ id: string; clientId: string; siteId: string; ref: string; type: ZoneType }>,
  ): ResolvedScope {
    const now = this.clock.now();
    // Sites in one time zone share their window (luxon's zone arithmetic is the slow part for many sites).
    const windows = new Map<string, SiteWindow>();
    const windowIn = (timeZone: string) => {
      const found = windows.get(timeZone) ?? siteWindow(request, now, timeZone);
      windows.set(timeZone, found);
      return found;
    };
    const clientOf = new Map(zones.map((z) => [siteKeyOf(z.ref), z.clientId]));
    const sites: ScopeSite[] = siteRows.map((row) => {
      const timeZone = row.timeZone as string;
      return {
        key: row.key as string,
        clientId: clientOf.get(row.key as string) ?? '',
        timeZone,
        serviceHours: row.serviceHours as ServiceHours,
        holidays: (row.holidays as string[] | null) ?? [],
        ...windowIn(timeZone),
      };
    });
    const sample: TimeWindow | undefined = sites[0]?.window;
    return {
      contractKey,
      siteKey,
      request,
      window: windowLabel(request, sample),
      windowHours: sample ? windowHours(sample) : 0,
      sites,
      zones: zones.map((z) => ({ id: z.id, clientId: z.clientId, siteId: z.siteId, ref: z.ref, siteKey: siteKeyOf(z.ref), type: z.type })),
    };
  }
}

/** Zones by client (one client, except for an admin's view across clients). */
function zonesByClient(scope: ResolvedScope): Map<string, ScopeZoneView[]> {
  const byClient = new Map<string, ScopeZoneView[]>();
  for (const zone of scope.zones) {
    const zones = byClient.get(zone.clientId) ?? [];
    zones.push(zone);
    byClient.set(zone.clientId, zones);
  }
  return byClient;
}

/** Each zone's site, by zone id. */
function sitesOfZones(scope: ResolvedScope): Map<string, ScopeSite> {
  const sites = new Map(scope.sites.map((s) => [s.key, s]));
  return new Map(scope.zones.map((z) => [z.id, sites.get(z.siteKey)!]));
}

/** Zones grouped by site key, in site order. */
export function zonesBySite(scope: ResolvedScope): Map<string, ScopeZoneView[]> {
  const grouped = new Map<string, ScopeZoneView[]>(scope.sites.map((s) => [s.key, []]));
  for (const zone of scope.zones) grouped.get(zone.siteKey)?.push(zone);
  return grouped;
}

/** The site key of a zone ref "siteKey.zoneKey" (site keys hold no dot). */
const siteKeyOf = (ref: string): string => ref.slice(0, ref.indexOf('.'));

/** An objective as the pure assembly reads it. */
export const scopedObjective = (o: ObjectiveView): ScopedObjective => ({
  ref: o.ref,
  key: o.key,
  kind: o.kind,
  indicator: o.indicator,
  target: o.target,
  minSample: o.minSample,
  weight: o.weight,
  scope: o.scope ?? {},
});

import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import type { ObjectiveView, ServiceHours, ZoneType } from '../catalog/catalog.types';
import { CatalogService } from '../catalog/catalog.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { lookbackHours } from './burn-rate';
import { emptyCounts, type Counts } from './indicators';
import { LookbacksRepository, type LookbackZone, type SiteLookbackRange } from './lookbacks.repository';
import { windowHours, type PeriodKind, type TimeWindow, type WindowKind } from './periods';
import type { RollupCounts } from './rollup-columns';
import { RollupsService } from './rollups.service';
import { emptyRollup, type LookbackGroup, type ScopedObjective, type ScopeZone, type ZoneCounts } from './scorecard';
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
  window: { kind: PeriodKind; period: string | null };
  /** Nominal hours of the window (local days × 24), for burn-rate factors. */
  windowHours: number;
  sites: ScopeSite[];
  zones: ScopeZoneView[];
  /**
   * The rollups' version, read with the scope and so before any count: counts and figures are cached
   * under it (a rollup run after it makes the next request read again).
   */
  version: string;
  /** The catalog's version, read with the rollups' before the scope: what the scope's catalog rows are kept under. */
  catalogVersion: string;
}

/** The window as the API echoes it: kind, period label, and each site's local window and as-of instant. */
export interface WindowView {
  kind: ResolvedScope['window']['kind'];
  period: string | null;
  sites: Array<{ site: string; timeZone: string; from: string; to: string; asOf: string }>;
}

/** The window of a scope as the API shows it: each site's local start and end, and the instant figures run to. */
export function windowView(scope: ResolvedScope): WindowView {
  // Sites in one time zone share their window: each written out once (a contract's thousand sites were two thousand of luxon's toISO).
  const written = new Map<TimeWindow, { from: string; to: string }>();
  const isoOf = (window: TimeWindow) => {
    const found = written.get(window) ?? { from: window.start.toISO()!, to: window.end.toISO()! };
    written.set(window, found);
    return found;
  };
  return {
    ...scope.window,
    sites: scope.sites.map((s) => ({ site: s.key, timeZone: s.timeZone, ...isoOf(s.window), asOf: s.asOf.toISOString() })),
  };
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
  /** Counts by scope, window and options, with the rollup version they were read at; sized by units (a contract of 1,000 sites has about 5,000). */
  private readonly cache = new LRUCache<string, { version: string; counted: CountedScope }>({ maxSize: 200_000, sizeCalculation: (entry) => Math.max(1, entry.counted.units.length) });
  /** Figures computed from cached counts (a contract's scorecard), by the same key, the objectives and what else they depend on. */
  private readonly figures = new LRUCache<string, { version: string; value: unknown }>({ max: 64 });
  /**
   * What the scoring routes read of the catalog (a site and its zones, a contract's sites and zones,
   * its objectives), by caller and route, with the catalog version it was read at: a change to the
   * catalog moves the version, and the next request reads again. Sized by rows.
   */
  private readonly catalogReads = new LRUCache<string, { version: string; rows: unknown; size: number }>({ maxSize: 500_000, sizeCalculation: (entry) => entry.size });
  /** Lookback ranges by as-of instant, time zone, opening hours, holidays and lengths (see lookbackRanges): a pure function of its key. */
  private readonly ranges = new LRUCache<string, readonly LookbackRange[]>({ max: 10_000 });

  constructor(
    private readonly catalog: CatalogService,
    private readonly rollups: RollupsService,
    private readonly lookbackRows: LookbacksRepository,
    private readonly clock: Clock,
  ) {}

  /** A contract of the caller's client, its sites and zones, in the window asked for (default: the current calendar month). */
  async contract(who: Principal, contractKey: string, query: WindowQuery, fallback?: WindowKind): Promise<ResolvedScope> {
    const request = windowRequestOf(query, fallback);
    const versions = await this.rollups.versions();
    const { sites, zones } = await this.fromCatalog(versions.catalog, ['contract', who.clientId, who.siteId ?? null, contractKey], async () => {
      await this.catalog.get('contracts', who, contractKey);
      const listed = await this.catalog.list('sites', who, { contract: contractKey, page: 1, limit: ALL });
      const zones = scopeZones(await this.catalog.zoneRefs(who, { contract: contractKey }));
      return { rows: { sites: listed.items, zones }, size: listed.items.length + zones.length };
    });
    return this.resolved(contractKey, undefined, request, sites, zones, versions);
  }

  /** One site of the caller's client and its zones. */
  async site(who: Principal, siteKey: string, query: WindowQuery): Promise<ResolvedScope> {
    const request = windowRequestOf(query);
    const versions = await this.rollups.versions();
    const { site, zones } = await this.fromCatalog(versions.catalog, ['site', who.clientId, who.siteId ?? null, siteKey], async () => {
      // Both by the site's key: read together (another client's site is not found, and has no zones either).
      const [site, zones] = await Promise.all([this.catalog.get('sites', who, siteKey), this.catalog.zoneRefs(who, { site: siteKey }).then(scopeZones)]);
      return { rows: { site, zones }, size: 1 + zones.length };
    });
    return this.resolved(site.contractKey as string, siteKey, request, [site], zones, versions);
  }

  /** An objective of the caller's client ("contractKey.objectiveKey") and the zones it covers, in its own window unless one is asked for. */
  async objective(who: Principal, ref: string, query: WindowQuery): Promise<{ objective: ObjectiveView; scope: ResolvedScope }> {
    const objective = await this.catalog.objectiveByRef(who, ref);
    return { objective, scope: await this.contract(who, objective.contractKey, query, objective.window) };
  }

  /** The active objectives of the scope's contract, as the scorecard scores them. */
  async objectivesOf(who: Principal, scope: ResolvedScope): Promise<ScopedObjective[]> {
    return this.fromCatalog(scope.catalogVersion, ['objectives', who.clientId, scope.contractKey], async () => {
      const objectives = (await this.catalog.objectivesOfContract(who, scope.contractKey)).map(scopedObjective);
      return { rows: objectives, size: 1 + objectives.length };
    });
  }

  /**
   * Catalog rows read by `load` under `key`, kept while the catalog version stands. Only what was
   * found is kept: a site that is not found (yet) is looked for again. The rows are shared by the
   * requests that read them, which build their own objects from them.
   */
  private async fromCatalog<T>(version: string, key: unknown[], load: () => Promise<{ rows: T; size: number }>): Promise<T> {
    const id = JSON.stringify(key);
    const kept = this.catalogReads.get(id);
    if (kept && kept.version === version) return kept.rows as T;
    const { rows, size } = await load();
    // Read after the version: rows newer than it are only read again at the next request.
    this.catalogReads.set(id, { version, rows, size: Math.max(1, size) });
    return rows;
  }

  /**
   * The scope's counts over each site's window and, when `burn`, over the latest 1, 6 and 72 service
   * hours before the site's as-of instant: per zone where zones are shown (`perZone`: zone rollups),
   * otherwise per site and zone type — what objectives' scopes tell apart — from the scope rollups
   * (a calendar month reads one monthly row per site and type).
   */
  async counts(scope: ResolvedScope, options: { burn: boolean; perZone?: boolean }): Promise<CountedScope> {
    // Counts are good while the rollups stand (one version, bumped by every rollup transaction) and,
    // for lookbacks, within the hour: a dashboard's refreshes and a contract's many readers share them.
    const { version } = scope;
    const key = countsKey(scope, options);
    const cached = this.cache.get(key);
    if (cached && cached.version === version) return cached.counted;
    const counted = await (options.perZone ? this.zoneCounts(scope, options.burn) : this.unitCounts(scope, options.burn));
    this.cache.set(key, { version, counted });
    return counted;
  }

  /**
   * Figures computed from a scope's counts and objectives by pure formulas: computed once while the
   * rollup version stands (thousands of sites' cards are most of a contract scorecard's time once
   * its counts are cached). `depends` names the rest of what they depend on (route, options).
   */
  async figuresOf<T>(scope: ResolvedScope, objectives: readonly ScopedObjective[], depends: readonly unknown[], compute: () => Promise<T>): Promise<T> {
    const { version } = scope;
    const key = JSON.stringify([countsKey(scope, {}), createHash('sha256').update(JSON.stringify(objectives)).digest('base64url'), scope.windowHours, depends]);
    const cached = this.figures.get(key);
    if (cached && cached.version === version) return cached.value as T;
    const value = await compute();
    // The version read before the counts: a rollup run meanwhile makes the next request compute again.
    this.figures.set(key, { version, value });
    return value;
  }

  /** Counts per site and zone type and local date of the sites' windows, for daily series. */
  async daily(scope: ResolvedScope, units: readonly ScopeZoneView[]): Promise<Array<{ unit: string; localDate: string } & RollupCounts>> {
    const wanted = new Set(units.map((u) => u.id));
    const dates = [...new Set(scope.sites.flatMap((s) => s.dates))].sort();
    const rows = (await Promise.all([...sitesByClient(scope)].map(([clientId, siteIds]) => this.rollups.scopeDaily(clientId, siteIds, dates)))).flat();
    // A rolling window's dates differ a little by time zone: each site keeps only its own.
    const datesOf = new Map(units.map((u) => [u.id, new Set(scope.sites.find((s) => s.key === u.siteKey)!.dates)]));
    return rows.filter((r) => wanted.has(r.unit) && datesOf.get(r.unit)!.has(r.localDate));
  }

  private async unitCounts(scope: ResolvedScope, burn: boolean): Promise<CountedScope> {
    const units = siteTypeUnits(scope);
    const month = wholeMonth(scope);
    // Sites with the same local dates are read together (a rolling window's today differs by time zone).
    const groups = new Map<string, { clientId: string; dates: string[]; siteIds: string[] }>();
    const siteIds = new Map(scope.zones.map((z) => [z.siteKey, z.siteId]));
    for (const site of scope.sites) {
      const siteId = siteIds.get(site.key);
      if (!siteId) continue;
      const id = `${site.clientId}|${month ?? site.dates.join(',')}`;
      const group = groups.get(id) ?? { clientId: site.clientId, dates: site.dates, siteIds: [] };
      group.siteIds.push(siteId);
      groups.set(id, group);
    }
    const [totals, lookbacks] = await Promise.all([
      Promise.all([...groups.values()].map((g) => this.rollups.scopeTotals(g.clientId, g.siteIds, month ? { month } : { dates: g.dates }))),
      burn ? this.unitLookbacks(scope) : undefined,
    ]);
    const read = new Map(totals.flatMap((t) => [...t]));
    const lengths = lookbackHours();
    const byUnit = new Map<string, ZoneCounts>();
    for (const unit of units) {
      const counts = lookbacks ? (lookbacks.get(unit.id) ?? new Map(lengths.map((n) => [n, emptyCounts()]))) : undefined;
      byUnit.set(unit.id, { totals: read.get(unit.id) ?? emptyRollup(), lookbacks: counts && { key: unit.id, counts } });
    }
    return { units, byUnit };
  }

  private async zoneCounts(scope: ResolvedScope, burn: boolean): Promise<CountedScope> {
    const byUnit = new Map<string, ZoneCounts>();
    const sites = new Map(scope.sites.map((s) => [s.key, s]));
    // Zones of sites with the same local dates are read together (a rolling window's today differs by time zone).
    const groups = new Map<string, { clientId: string; dates: string[]; zoneIds: string[]; siteIds: Set<string> }>();
    for (const zone of scope.zones) {
      const site = sites.get(zone.siteKey)!;
      const id = `${zone.clientId}|${site.dates.join(',')}`;
      const group = groups.get(id) ?? { clientId: zone.clientId, dates: site.dates, zoneIds: [], siteIds: new Set<string>() };
      group.zoneIds.push(zone.id);
      group.siteIds.add(zone.siteId);
      groups.set(id, group);
    }
    const [totals, lookbacks] = await Promise.all([
      Promise.all([...groups.values()].map((g) => this.rollups.dailyTotals(g.clientId, g.zoneIds, g.dates, [...g.siteIds]))),
      burn ? this.zoneLookbacks(scope) : undefined,
    ]);
    const read = new Map(totals.flatMap((t) => [...t]));
    for (const zone of scope.zones) byUnit.set(zone.id, { totals: read.get(zone.id) ?? emptyRollup(), lookbacks: lookbacks?.get(zone.id) });
    return { units: scope.zones, byUnit };
  }

  /**
   * The service-hour ranges of each site's lookbacks. Sites that share a time zone, opening hours,
   * holidays and as-of instant share them, across requests too (a past window's as-of instant is
   * fixed): walking back the service hours in the site's zone was a tenth of a site scorecard's CPU.
   */
  private lookbackRanges(scope: ResolvedScope): SiteLookbackRange[] {
    const lengths = lookbackHours();
    const longest = Math.max(...lengths);
    const siteIds = new Map(scope.zones.map((z) => [z.siteKey, z.siteId]));
    const ranges: SiteLookbackRange[] = [];
    for (const site of scope.sites) {
      const siteId = siteIds.get(site.key);
      if (!siteId) continue;
      const key = JSON.stringify([site.asOf.getTime(), site.timeZone, site.serviceHours, site.holidays, lengths]);
      const found = this.ranges.get(key) ?? lookbackRanges(serviceHourBuckets(site.asOf, longest, site), lengths);
      this.ranges.set(key, found);
      for (const range of found) ranges.push({ siteId, ...range });
    }
    return ranges;
  }

  /** Each site and zone type's counts over its site's latest 1, 6 and 72 service hours, from the hourly scope rows. */
  private async unitLookbacks(scope: ResolvedScope): Promise<Map<string, Map<number, Counts>>> {
    const ranges = this.lookbackRanges(scope);
    const result = new Map<string, Map<number, Counts>>();
    for (const [clientId, siteIds] of sitesByClient(scope)) {
      const ofClient = new Set(siteIds);
      const counted = await this.lookbackRows.scopeLookbackCounts(clientId, ranges.filter((r) => ofClient.has(r.siteId)), lookbackHours());
      for (const [key, counts] of counted) result.set(key, counts);
    }
    return result;
  }

  /** Each zone's counts over its site's latest 1, 6 and 72 service hours (empty counts where nothing happened). */
  private async zoneLookbacks(scope: ResolvedScope): Promise<Map<string, LookbackGroup>> {
    const lengths = lookbackHours();
    const ranges = this.lookbackRanges(scope);
    const index = new Map(scope.zones.map((z, i) => [z.id, i]));
    const result = new Map<string, LookbackGroup>();
    for (const [clientId, zones] of zonesByClient(scope)) {
      const members: LookbackZone[] = zones.map((z) => ({ id: z.id, group: index.get(z.id)! }));
      const siteIdsOfClient = new Set(zones.map((z) => z.siteId));
      const counted = await this.lookbackRows.lookbackCounts(clientId, members, ranges.filter((r) => siteIdsOfClient.has(r.siteId)), lengths);
      for (const zone of zones) result.set(zone.id, { key: zone.id, counts: counted.get(index.get(zone.id)!)! });
    }
    return result;
  }

  private resolved(
    contractKey: string,
    siteKey: string | undefined,
    request: WindowRequest,
    siteRows: ReadonlyArray<Record<string, unknown>>,
    zones: ScopeZoneView[],
    versions: { rollups: string; catalog: string },
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
      zones,
      version: versions.rollups,
      catalogVersion: versions.catalog,
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

/** Units (zones, or sites' zone types) grouped by site key, in site order. */
export function unitsBySite(scope: ResolvedScope, units: readonly ScopeZoneView[]): Map<string, ScopeZoneView[]> {
  const grouped = new Map<string, ScopeZoneView[]>(scope.sites.map((s) => [s.key, []]));
  for (const unit of units) grouped.get(unit.siteKey)?.push(unit);
  return grouped;
}

/** The site ids of a scope by client. */
function sitesByClient(scope: ResolvedScope): Map<string, string[]> {
  const byClient = new Map<string, Set<string>>();
  for (const zone of scope.zones) byClient.set(zone.clientId, (byClient.get(zone.clientId) ?? new Set()).add(zone.siteId));
  return new Map([...byClient].map(([clientId, ids]) => [clientId, [...ids]]));
}

/**
 * A site's zone types as the units contract-wide figures are summed from (`siteId|zoneType`): an
 * objective's scope names sites and zone types, never single zones.
 */
function siteTypeUnits(scope: ResolvedScope): ScopeZoneView[] {
  const units = new Map<string, ScopeZoneView>();
  for (const zone of scope.zones) {
    const id = `${zone.siteId}|${zone.type}`;
    if (!units.has(id)) units.set(id, { id, clientId: zone.clientId, siteId: zone.siteId, ref: `${zone.siteKey}.*${zone.type}`, siteKey: zone.siteKey, type: zone.type });
  }
  return [...units.values()];
}

/** The first local date of the window's calendar month when the window is one (every site's dates are then that month's). */
function wholeMonth(scope: ResolvedScope): string | undefined {
  return scope.window.kind === 'calendar_month' ? scope.sites[0]?.dates[0] : undefined;
}

/**
 * What a scope's counts depend on besides the rollups: the scope and its zones, the options, and each
 * site's window — its dates, and the hour its lookbacks end in (a window that is over ends at a fixed instant).
 */
function countsKey(scope: ResolvedScope, options: { burn?: boolean; perZone?: boolean }): string {
  const zones = zonesHash(scope.zones);
  const sites = scope.sites.map((s) => [s.key, s.dates[0], s.dates.length, Math.floor((s.asOf.getTime() - 1) / 3_600_000)]);
  return JSON.stringify([scope.contractKey, scope.siteKey ?? null, options.burn ?? null, options.perZone ?? false, zones, sites]);
}

/** Hashes of zone lists, by the list: a scope's zones come from the catalog cache, the same array while the catalog stands. */
const zoneHashes = new WeakMap<readonly ScopeZoneView[], string>();

/** A hash of the zones (ids, sites and types) a scope's counts are read for. */
function zonesHash(zones: readonly ScopeZoneView[]): string {
  let hash = zoneHashes.get(zones);
  if (hash === undefined) {
    hash = createHash('sha256').update(zones.map((z) => `${z.id}:${z.siteId}:${z.type}`).join(',')).digest('base64url');
    zoneHashes.set(zones, hash);
  }
  return hash;
}

/** Zones as a scope holds them, from the catalog's zone refs. */
const scopeZones = (zones: ReadonlyArray<{ id: string; clientId: string; siteId: string; ref: string; type: ZoneType }>): ScopeZoneView[] =>
  zones.map((z) => ({ id: z.id, clientId: z.clientId, siteId: z.siteId, ref: z.ref, siteKey: siteKeyOf(z.ref), type: z.type }));

/** Counts of a scope: per unit (a zone, or a site's zone type) and the units themselves. */
export interface CountedScope {
  units: ScopeZoneView[];
  byUnit: Map<string, ZoneCounts>;
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

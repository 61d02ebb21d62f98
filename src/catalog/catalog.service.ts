import { Injectable } from '@nestjs/common';
import type { Principal } from '../platform/access/roles';
import type { ObjectiveView, TouchpointView } from './catalog.types';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { CatalogRepository, type CatalogFilter, type CatalogKind, type Page, type ZonePlanView, type ZoneRef } from './catalog.repository';

const SINGULAR: Record<CatalogKind, string> = {
  clients: 'client',
  contracts: 'contract',
  sites: 'site',
  zones: 'zone',
  touchpoints: 'touchpoint',
  devices: 'device',
};

@Injectable()
export class CatalogService {
  constructor(private readonly catalog: CatalogRepository) {}

  list(kind: CatalogKind, who: Principal, query: CatalogFilter & { page: number; limit: number }): Promise<Page<Record<string, unknown>>> {
    return this.catalog.list(kind, who.clientId, { contract: query.contract, site: query.site, status: query.status }, query.page, query.limit);
  }

  /** Another client's resource is "not found", never "forbidden": its existence is not revealed. */
  async get(kind: CatalogKind, who: Principal, key: string): Promise<Record<string, unknown>> {
    const found = await this.catalog.findOne(kind, who.clientId, key);
    if (!found) throw DomainException.notFound(SINGULAR[kind], key);
    return found;
  }

  /** A contract with its active objectives, as the contract file states them. */
  async contractWithObjectives(who: Principal, key: string): Promise<Record<string, unknown>> {
    const contract = await this.get('contracts', who, key);
    const objectives = await this.catalog.findObjectives(who.clientId, { contract: key });
    return { ...contract, objectives: objectives.map(({ id: _id, clientId: _c, contractId: _k, contractKey: _key, ...stated }) => stated) };
  }

  /** The active objectives of a contract of the caller's client (any client for admin); another client's contract is not found. */
  async objectivesOfContract(who: Principal, contractKey: string): Promise<ObjectiveView[]> {
    // Read together, one round trip: the objectives query is scoped by client on its own.
    const [, objectives] = await Promise.all([this.get('contracts', who, contractKey), this.catalog.findObjectives(who.clientId, { contract: contractKey })]);
    return objectives;
  }

  /** An active objective by its public id "contractKey.objectiveKey"; another client's is not found. */
  async objectiveByRef(who: Principal, ref: string): Promise<ObjectiveView> {
    const [found] = await this.catalog.findObjectives(who.clientId, { ref });
    if (!found) throw DomainException.notFound('objective', ref);
    return found;
  }

  /** Every active objective of every contract (for jobs: no caller to scope by). */
  allObjectives(): Promise<ObjectiveView[]> {
    return this.catalog.findObjectives(null, {});
  }

  /** The active touchpoint a QR code or kiosk page points at; unknown and retired tokens are not found. */
  async touchpointByToken(token: string): Promise<TouchpointView> {
    const [found] = await this.catalog.findTouchpoints({ token }, null);
    if (!found) throw new DomainException(ErrorCode.NotFound, 'This rating link is unknown or no longer in use.');
    return found;
  }

  /** An active touchpoint by key, within the caller's client unless admin (clientId null). */
  async touchpointByKey(key: string, clientId: string | null): Promise<TouchpointView> {
    const [found] = await this.catalog.findTouchpoints({ key }, clientId);
    if (!found) throw DomainException.notFound('touchpoint', key);
    return found;
  }

  /** The kiosk touchpoint a rating terminal reports for: a kiosk in the device's zone, the device declaring the rating signal. */
  async kioskTouchpointOfDevice(siteKey: string, zoneKey: string, deviceKey: string): Promise<TouchpointView | undefined> {
    const [found] = await this.catalog.findTouchpoints({ deviceRef: [siteKey, zoneKey, deviceKey] }, null);
    return found;
  }

  /** A site (not found unless the caller's) and its active touchpoints (all kinds), in floor and zone order. */
  async siteWithTouchpoints(siteKey: string, who: Principal): Promise<{ site: Record<string, unknown>; touchpoints: TouchpointView[] }> {
    const site = await this.get('sites', who, siteKey);
    return { site, touchpoints: await this.catalog.findTouchpoints({ siteKey }, who.clientId) };
  }

  /** The caller's active zones (of a site, or one), with their cleaning plans and their sites' hours; a zone of another client (or, for a site-scoped key, another site) is not found. */
  async zonesWithPlans(who: Principal, filter: { site?: string; zone?: string }): Promise<ZonePlanView[]> {
    const zones = await this.catalog.findZonesWithPlans(who.clientId, { ...filter, ...(who.siteId ? { siteId: who.siteId } : {}) });
    if (filter.zone !== undefined && zones.length === 0) throw DomainException.notFound('zone', filter.zone);
    if (filter.site !== undefined && zones.length === 0) throw DomainException.notFound('site', filter.site);
    return zones;
  }

  /** The caller's active zones of a contract or a site, in brief (id, site, ref, type). */
  zoneRefs(who: Principal, filter: { contract?: string; site?: string }): Promise<ZoneRef[]> {
    return this.catalog.findZoneRefs(who.clientId, { ...filter, ...(who.siteId ? { siteId: who.siteId } : {}) });
  }

  /** Every active zone, with its plan and its site's hours (for jobs: no caller to scope by). */
  allZonesWithPlans(): Promise<ZonePlanView[]> {
    return this.catalog.findZonesWithPlans(null, {});
  }

  /** Active zones by id, with their plans and sites' hours (for jobs: no caller to scope by). */
  zonesByIds(ids: readonly string[]): Promise<ZonePlanView[]> {
    return ids.length ? this.catalog.findZonesWithPlans(null, { ids }) : Promise.resolve([]);
  }

  /** An active site of that client. */
  findSiteByKey(clientId: string, key: string): Promise<{ id: string; key: string } | undefined> {
    return this.catalog.findSiteByKey(clientId, key);
  }

  findClientByKey(key: string): Promise<{ id: string; key: string } | undefined> {
    return this.catalog.findClientByKey(key);
  }
}

import { Injectable } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import type { Principal } from '../platform/access/roles';
import type { IntervalKind } from './zone-day-facts';
import type { ListZoneIntervalsDto } from './zone-intervals-query.dto';
import { ZoneIntervalsRepository, type StoredZoneInterval } from './zone-intervals.repository';

export type ZoneIntervalView = Omit<StoredZoneInterval, 'zoneId'>;

/**
 * The intervals when a consumable was out, comfort out of range or a planned clean overdue, per
 * zone-day, with the people counted meanwhile: kept with the SLA facts (recomputed with each day).
 */
@Injectable()
export class ZoneIntervalsService {
  constructor(
    private readonly intervals: ZoneIntervalsRepository,
    private readonly catalog: CatalogService,
  ) {}

  /** For scoring (drivers): the intervals of these zones of one client overlapping [from, to), of these kinds (all without). */
  list(clientId: string, zoneIds: readonly string[], from: Date, to: Date, kinds?: readonly IntervalKind[]): Promise<StoredZoneInterval[]> {
    return this.intervals.overlapping(clientId, zoneIds, from, to, kinds);
  }

  /** The caller's zones' intervals overlapping the range; an unknown zone or site (or another client's) is a 404. */
  async query(who: Principal, q: ListZoneIntervalsDto): Promise<{ items: ZoneIntervalView[] }> {
    const zones = await this.catalog.zonesWithPlans(who, { site: q.site, zone: q.zone });
    const items: ZoneIntervalView[] = [];
    // Intervals are kept per client: an admin's request may span several.
    for (const clientId of new Set(zones.map((z) => z.clientId))) {
      const ids = zones.filter((z) => z.clientId === clientId).map((z) => z.id);
      const found = await this.list(clientId, ids, q.from, q.to, q.kind ? [q.kind] : undefined);
      items.push(...found.map((i) => ({ zone: i.zone, date: i.date, kind: i.kind, start: i.start, end: i.end, visitors: i.visitors })));
    }
    return { items: items.sort((a, b) => a.start.getTime() - b.start.getTime() || a.zone.localeCompare(b.zone) || a.kind.localeCompare(b.kind)) };
  }
}

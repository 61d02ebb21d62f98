import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { CatalogService } from '../catalog/catalog.service';
import type { ZonePlanView } from '../catalog/catalog.repository';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import type { DerivedTask } from './task-derivation';
import type { ListTasksDto } from './tasks-query.dto';
import { ZoneFactsLoader, zoneDayTasks } from './zone-facts.loader';
import { groupBy } from '../platform/group-by';

export interface TaskView {
  zone: string;
  /** The site's local date the task belongs to. */
  date: string;
  origin: DerivedTask['origin'];
  status: DerivedTask['status'];
  triggeredAt: Date;
  dueAt: Date;
  doneAt: Date | null;
  windowStart: Date;
  windowEnd: Date;
}

/** A day either side of the range: a local day starts and ends up to 14 hours away from UTC midnight. */
const MARGIN_MS = 86_400_000;

/**
 * Cleaning tasks, derived per zone and local day from its plan, its site's hours and the facts
 * (people counted, check-ins): the same facts always give the same tasks, however late they came.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly facts: ZoneFactsLoader,
    private readonly clock: Clock,
  ) {}

  async list(who: Principal, query: ListTasksDto): Promise<{ items: TaskView[] }> {
    const zones = (await this.catalog.zonesWithPlans(who, { site: query.site, zone: query.zone })).filter((z) => z.cleaningPlan);
    const items: TaskView[] = [];
    // Facts are per client: an admin's request may span several.
    for (const [clientId, ofClient] of groupBy(zones, (z) => z.clientId)) {
      const facts = await this.facts.load(
        clientId,
        ofClient.map((z) => z.id),
        new Date(query.from.getTime() - MARGIN_MS),
        new Date(query.to.getTime() + MARGIN_MS),
      );
      for (const zone of ofClient) {
        for (const date of localDates(zone, query.from, query.to)) {
          for (const task of zoneDayTasks(zone, date, facts.get(zone.id)!, this.clock.now().getTime())) {
            if (task.dueAt < query.from.getTime() || task.dueAt >= query.to.getTime() || (query.status && task.status !== query.status)) continue;
            items.push(view(zone.ref, date, task));
          }
        }
      }
    }
    return { items: items.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.zone.localeCompare(b.zone)) };
  }
}

/** The zone's local dates that overlap the range. */
function localDates(zone: ZonePlanView, from: Date, to: Date): string[] {
  const dates: string[] = [];
  const last = DateTime.fromJSDate(to, { zone: zone.timeZone }).toISODate()!;
  for (let day = DateTime.fromJSDate(from, { zone: zone.timeZone }).startOf('day'); day.toISODate()! <= last; day = day.plus({ days: 1 })) dates.push(day.toISODate()!);
  return dates;
}

function view(zone: string, date: string, t: DerivedTask): TaskView {
  const at = (ms: number) => new Date(ms);
  return { zone, date, origin: t.origin, status: t.status, triggeredAt: at(t.triggeredAt), dueAt: at(t.dueAt), doneAt: t.doneAt === null ? null : at(t.doneAt), windowStart: at(t.windowStart), windowEnd: at(t.windowEnd) };
}

import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { ZonePlanView } from '../catalog/catalog.repository';
import { ReadingsService } from '../telemetry/readings.service';
import type { Consumable } from './service-event';
import { ServiceEventsRepository } from './service-events.repository';
import { serviceSpans } from './service-time';
import { deriveTasks, type DerivedTask } from './task-derivation';
import type { LevelSignal } from './zone-day-facts';
import type { ClimateSignal, HeldReading } from './zone-intervals';
import { groupBy } from '../platform/group-by';

/** The facts of one zone over a range, as the pure derivations take them (instants in epoch ms). */
export interface ZoneFacts {
  visits: Array<{ at: number; count: number }>;
  checkins: number[];
  levels: Array<{ signal: LevelSignal; readings: Array<{ at: number; value: number }> }>;
  refills: Array<{ at: number; consumable: Consumable }>;
  inspections: Array<{ at: number; score: number | null; passed: boolean | null }>;
}

/** What a zone's devices tell about a range, for comfort and device uptime. */
export interface ZoneSensing {
  /** An active people counter or visits device: occupancy comes from what it counts. */
  peopleCounted: boolean;
  climate: Array<HeldReading & { signal: ClimateSignal }>;
  /** Active devices only: the ones expected to report. */
  devices: Array<{ intervalS: number; heard: Array<{ first: number; last: number }> }>;
}

const COUNTING_SIGNALS = ['people_count', 'visits'];

/** Reads the facts operations derives from: people counted and check-ins (telemetry), events (its own). */
@Injectable()
export class ZoneFactsLoader {
  constructor(
    private readonly readings: ReadingsService,
    private readonly events: ServiceEventsRepository,
  ) {}

  /** Zones of one client. */
  async load(clientId: string, zoneIds: readonly string[], from: Date, to: Date, what: { levels?: boolean } = {}): Promise<Map<string, ZoneFacts>> {
    const [activity, checkinEvents, others, levels] = await Promise.all([
      this.readings.zoneActivity(clientId, zoneIds, from, to),
      this.events.checkins(clientId, zoneIds, from, to),
      what.levels ? this.events.refillsAndInspections(clientId, zoneIds, from, to) : Promise.resolve([]),
      what.levels ? this.readings.zoneLevels(clientId, zoneIds, from, to) : Promise.resolve(new Map<string, { series: [] }>()),
    ]);
    const facts = new Map<string, ZoneFacts>();
    // Refills and inspections by zone, once: a catch-up reads a few hundred zones together.
    const othersOf = groupBy(others, (e) => e.zoneId);
    for (const id of zoneIds) {
      const sensed = activity.get(id)!;
      const events = othersOf.get(id) ?? [];
      facts.set(id, {
        visits: sensed.visits,
        // Check-ins come as the cleaning_checkin signal of a tag reader, or as service events.
        checkins: [...sensed.checkins, ...(checkinEvents.get(id) ?? [])].sort((a, b) => a - b),
        levels: (levels.get(id)?.series ?? []).map((s) => ({ signal: s.signal as LevelSignal, readings: s.readings })),
        refills: events.filter((e) => e.kind === 'refill').map((e) => ({ at: e.ts.getTime(), consumable: e.consumable! })),
        inspections: events.filter((e) => e.kind === 'inspection').map((e) => ({ at: e.ts.getTime(), score: e.score, passed: e.passed })),
      });
    }
    return facts;
  }

  /** Zones of one client, over a range: their devices, when each was heard from, and their CO2 and temperature readings. */
  async sensing(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, ZoneSensing>> {
    const [devices, climate] = await Promise.all([this.readings.zoneDevices(clientId, zoneIds, from, to), this.readings.zoneClimate(clientId, zoneIds, from, to)]);
    const sensing = new Map<string, ZoneSensing>();
    for (const id of zoneIds) {
      const all = devices.get(id)!;
      const active = all.filter((d) => !d.retired);
      // A retired device's readings of the day still count for comfort: its interval says how long they held.
      const intervalOf = new Map(all.map((d) => [d.id, d.intervalS]));
      sensing.set(id, {
        peopleCounted: active.some((d) => d.signals.some((s) => COUNTING_SIGNALS.includes(s))),
        climate: climate.get(id)!.filter((r) => intervalOf.has(r.deviceId)).map((r) => ({ signal: r.signal, at: r.at, value: r.value, intervalS: intervalOf.get(r.deviceId)! })),
        devices: active.map((d) => ({ intervalS: d.intervalS, heard: d.heard })),
      });
    }
    return sensing;
  }
}

/** Local days already found, by date and zone (the jobs ask for the same few of every zone of a site); bounded, cleared when full. */
const days = new Map<string, { start: number; end: number }>();
const DAYS_KEPT = 20_000;

/** A zone's local day as instants, [start, end): 23 or 25 hours on a DST change. */
export function localDay(date: string, timeZone: string): { start: number; end: number } {
  const key = `${date}|${timeZone}`;
  const found = days.get(key);
  if (found) return { ...found };
  const start = DateTime.fromISO(date, { zone: timeZone });
  const day = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
  if (days.size >= DAYS_KEPT) days.clear();
  days.set(key, day);
  return { ...day };
}

/** The planned tasks of a zone on a local date, from its facts. */
export function zoneDayTasks(zone: ZonePlanView, date: string, facts: ZoneFacts, now: number): DerivedTask[] {
  if (!zone.cleaningPlan) return [];
  const spans = serviceSpans(date, zone.serviceHours, zone.holidays, zone.timeZone);
  return deriveTasks({ plan: zone.cleaningPlan, date, timeZone: zone.timeZone, spans, visits: facts.visits, checkins: facts.checkins, now });
}

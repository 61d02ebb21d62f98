import { DateTime } from 'luxon';
import type { ComfortThresholds } from '../catalog/catalog.types';
import type { Consumable } from './service-event';
import type { ServiceSpan } from './service-time';
import type { DerivedTask } from './task-derivation';
import {
  comfortIntervals,
  intersect,
  lengthWithin,
  merge,
  occupiedIntervals,
  onlineIntervals,
  subtract,
  type ClimateSignal,
  type HeldReading,
  type Interval,
} from './zone-intervals';

export type { Interval } from './zone-intervals';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Level signals of dispensers and bins, and the consumable a refill of it restores. */
export const LEVEL_SIGNALS = { soap_level: 'soap', paper_level: 'paper', bin_fill: 'bin' } as const satisfies Record<string, Consumable>;
export type LevelSignal = keyof typeof LEVEL_SIGNALS;

/** When a level means occupants would not find what they need, and when it is put right (the same lines as the sensor rules). */
const OUT: Record<LevelSignal, { out(v: number): boolean; back(v: number): boolean }> = {
  soap_level: { out: (v) => v < 10, back: (v) => v >= 20 },
  paper_level: { out: (v) => v < 10, back: (v) => v >= 20 },
  bin_fill: { out: (v) => v > 90, back: (v) => v <= 75 },
};

/** Everything the SLA facts of one zone and local day are made of (instants in epoch ms). */
export interface ZoneDayInput {
  /** The local day as instants: [start, end). */
  day: Interval;
  /** The site's IANA time zone: facts are kept per local hour (in Asia/Kolkata an hour starts at :30 UTC). */
  timeZone: string;
  spans: readonly ServiceSpan[];
  tasks: readonly DerivedTask[];
  /** The plan's grace for scheduled rounds: a round is overdue from its due time plus this (0 without a schedule). */
  scheduleGraceS: number;
  incidents: ReadonlyArray<{ openedAt: number; respondedInTime: boolean | null; resolvedInTime: boolean | null }>;
  visits: ReadonlyArray<{ at: number; count: number }>;
  /** Per level device, its readings in time order, starting with the last one before the day (if any). */
  levels: ReadonlyArray<{ signal: LevelSignal; readings: ReadonlyArray<{ at: number; value: number }> }>;
  refills: ReadonlyArray<{ at: number; consumable: Consumable }>;
  inspections: ReadonlyArray<{ at: number; score: number | null; passed: boolean | null }>;
  /** Whether the zone counts people (a people_count or visits device); if not, every service minute is occupied. */
  peopleCounted: boolean;
  comfort: ComfortThresholds;
  /** CO2 and temperature readings of the zone's devices, each device's last one before the day too. */
  climate: ReadonlyArray<HeldReading & { signal: ClimateSignal }>;
  /** The zone's active devices: expected interval, and the first and last reading of each minute they were heard in. */
  devices: ReadonlyArray<{ intervalS: number; heard: ReadonlyArray<{ first: number; last: number }> }>;
}

/** Additive facts of one zone and hour: counts and minutes, never ratios, so any period is a sum. */
export interface HourFacts {
  /** Start of the local hour (epoch ms): the UTC hour, except in zones with a part-hour offset. */
  hour: number;
  tasksDue: number;
  tasksOnTime: number;
  tasksLate: number;
  tasksMissed: number;
  incidentsOpened: number;
  incidentsRespondedInTime: number;
  incidentsResolvedInTime: number;
  visitors: number;
  visitorsWhileOut: number;
  serviceMinutes: number;
  outMinutes: number;
  inspections: number;
  inspectionsScored: number;
  inspectionScoreSum: number;
  inspectionsPassed: number;
  /** Occupied service minutes at which comfort was known (a valid CO2 or temperature reading). */
  occupiedMinutes: number;
  /** Of those, the minutes at which every known reading was within the contract's thresholds. */
  comfortableMinutes: number;
  /** Service minutes each active device was online, summed over the devices. */
  deviceOnlineMinutes: number;
  /** Service minutes × active devices. */
  deviceExpectedMinutes: number;
}

const emptyHour = (hour: number): HourFacts => ({
  hour,
  tasksDue: 0,
  tasksOnTime: 0,
  tasksLate: 0,
  tasksMissed: 0,
  incidentsOpened: 0,
  incidentsRespondedInTime: 0,
  incidentsResolvedInTime: 0,
  visitors: 0,
  visitorsWhileOut: 0,
  serviceMinutes: 0,
  outMinutes: 0,
  inspections: 0,
  inspectionsScored: 0,
  inspectionScoreSum: 0,
  inspectionsPassed: 0,
  occupiedMinutes: 0,
  comfortableMinutes: 0,
  deviceOnlineMinutes: 0,
  deviceExpectedMinutes: 0,
});

/** What a zone-day's intervals record: a consumable out, a comfort reading out of range, discomfort while occupied, a planned clean overdue. */
export const INTERVAL_KINDS = ['soap_out', 'paper_out', 'bin_full', 'co2_high', 'temperature_out', 'uncomfortable', 'clean_overdue'] as const;
export type IntervalKind = (typeof INTERVAL_KINDS)[number];

const OUT_KIND: Record<Consumable, IntervalKind> = { soap: 'soap_out', paper: 'paper_out', bin: 'bin_full' };

/** An interval of the day during which a condition held, and the people counted in the zone meanwhile. */
export interface KindInterval extends Interval {
  kind: IntervalKind;
  visitors: number;
}

/**
 * The intervals in the day during which a dispenser was empty or a bin full: from the reading that
 * shows it until the reading that shows it put right, or a refill of that consumable. Merged across
 * the zone's devices, clipped to the day. Pure.
 */
export function outIntervals(input: Pick<ZoneDayInput, 'day' | 'levels' | 'refills'>): Interval[] {
  return merge(Object.values(outIntervalsByConsumable(input)).flat());
}

/** The same, per consumable: merged across that consumable's devices, clipped to the day. Pure. */
export function outIntervalsByConsumable(input: Pick<ZoneDayInput, 'day' | 'levels' | 'refills'>): Record<Consumable, Interval[]> {
  const intervals: Record<Consumable, Interval[]> = { soap: [], paper: [], bin: [] };
  for (const { signal, readings } of input.levels) {
    const refills = input.refills.filter((r) => r.consumable === LEVEL_SIGNALS[signal]).map((r) => r.at);
    const changes = [...readings.map((r) => ({ at: r.at, value: r.value })), ...refills.map((at) => ({ at, value: undefined }))].sort((a, b) => a.at - b.at);
    let outSince: number | undefined;
    for (const change of changes) {
      const isOut = change.value !== undefined && OUT[signal].out(change.value);
      const isBack = change.value === undefined || OUT[signal].back(change.value);
      if (outSince === undefined && isOut) outSince = change.at;
      else if (outSince !== undefined && isBack) {
        intervals[LEVEL_SIGNALS[signal]].push({ start: outSince, end: change.at });
        outSince = undefined;
      }
    }
    if (outSince !== undefined) intervals[LEVEL_SIGNALS[signal]].push({ start: outSince, end: input.day.end });
  }
  return { soap: clip(intervals.soap, input.day), paper: clip(intervals.paper, input.day), bin: clip(intervals.bin, input.day) };
}

const clip = (intervals: readonly Interval[], range: Interval): Interval[] => intersect(merge(intervals), [range]);

/** Occupied minutes with comfort known, and of those the comfortable ones, over the day (service hours or not). */
function occupiedComfort(input: ZoneDayInput) {
  const occupied = occupiedIntervals(input.visits, input.peopleCounted, input.day);
  const comfort = comfortIntervals(input.climate, input.comfort, input.day);
  return { comfort, occupiedKnown: intersect(occupied, comfort.known), occupiedComfortable: intersect(occupied, comfort.comfortable) };
}

/**
 * When planned cleans were overdue: from the time a task turned late (a scheduled round's due time
 * plus the grace, a usage task's due time) until its check-in, or else the end of its window (missed,
 * or still due: the end it will have unless a check-in comes). Merged, clipped to the day. Pure.
 */
export function overdueIntervals(input: Pick<ZoneDayInput, 'day' | 'tasks' | 'scheduleGraceS'>): Interval[] {
  const lateFrom = (t: DerivedTask) => (t.origin === 'schedule' ? t.dueAt + input.scheduleGraceS * 1000 : t.dueAt);
  return clip(
    input.tasks.map((t) => ({ start: lateFrom(t), end: t.doneAt ?? t.windowEnd })),
    input.day,
  );
}

/**
 * The day's intervals of each kind, merged per kind, with the people counted in the zone during each
 * (counts at [start, end)). Consistent with the hours: within service hours an out kind's minutes
 * are its share of outMinutes, and visitors in the merged out intervals are visitorsWhileOut;
 * `uncomfortable` is exactly occupiedMinutes − comfortableMinutes. Conditions are recorded whole
 * day long (a rating can come after closing), except `uncomfortable`, which the hours count in
 * service hours only. Pure.
 */
export function zoneDayIntervals(input: ZoneDayInput): KindInterval[] {
  const { comfort, occupiedKnown, occupiedComfortable } = occupiedComfort(input);
  const out = outIntervalsByConsumable(input);
  const byKind: Array<[IntervalKind, Interval[]]> = [
    ...(Object.keys(out) as Consumable[]).map((c): [IntervalKind, Interval[]] => [OUT_KIND[c], out[c]]),
    ['co2_high', comfort.co2High],
    ['temperature_out', comfort.temperatureOut],
    ['uncomfortable', intersect(merge(subtract(occupiedKnown, occupiedComfortable)), merge(input.spans))],
    ['clean_overdue', overdueIntervals(input)],
  ];
  const visits = input.visits.filter((v) => v.at >= input.day.start && v.at < input.day.end);
  const visitorsWithin = (i: Interval) => visits.reduce((n, v) => (v.at >= i.start && v.at < i.end ? n + v.count : n), 0);
  return byKind
    .flatMap(([kind, intervals]) => intervals.map((i) => ({ kind, start: i.start, end: i.end, visitors: visitorsWithin(i) })))
    .sort((a, b) => a.start - b.start || INTERVAL_KINDS.indexOf(a.kind) - INTERVAL_KINDS.indexOf(b.kind));
}

/**
 * The instant the local hour of `t` began. Local hours, not UTC ones, so that a local day is whole
 * hours in every time zone (Asia/Kolkata's days begin at 18:30 UTC) and ratings line up with them.
 */
export function localHourStart(t: number, timeZone: string): number {
  const offsetMs = DateTime.fromMillis(t, { zone: timeZone }).offset * MINUTE_MS;
  return t - mod(t + offsetMs, HOUR_MS);
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The SLA facts of one zone and local day, by local hour: only hours with something in them, all within the day. Pure. */
export function zoneDayFacts(input: ZoneDayInput): HourFacts[] {
  const hours = new Map<number, HourFacts>();
  const at = (t: number) => {
    // A task due after midnight (a usage task raised late) counts in the day's last hour: a day's rows stay in the day.
    const hour = localHourStart(Math.min(Math.max(t, input.day.start), input.day.end - 1), input.timeZone);
    let facts = hours.get(hour);
    if (!facts) hours.set(hour, (facts = emptyHour(hour)));
    return facts;
  };
  const inDay = (t: number) => t >= input.day.start && t < input.day.end;

  for (const task of input.tasks) {
    const h = at(task.dueAt);
    h.tasksDue++;
    if (task.status === 'done') h.tasksOnTime++;
    if (task.status === 'late') h.tasksLate++;
    if (task.status === 'missed') h.tasksMissed++;
  }
  for (const incident of input.incidents.filter((i) => inDay(i.openedAt))) {
    const h = at(incident.openedAt);
    h.incidentsOpened++;
    if (incident.respondedInTime) h.incidentsRespondedInTime++;
    if (incident.resolvedInTime) h.incidentsResolvedInTime++;
  }
  const out = outIntervals(input);
  const isOut = (t: number) => out.some((i) => t >= i.start && t < i.end);
  for (const visit of input.visits.filter((v) => inDay(v.at))) {
    const h = at(visit.at);
    h.visitors += visit.count;
    if (isOut(visit.at)) h.visitorsWhileOut += visit.count;
  }
  const { occupiedKnown, occupiedComfortable } = occupiedComfort(input);
  const online = input.devices.map((d) => onlineIntervals(d, input.day));
  for (const span of input.spans) {
    for (let hour = localHourStart(span.start, input.timeZone); hour < span.end; hour = localHourStart(hour + HOUR_MS, input.timeZone)) {
      const slot = { start: Math.max(hour, span.start), end: Math.min(hour + HOUR_MS, span.end) };
      if (slot.end <= slot.start) continue;
      const h = at(hour);
      h.serviceMinutes += (slot.end - slot.start) / MINUTE_MS;
      h.outMinutes += lengthWithin(out, slot) / MINUTE_MS;
      h.occupiedMinutes += lengthWithin(occupiedKnown, slot) / MINUTE_MS;
      h.comfortableMinutes += lengthWithin(occupiedComfortable, slot) / MINUTE_MS;
      h.deviceExpectedMinutes += ((slot.end - slot.start) * input.devices.length) / MINUTE_MS;
      h.deviceOnlineMinutes += online.reduce((sum, o) => sum + lengthWithin(o, slot), 0) / MINUTE_MS;
    }
  }
  for (const inspection of input.inspections.filter((i) => inDay(i.at))) {
    const h = at(inspection.at);
    h.inspections++;
    if (inspection.score !== null) {
      h.inspectionsScored++;
      h.inspectionScoreSum += inspection.score;
    }
    if (inspection.passed === true) h.inspectionsPassed++;
  }
  return [...hours.values()].sort((a, b) => a.hour - b.hour);
}

import type { ComfortThresholds } from '../catalog/catalog.types';

const MINUTE_MS = 60_000;

/** [start, end) in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/** People counted at t make the zone occupied for this long. */
export const OCCUPIED_AFTER_COUNT_MS = 15 * MINUTE_MS;
/** A device is offline when silent for this many times its expected interval (as the catalog's device status says). */
export const SILENT_INTERVALS = 3;

export type ClimateSignal = 'co2' | 'temperature';

/** A sampled value, from a device expected to report every `intervalS`. */
export interface HeldReading {
  at: number;
  value: number;
  intervalS: number;
}

/** The union of some intervals, sorted, touching ones joined; empty ones dropped. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ start: i.start, end: i.end });
  }
  return merged;
}

/** Where both of two merged lists hold. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const both: Interval[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (end > start) both.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return both;
}

/** Where the first merged list holds and the second does not. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left: Interval[] = [];
  for (const i of a) {
    let start = i.start;
    for (const cut of b) {
      if (cut.end <= start || cut.start >= i.end) continue;
      if (cut.start > start) left.push({ start, end: cut.start });
      start = Math.max(start, cut.end);
    }
    if (start < i.end) left.push({ start, end: i.end });
  }
  return left;
}

/** Milliseconds of some intervals within a slot. */
export const lengthWithin = (intervals: readonly Interval[], slot: Interval): number =>
  intervals.reduce((sum, i) => sum + Math.max(0, Math.min(i.end, slot.end) - Math.max(i.start, slot.start)), 0);

const clip = (intervals: readonly Interval[], range: Interval): Interval[] => intersect(merge(intervals), [range]);

/**
 * When people were in the zone: people counted at t make [t, t + 15 min) occupied. A zone that
 * counts nobody (no people counter or visits device) is occupied throughout. Clipped to the range.
 */
export function occupiedIntervals(visits: ReadonlyArray<{ at: number; count: number }>, peopleCounted: boolean, range: Interval): Interval[] {
  if (!peopleCounted) return [{ ...range }];
  return clip(
    visits.filter((v) => v.count > 0).map((v) => ({ start: v.at, end: v.at + OCCUPIED_AFTER_COUNT_MS })),
    range,
  );
}

/**
 * What a sampled signal read over the range, sample-and-hold: the latest reading still valid, a
 * reading valid for three times its device's interval (then the device counts as silent). Pure.
 */
export function heldValues(readings: readonly HeldReading[], range: Interval): Array<Interval & { value: number }> {
  // Same instant from two devices: the higher value, so any order of the input gives the same answer.
  const sorted = [...readings].sort((a, b) => a.at - b.at || a.value - b.value);
  const expiry = (r: HeldReading) => r.at + SILENT_INTERVALS * r.intervalS * 1000;
  const cuts = new Set([range.start, range.end]);
  for (const r of sorted) for (const t of [r.at, expiry(r)]) if (t > range.start && t < range.end) cuts.add(t);
  const bounds = [...cuts].sort((a, b) => a - b);
  const held: Array<Interval & { value: number }> = [];
  let seen = -1;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [start, end] = [bounds[k], bounds[k + 1]];
    while (seen + 1 < sorted.length && sorted[seen + 1].at <= start) seen++;
    let i = seen;
    while (i >= 0 && expiry(sorted[i]) <= start) i--;
    if (i < 0) continue;
    const last = held[held.length - 1];
    if (last && last.end === start && last.value === sorted[i].value) last.end = end;
    else held.push({ start, end, value: sorted[i].value });
  }
  return held;
}

/**
 * When comfort is known (a valid CO2 or temperature reading) and when it is comfortable (every
 * known one within the contract's thresholds: CO2 at most co2Max, temperature within its bounds),
 * and when each reading was out of them, occupied or not. Pure.
 */
export function comfortIntervals(
  climate: ReadonlyArray<HeldReading & { signal: ClimateSignal }>,
  thresholds: ComfortThresholds,
  range: Interval,
): { known: Interval[]; comfortable: Interval[]; co2High: Interval[]; temperatureOut: Interval[] } {
  const co2 = heldValues(climate.filter((r) => r.signal === 'co2'), range);
  const temperature = heldValues(climate.filter((r) => r.signal === 'temperature'), range);
  const [low, high] = thresholds.temperature;
  const known = merge([...co2, ...temperature]);
  const co2High = merge(co2.filter((h) => h.value > thresholds.co2Max));
  const temperatureOut = merge(temperature.filter((h) => h.value < low || h.value > high));
  return { known, comfortable: subtract(known, merge([...co2High, ...temperatureOut])), co2High, temperatureOut };
}

/**
 * When a device was online: a reading at t makes it so over [t, t + 3 × its interval). The readings
 * come as the first and last of each minute it was heard in (the same union for intervals of 20 s
 * and more). Clipped to the range. Pure.
 */
export function onlineIntervals(device: { intervalS: number; heard: ReadonlyArray<{ first: number; last: number }> }, range: Interval): Interval[] {
  const window = SILENT_INTERVALS * device.intervalS * 1000;
  return clip(
    device.heard.map((h) => ({ start: h.first, end: h.last + window })),
    range,
  );
}

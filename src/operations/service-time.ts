import { DateTime } from 'luxon';
import { WEEKDAYS, type ServiceHours } from '../catalog/catalog.types';

/** One stretch of a site's opening hours, as instants (epoch ms). */
export interface ServiceSpan {
  start: number;
  end: number;
}

/**
 * Instants already found, by date, time and zone: the task and SLA jobs ask for the same few opening
 * times of every zone of a site, thousands of zone-days a run, and luxon's zone arithmetic was most of
 * their CPU (bench:scoring: 10,000 zones). The answer never changes; bounded, cleared when full.
 */
const instants = new Map<string, number>();
const INSTANTS_KEPT = 50_000;

/** The instant of a local wall-clock time on a local date ("24:00" is the next midnight); a time skipped by DST moves forward, as clocks do. */
export function localInstant(date: string, hhmm: string, timeZone: string): number {
  const key = `${date}|${hhmm}|${timeZone}`;
  const found = instants.get(key);
  if (found !== undefined) return found;
  const at = instantOf(date, hhmm, timeZone);
  if (instants.size >= INSTANTS_KEPT) instants.clear();
  instants.set(key, at);
  return at;
}

function instantOf(date: string, hhmm: string, timeZone: string): number {
  if (hhmm === '24:00') return DateTime.fromISO(date, { zone: timeZone }).plus({ days: 1 }).startOf('day').toMillis();
  const at = DateTime.fromISO(`${date}T${hhmm}`, { zone: timeZone });
  if (!at.isValid) throw new Error(`no instant for ${date} ${hhmm} in ${timeZone}: ${at.invalidExplanation ?? at.invalidReason}`);
  return at.toMillis();
}

/** The local date (YYYY-MM-DD) an instant falls on at the site. */
export const localDateOf = (at: number, timeZone: string): string => DateTime.fromMillis(at, { zone: timeZone }).toISODate()!;

/** The site's opening hours on a local date: none on a holiday or a closed day. */
export function serviceSpans(date: string, hours: ServiceHours, holidays: readonly string[], timeZone: string): ServiceSpan[] {
  if (holidays.includes(date)) return [];
  // A calendar date's weekday is the same in every zone.
  const weekday = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
  return hours[weekday].map(([open, close]) => ({ start: localInstant(date, open, timeZone), end: localInstant(date, close, timeZone) }));
}

/** Milliseconds of service time between two instants. */
export function serviceTimeBetween(spans: readonly ServiceSpan[], from: number, to: number): number {
  let total = 0;
  for (const span of spans) total += Math.max(0, Math.min(span.end, to) - Math.max(span.start, from));
  return total;
}

/** The instant at which `amount` ms of service time have passed since `from`; undefined if the spans end first. */
export function afterServiceTime(spans: readonly ServiceSpan[], from: number, amount: number): number | undefined {
  let left = amount;
  for (const span of spans) {
    const start = Math.max(span.start, from);
    if (start >= span.end) continue;
    if (span.end - start >= left) return start + left;
    left -= span.end - start;
  }
  return undefined;
}

/** Service time (ms) between two instants that may lie days apart: only the site's opening hours count, holidays not at all. */
export function serviceTimeAcross(hours: ServiceHours, holidays: readonly string[], timeZone: string, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  const last = localDateOf(to, timeZone);
  for (let day = DateTime.fromMillis(from, { zone: timeZone }).startOf('day'); day.toISODate()! <= last; day = day.plus({ days: 1 })) {
    total += serviceTimeBetween(serviceSpans(day.toISODate()!, hours, holidays, timeZone), from, to);
  }
  return total;
}

import { DateTime } from 'luxon';
import { WEEKDAYS, type ServiceHours } from '../catalog/catalog.types';

/** One stretch of a site's opening hours, as instants (epoch ms). */
export interface ServiceSpan {
  start: number;
  end: number;
}

/** The instant of a local wall-clock time on a local date ("24:00" is the next midnight); a time skipped by DST moves forward, as clocks do. */
export function localInstant(date: string, hhmm: string, timeZone: string): number {
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
  const weekday = WEEKDAYS[DateTime.fromISO(date, { zone: timeZone }).weekday - 1];
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

import type { Weekday } from '../catalog/catalog.types';

/** Wall-clock time at a site: its weekday, date and hour of day in its own IANA time zone. */
export interface LocalTime {
  weekday: Weekday;
  /** YYYY-MM-DD in the site's zone (for holidays and "same day" checks). */
  date: string;
  /** Hours since local midnight, fractional (10.5 is 10:30). */
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const SHORT_DAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

export function localTime(at: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  const weekday = SHORT_DAYS[parts.weekday ?? ''];
  if (!weekday) throw new Error(`cannot read the weekday of ${at.toISOString()} in ${timeZone}`);
  return {
    weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour) + Number(parts.minute) / 60 + Number(parts.second) / 3600,
  };
}

/** "07:30" → 7.5 */
export function hourOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) + Number(m) / 60;
}

import { DateTime } from 'luxon';
import type { ServiceHours } from '../catalog/catalog.types';
import { serviceSpans, type ServiceSpan } from '../operations/service-time';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { currentWindow, localDates, parsePeriod, periodLabel, periodOf, periodWindow, periodYears, type Period, type PeriodKind, type TimeWindow, type WindowKind } from './periods';

/** The windows a query may name without a period: the current calendar month or week, or the last N local days. */
export const QUERY_WINDOWS = ['calendar_month', 'calendar_week', 'rolling_7d', 'rolling_28d', 'rolling_30d'] as const;
export type QueryWindow = (typeof QUERY_WINDOWS)[number];

/** Years a period may name: PostgreSQL has no year 0, and nothing is rated before 2000 or after 2999. */
const YEARS = { min: 2000, max: 2999 };

/** What a scoring request asks for: a calendar period, or a window kind that holds now. */
export type WindowRequest = { period: Period } | { kind: WindowKind };

/** A `?period=` a route takes: parsed, in the years anything is rated in. A bad one is a 400 naming the field. */
export function queryPeriod(text: string): Period {
  const period = parsePeriod(text);
  const [first, last] = periodYears(period);
  if (first < YEARS.min || last > YEARS.max) {
    const why = `the year must be ${YEARS.min} to ${YEARS.max}`;
    throw new DomainException(ErrorCode.Validation, `Invalid period "${text}": ${why}.`, [{ field: 'period', message: why }]);
  }
  return period;
}

/** `?period=` or `?window=` (not both); the default, when neither is given. A bad one is a 400 naming its field. */
export function windowRequestOf(query: { period?: string; window?: string }, fallback: WindowKind = 'calendar_month'): WindowRequest {
  if (query.period !== undefined && query.window !== undefined) {
    throw new DomainException(ErrorCode.Validation, 'Give either period or window, not both.', [{ field: 'window', message: 'not with period' }]);
  }
  if (query.period !== undefined) return { period: queryPeriod(query.period) };
  return { kind: (query.window as WindowKind | undefined) ?? fallback };
}

/** The window of a request in one site's time zone, as of `now` for window kinds. */
export const windowAt = (request: WindowRequest, now: Date, timeZone: string): TimeWindow =>
  'period' in request ? periodWindow(request.period, timeZone) : currentWindow(request.kind, now, timeZone);

/** The kind and label of a request's window, as the API echoes it. */
export function windowLabel(request: WindowRequest, sample?: TimeWindow): { kind: PeriodKind; period: string | null } {
  if ('period' in request) return { kind: request.period.kind, period: periodLabel(request.period) };
  const period = sample ? periodOf(sample) : undefined;
  return { kind: request.kind, period: period ? periodLabel(period) : null };
}

/** A site's window: its own local days, and the instant its figures run to (now, or the window's end once it is over). */
export interface SiteWindow {
  window: TimeWindow;
  dates: string[];
  asOf: Date;
}

export function siteWindow(request: WindowRequest, now: Date, timeZone: string): SiteWindow {
  const window = windowAt(request, now, timeZone);
  const end = window.end.toMillis();
  return { window, dates: localDates(window), asOf: new Date(Math.max(window.start.toMillis(), Math.min(now.getTime(), end))) };
}

const HOUR_MS = 3_600_000;

/** How far back the service hours of a lookback are sought: 72 service hours of a site open one hour a weekday would need 15 weeks. */
export const MAX_LOOKBACK_DAYS = 35;

/**
 * The site's most recent service hours before `asOf`, newest first, as the start instants of its
 * local hours (at most `count`, sought back MAX_LOOKBACK_DAYS days): the hours burn-rate lookbacks count.
 */
export function serviceHourBuckets(asOf: Date, count: number, site: { timeZone: string; serviceHours: ServiceHours; holidays: readonly string[] }): number[] {
  const spansOf = new Map<string, ServiceSpan[]>();
  const spans = (date: string) => {
    let found = spansOf.get(date);
    if (!found) spansOf.set(date, (found = serviceSpans(date, site.serviceHours, site.holidays, site.timeZone)));
    return found;
  };
  const buckets: number[] = [];
  const stop = asOf.getTime() - MAX_LOOKBACK_DAYS * 86_400_000;
  // Local hours are whole hours apart; the zone's calendar (luxon, the slow part) is asked once a local day.
  const first = DateTime.fromMillis(asOf.getTime() - 1, { zone: site.timeZone }).startOf('hour');
  let day = { start: first.startOf('day').toMillis(), spans: spans(first.toISODate()!) };
  for (let start = first.toMillis(); buckets.length < count && start >= stop; start -= HOUR_MS) {
    if (start < day.start) {
      const local = DateTime.fromMillis(start, { zone: site.timeZone });
      day = { start: local.startOf('day').toMillis(), spans: spans(local.toISODate()!) };
    }
    const end = start + HOUR_MS;
    if (day.spans.some((s) => s.start < end && s.end > start)) buckets.push(start);
  }
  return buckets;
}

/** One lookback's service hours as a half-open range of instants [start, end): consecutive hours merged. */
export interface LookbackRange {
  hours: number;
  start: number;
  end: number;
}


/**
 * The service hours of each lookback (the latest `hours` of `buckets`, newest first, as from
 * serviceHourBuckets) as few ranges as they make: an hourly rollup row counts in a lookback when
 * its hour is in one of them — a local hour's rating row by its start, an SLA facts hour by the
 * instant it starts (the one UTC hour start within each local hour, see slaHourOf).
 */
export function lookbackRanges(buckets: readonly number[], lengths: readonly number[]): LookbackRange[] {
  const ranges: LookbackRange[] = [];
  for (const hours of lengths) {
    let current: LookbackRange | undefined;
    for (const bucket of buckets.slice(0, hours)) {
      if (current && bucket + HOUR_MS === current.start) {
        current.start = bucket;
        continue;
      }
      if (current) ranges.push(current);
      current = { hours, start: bucket, end: bucket + HOUR_MS };
    }
    if (current) ranges.push(current);
  }
  return ranges;
}

/**
 * The UTC hour of SLA facts that starts within a local hour: the same instant at whole-hour
 * offsets, half an hour later in Asia/Kolkata (an SLA hour counts in the local hour its start is in).
 */
export const slaHourOf = (bucket: number): number => Math.ceil(bucket / HOUR_MS) * HOUR_MS;

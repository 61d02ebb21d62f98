import { DateTime, IANAZone } from 'luxon';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';

export const WINDOW_KINDS = ['calendar_month', 'calendar_week', 'rolling_7d', 'rolling_28d', 'rolling_30d'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

const ROLLING_DAYS: Readonly<Record<string, number>> = { rolling_7d: 7, rolling_28d: 28, rolling_30d: 30 };
const DAY_MS = 86_400_000;

/** A period named in a query: a calendar month `2026-10`, an ISO week `2026-W44`, or local dates `2026-10-05..2026-10-20` (both included). */
export type Period =
  | { kind: 'calendar_month'; year: number; month: number }
  | { kind: 'calendar_week'; weekYear: number; week: number }
  | { kind: 'date_range'; from: string; to: string };

/** What a window is: a kind objectives are measured over, or dates a query named. */
export type PeriodKind = WindowKind | 'date_range';

/** The longest date range a query may name: a year and a day (a leap year's 366 days). */
export const MAX_RANGE_DAYS = 366;

/** A window in a site's own time zone: [start, end), whole local days. */
export interface TimeWindow {
  kind: PeriodKind;
  timeZone: string;
  start: DateTime;
  end: DateTime;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

/** A 400 that names the parameter and what it expected. */
const badPeriod = (text: string, why: string) =>
  new DomainException(ErrorCode.Validation, `Invalid period "${text}": ${why}.`, [{ field: 'period', message: why }]);

/** Narrows text (a YAML field, a query parameter) to a window kind. */
export const isWindowKind = (text: string): text is WindowKind => (WINDOW_KINDS as readonly string[]).includes(text);

/** Parses `?period=YYYY-MM|YYYY-Www|YYYY-MM-DD..YYYY-MM-DD`; throws a validation error that says what was expected. */
export function parsePeriod(text: string): Period {
  const month = MONTH.exec(text);
  if (month) return monthPeriod(text, Number(month[1]), Number(month[2]));
  const week = WEEK.exec(text);
  if (week) return weekPeriod(text, Number(week[1]), Number(week[2]));
  const range = RANGE.exec(text);
  if (range) return rangePeriod(text, range[1], range[2]);
  throw badPeriod(text, 'expected YYYY-MM (a calendar month), YYYY-Www (an ISO week, e.g. 2026-W05) or YYYY-MM-DD..YYYY-MM-DD (local dates, both included)');
}

/** A date range of real dates, the first not after the last, at most MAX_RANGE_DAYS days. */
function rangePeriod(text: string, from: string, to: string): Period {
  const [first, last] = [DateTime.fromISO(from, { zone: 'UTC' }), DateTime.fromISO(to, { zone: 'UTC' })];
  if (!first.isValid || !last.isValid) throw badPeriod(text, `${first.isValid ? to : from} is not a date`);
  const days = last.diff(first, 'days').days + 1;
  if (days < 1) throw badPeriod(text, 'the first date must not be after the last');
  if (days > MAX_RANGE_DAYS) throw badPeriod(text, `a date range is at most ${MAX_RANGE_DAYS} days`);
  return { kind: 'date_range', from, to };
}

/** The years a period touches, first and last: what bounds on years are checked against. */
export function periodYears(period: Period): [number, number] {
  if (period.kind === 'calendar_month') return [period.year, period.year];
  if (period.kind === 'calendar_week') return [period.weekYear, period.weekYear];
  return [Number(period.from.slice(0, 4)), Number(period.to.slice(0, 4))];
}

/** The period `back` periods before this one: months and weeks by the calendar, a date range by its own length. */
export function periodBefore(period: Period, back: number): Period {
  if (period.kind === 'calendar_month') {
    const month = DateTime.fromObject({ year: period.year, month: period.month }, { zone: 'UTC' }).minus({ months: back });
    return { kind: 'calendar_month', year: month.year, month: month.month };
  }
  if (period.kind === 'calendar_week') {
    const week = DateTime.fromObject({ weekYear: period.weekYear, weekNumber: period.week, weekday: 1 }, { zone: 'UTC' }).minus({ weeks: back });
    return { kind: 'calendar_week', weekYear: week.weekYear, week: week.weekNumber };
  }
  const [from, to] = [DateTime.fromISO(period.from, { zone: 'UTC' }), DateTime.fromISO(period.to, { zone: 'UTC' })];
  const days = (to.diff(from, 'days').days + 1) * back;
  return { kind: 'date_range', from: from.minus({ days }).toISODate()!, to: to.minus({ days }).toISODate()! };
}

/** A month period, 01 to 12. */
function monthPeriod(text: string, year: number, month: number): Period {
  if (month < 1 || month > 12) throw badPeriod(text, 'the month must be 01 to 12');
  return { kind: 'calendar_month', year, month };
}

/** An ISO week period that exists in its week-year (W53 only in long years). */
function weekPeriod(text: string, weekYear: number, week: number): Period {
  const weeks = DateTime.fromObject({ weekYear, weekNumber: 1 }, { zone: 'UTC' }).weeksInWeekYear;
  if (week < 1 || week > weeks) throw badPeriod(text, `ISO year ${weekYear} has weeks W01 to W${weeks}`);
  return { kind: 'calendar_week', weekYear, week };
}

/** The label of a period as the API accepts it back (`2026-10`, `2026-W05`, `2026-10-05..2026-10-20`). */
export function periodLabel(period: Period): string {
  const two = (n: number) => String(n).padStart(2, '0');
  if (period.kind === 'date_range') return `${period.from}..${period.to}`;
  return period.kind === 'calendar_month' ? `${period.year}-${two(period.month)}` : `${period.weekYear}-W${two(period.week)}`;
}

/** Rejects a zone luxon does not know, rather than silently computing in UTC. */
function assertZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone)) throw new DomainException(ErrorCode.Validation, `Unknown IANA time zone "${timeZone}".`);
}

/** The window of a calendar period in a site's time zone: local midnight to local midnight. */
export function periodWindow(period: Period, timeZone: string): TimeWindow {
  assertZone(timeZone);
  if (period.kind === 'calendar_month') {
    const start = DateTime.fromObject({ year: period.year, month: period.month, day: 1 }, { zone: timeZone });
    return { kind: 'calendar_month', timeZone, start, end: start.plus({ months: 1 }) };
  }
  if (period.kind === 'date_range') {
    const start = DateTime.fromISO(period.from, { zone: timeZone });
    return { kind: 'date_range', timeZone, start, end: DateTime.fromISO(period.to, { zone: timeZone }).plus({ days: 1 }) };
  }
  const start = DateTime.fromObject({ weekYear: period.weekYear, weekNumber: period.week, weekday: 1 }, { zone: timeZone });
  return { kind: 'calendar_week', timeZone, start, end: start.plus({ weeks: 1 }) };
}

/** The window of a kind that holds `now`: this month, this ISO week, or the last N local days including today. */
export function currentWindow(kind: WindowKind, now: Date | number, timeZone: string): TimeWindow {
  assertZone(timeZone);
  const today = DateTime.fromMillis(+now, { zone: timeZone }).startOf('day');
  if (kind === 'calendar_month') {
    return { kind, timeZone, start: today.startOf('month'), end: today.startOf('month').plus({ months: 1 }) };
  }
  if (kind === 'calendar_week') return { kind, timeZone, start: today.startOf('week'), end: today.startOf('week').plus({ weeks: 1 }) };
  const days = ROLLING_DAYS[kind];
  return { kind, timeZone, start: today.minus({ days: days - 1 }), end: today.plus({ days: 1 }) };
}

/** The period a calendar window is (for labels); undefined for rolling windows. */
export function periodOf(window: TimeWindow): Period | undefined {
  if (window.kind === 'calendar_month') return { kind: 'calendar_month', year: window.start.year, month: window.start.month };
  if (window.kind === 'calendar_week') {
    return { kind: 'calendar_week', weekYear: window.start.weekYear, week: window.start.weekNumber };
  }
  if (window.kind === 'date_range') return { kind: 'date_range', from: window.start.toISODate()!, to: window.end.minus({ days: 1 }).toISODate()! };
  return undefined;
}

/** The local dates (YYYY-MM-DD) of a window, in order: what the daily rollups are keyed by. */
export function localDates(window: TimeWindow): string[] {
  const dates: string[] = [];
  if (window.end <= window.start) return dates;
  // From the first local date to the one holding the window's last instant, counted on the calendar
  // (UTC dates, no zone): a zone's arithmetic per day was most of a site scorecard's own time.
  const last = Date.parse(`${window.end.minus({ milliseconds: 1 }).toISODate()}T00:00:00Z`);
  for (let day = Date.parse(`${window.start.toISODate()}T00:00:00Z`); day <= last; day += DAY_MS) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

/** Nominal window hours (local days × 24) for burn-rate factors, so a DST change does not move a threshold. */
export const windowHours = (window: TimeWindow): number => localDates(window).length * 24;

/** Nominal hours of a window kind where it does not depend on the date (rolling windows), else undefined. */
export const rollingHours = (kind: WindowKind): number | undefined => (ROLLING_DAYS[kind] ? ROLLING_DAYS[kind] * 24 : undefined);

/** Elapsed real hours of a window (23 h or 25 h days included), for audits next to the nominal hours. */
export const elapsedHours = (window: TimeWindow): number => window.end.diff(window.start, 'hours').hours;

/**
 * The first and last of local dates that follow one another with none missing (a window's, or the
 * union of sites' windows a day apart), as one range; undefined for dates with a gap (or none).
 */
export function dateSpan(dates: readonly string[]): [string, string] | undefined {
  const sorted = [...new Set(dates)].sort();
  const [first, last] = [sorted[0], sorted[sorted.length - 1]];
  if (first === undefined) return undefined;
  const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000 + 1;
  return sorted.length === days ? [first, last] : undefined;
}

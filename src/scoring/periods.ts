import { DateTime, IANAZone } from 'luxon';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';

export const WINDOW_KINDS = ['calendar_month', 'calendar_week', 'rolling_7d', 'rolling_28d', 'rolling_30d'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

const ROLLING_DAYS: Readonly<Record<string, number>> = { rolling_7d: 7, rolling_28d: 28, rolling_30d: 30 };

/** A calendar period named in a query: `2026-10` or `2026-W44`. */
export type Period =
  | { kind: 'calendar_month'; year: number; month: number }
  | { kind: 'calendar_week'; weekYear: number; week: number };

/** A window in a site's own time zone: [start, end), whole local days. */
export interface TimeWindow {
  kind: WindowKind;
  timeZone: string;
  start: DateTime;
  end: DateTime;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;

/** A 400 that names the parameter and what it expected. */
const badPeriod = (text: string, why: string) =>
  new DomainException(ErrorCode.Validation, `Invalid period "${text}": ${why}.`, [{ field: 'period', message: why }]);

/** Narrows text (a YAML field, a query parameter) to a window kind. */
export const isWindowKind = (text: string): text is WindowKind => (WINDOW_KINDS as readonly string[]).includes(text);

/** Parses `?period=YYYY-MM|YYYY-Www`; throws a validation error that says what was expected. */
export function parsePeriod(text: string): Period {
  const month = MONTH.exec(text);
  if (month) return monthPeriod(text, Number(month[1]), Number(month[2]));
  const week = WEEK.exec(text);
  if (week) return weekPeriod(text, Number(week[1]), Number(week[2]));
  throw badPeriod(text, 'expected YYYY-MM (a calendar month) or YYYY-Www (an ISO week, e.g. 2026-W05)');
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

/** The label of a period as the API accepts it back (`2026-10`, `2026-W05`). */
export function periodLabel(period: Period): string {
  const two = (n: number) => String(n).padStart(2, '0');
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
  return undefined;
}

/** The local dates (YYYY-MM-DD) of a window, in order: what the daily rollups are keyed by. */
export function localDates(window: TimeWindow): string[] {
  const dates: string[] = [];
  for (let day = window.start; day < window.end; day = day.plus({ days: 1 })) dates.push(day.toISODate() ?? '');
  return dates;
}

/** Nominal window hours (local days × 24) for burn-rate factors, so a DST change does not move a threshold. */
export const windowHours = (window: TimeWindow): number => localDates(window).length * 24;

/** Nominal hours of a window kind where it does not depend on the date (rolling windows), else undefined. */
export const rollingHours = (kind: WindowKind): number | undefined => (ROLLING_DAYS[kind] ? ROLLING_DAYS[kind] * 24 : undefined);

/** Elapsed real hours of a window (23 h or 25 h days included), for audits next to the nominal hours. */
export const elapsedHours = (window: TimeWindow): number => window.end.diff(window.start, 'hours').hours;

import type { SiteSpec } from '../catalog/contract-file.schema';
import { hourOf, localTime, type LocalTime } from './local-time';
import type { Weekday } from '../catalog/catalog.types';

/** What the occupancy curve needs to know about a site. */
export type SiteCalendar = Pick<SiteSpec, 'timeZone' | 'serviceHours' | 'holidays'>;

/** An office day: arrivals from 7, a morning peak at 10, a lunch dip, an afternoon peak, gone by 19. */
const DAY_CURVE: ReadonlyArray<[hour: number, level: number]> = [
  [0, 0],
  [6, 0],
  [7, 0.15],
  [8, 0.5],
  [9, 0.85],
  [10, 1],
  [11, 0.95],
  [12, 0.7],
  [13, 0.9],
  [14, 0.95],
  [15, 0.8],
  [16, 0.6],
  [17, 0.35],
  [18, 0.15],
  [19, 0.05],
  [20, 0],
  [24, 0],
];

/** Fridays are quieter (remote work); an open weekend day follows the same curve. */
const WEEKDAY_FACTOR: Record<Weekday, number> = { mon: 0.95, tue: 1, wed: 1, thu: 0.95, fri: 0.75, sat: 0.6, sun: 0.5 };

/** The day curve at a local hour, linearly interpolated. */
export function dayCurve(hour: number): number {
  for (let i = 1; i < DAY_CURVE.length; i++) {
    const [h1, l1] = DAY_CURVE[i];
    if (hour <= h1) {
      const [h0, l0] = DAY_CURVE[i - 1];
      return l0 + ((l1 - l0) * (hour - h0)) / (h1 - h0);
    }
  }
  return 0;
}

/** Whether a site is within its service hours at a local time (never on its holidays). */
export function isOpenAtLocal(local: LocalTime, site: SiteCalendar): boolean {
  if (site.holidays.includes(local.date)) return false;
  return site.serviceHours[local.weekday].some(([from, to]) => local.hour >= hourOf(from) && local.hour < hourOf(to));
}

/** Share of a site's peak occupancy (0–1) at a local time: zero outside its service hours and on its holidays. */
export function occupancyAtLocal(local: LocalTime, site: SiteCalendar): number {
  return isOpenAtLocal(local, site) ? dayCurve(local.hour) * WEEKDAY_FACTOR[local.weekday] : 0;
}

/** Share of a site's peak occupancy (0–1) at an instant, read in the site's own time zone. */
export function occupancy(at: Date, site: SiteCalendar): number {
  return occupancyAtLocal(localTime(at, site.timeZone), site);
}

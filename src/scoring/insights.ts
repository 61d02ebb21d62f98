import type { Language } from '../catalog/catalog.types';
import { countsOf, figureOf, type IndicatorKey } from './indicators';
import { themesOf, THEMES, type CommentInput, type Theme } from './themes';

/**
 * Drivers, comment themes and the hour-of-week heatmap: the pure parts (no Nest, no TypeORM).
 * The rollup SQL in insight-rollups.ts applies the same definitions set-based.
 */

/** The conditions a rating is compared under, and the zone_intervals kinds that make each hold. */
export const DRIVER_CONDITIONS = {
  consumable_out: ['soap_out', 'paper_out'],
  bin_full: ['bin_full'],
  clean_overdue: ['clean_overdue'],
  co2_high: ['co2_high'],
  crowding: [],
} as const satisfies Record<string, readonly string[]>;
export type DriverCondition = keyof typeof DRIVER_CONDITIONS;
export const DRIVER_CONDITION_KEYS = Object.keys(DRIVER_CONDITIONS) as DriverCondition[];

/**
 * Crowding: a rating is given in a crowd when the visitors of the full clock hour before the one it
 * falls in exceed the zone's 90th percentile (interpolated, as percentile_cont) of its hourly
 * visitors over the 28 local days before the rating's local date, counting only hours with visitors.
 * With fewer than 24 such hours the zone has no baseline that day and its ratings count on neither side.
 */
export const CROWDING = { percentile: 0.9, baselineDays: 28, minBaselineHours: 24 } as const;

/** The crowding threshold of a zone-day from its baseline hours' visitor counts; null without a baseline. */
export function crowdingThreshold(hourlyVisitors: readonly number[]): number | null {
  const counted = hourlyVisitors.filter((v) => v > 0).sort((a, b) => a - b);
  if (counted.length < CROWDING.minBaselineHours) return null;
  const at = CROWDING.percentile * (counted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return counted[low] + (counted[high] - counted[low]) * (at - low);
}

/** A zone-day's crowding baseline: the instants [from, to) of the 28 local days before it (epoch ms). */
export interface BaselineDay {
  zoneId: string;
  localDate: string;
  from: number;
  to: number;
}

/** A zone's hourly visitors (hours with visitors only), the hour as epoch ms. */
export interface HourVisitors {
  zoneId: string;
  hour: number;
  visitors: number;
}

/** The crowding threshold of each zone-day from its zone's hourly visitors (in any order), as crowdingThreshold. */
export function crowdingThresholds(days: readonly BaselineDay[], visitors: readonly HourVisitors[]): Array<BaselineDay & { threshold: number | null }> {
  const byZone = new Map<string, HourVisitors[]>();
  for (const v of visitors) {
    const hours = byZone.get(v.zoneId);
    if (hours) hours.push(v);
    else byZone.set(v.zoneId, [v]);
  }
  for (const hours of byZone.values()) hours.sort((a, b) => a.hour - b.hour);
  /** Index of the first hour at or after an instant. */
  const firstFrom = (hours: readonly HourVisitors[], at: number) => {
    let lo = 0;
    let hi = hours.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hours[mid].hour < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return days.map((day) => {
    const hours = byZone.get(day.zoneId) ?? [];
    const window = hours.slice(firstFrom(hours, day.from), firstFrom(hours, day.to));
    return { ...day, threshold: crowdingThreshold(window.map((h) => h.visitors)) };
  });
}

/** Whether the preceding hour's visitors make a crowd against a threshold; undefined (counted nowhere) without one. */
export const isCrowded = (precedingHourVisitors: number, threshold: number | null): boolean | undefined =>
  threshold === null ? undefined : precedingHourVisitors > threshold;

/** Indicators the heatmap can show: those read from ratings alone. */
export const HEATMAP_INDICATORS = ['csat', 'negative_rate', 'happiness', 'happy_index'] as const satisfies readonly IndicatorKey[];
export type HeatmapIndicator = (typeof HEATMAP_INDICATORS)[number];

/** Summed rating counts of one local weekday (ISO, 1 = Monday) and local hour (0–23). */
export interface HourOfWeekCounts {
  weekday: number;
  hour: number;
  rated: number;
  positive: number;
  negative: number;
  happyWeightSum: number;
}

export interface HeatmapCell {
  /** ISO weekday, 1 = Monday … 7 = Sunday, in the site's time zone. */
  weekday: number;
  /** Local hour, 0–23. */
  hour: number;
  value: number | null;
  numerator: number;
  denominator: number;
  /** Ratings counted (excluded ones never are). */
  n: number;
}

/** The 168 cells of a week, Monday 00:00 first, each with its figure; hours without ratings have n 0 and value null. */
export function heatmapCells(indicator: HeatmapIndicator, rows: readonly HourOfWeekCounts[]): HeatmapCell[] {
  const byCell = new Map<number, HourOfWeekCounts>();
  for (const row of rows) {
    const id = (row.weekday - 1) * 24 + row.hour;
    const seen = byCell.get(id);
    byCell.set(id, seen ? { ...row, rated: seen.rated + row.rated, positive: seen.positive + row.positive, negative: seen.negative + row.negative, happyWeightSum: seen.happyWeightSum + row.happyWeightSum } : row);
  }
  return Array.from({ length: 7 * 24 }, (_, id) => {
    const c = byCell.get(id);
    const figure = figureOf(indicator, countsOf({ rated: c?.rated ?? 0, positive: c?.positive ?? 0, negative: c?.negative ?? 0, happyWeightSum: c?.happyWeightSum ?? 0 }));
    return { weekday: Math.floor(id / 24) + 1, hour: id % 24, value: figure.value, numerator: figure.numerator, denominator: figure.denominator, n: c?.rated ?? 0 };
  });
}

/** The key of comment_theme_daily rows that count every comment (the shares' denominator). */
export const ALL_COMMENTS = '*';

/** Example comments kept per zone-day, language and theme (the newest). */
export const EXAMPLES_PER_DAY = 3;

/** A comment as the rollup reads it: its zone-day and its (scrubbed) text. */
export interface DayComment extends CommentInput {
  clientId: string;
  zoneId: string;
  siteId: string;
  localDate: string;
}

export interface ThemeRollupRow {
  clientId: string;
  zoneId: string;
  siteId: string;
  localDate: string;
  language: Language;
  theme: Theme | typeof ALL_COMMENTS;
  comments: number;
  examples: string[];
}

/**
 * Comments per zone-day, language and theme (a comment naming two themes counts once in each), with
 * the first EXAMPLES_PER_DAY of them (give comments newest first), and '*' rows counting them all.
 */
export function themeRollupRows(comments: readonly DayComment[]): ThemeRollupRow[] {
  const rows = new Map<string, ThemeRollupRow>();
  const add = (c: DayComment, theme: ThemeRollupRow['theme']) => {
    const id = [c.clientId, c.zoneId, c.localDate, c.language, theme].join('|');
    const row = rows.get(id) ?? { clientId: c.clientId, zoneId: c.zoneId, siteId: c.siteId, localDate: c.localDate, language: c.language, theme, comments: 0, examples: [] };
    row.comments++;
    if (theme !== ALL_COMMENTS && row.examples.length < EXAMPLES_PER_DAY) row.examples.push(c.text);
    rows.set(id, row);
  };
  for (const comment of comments) {
    add(comment, ALL_COMMENTS);
    for (const theme of themesOf(comment.text, comment.language)) add(comment, theme);
  }
  return [...rows.values()];
}

export interface ThemeSummary {
  theme: Theme;
  count: number;
  /** Share of the period's comments that name the theme, 0–1. */
  share: number;
  byLanguage: Partial<Record<Language, number>>;
  examples: string[];
}

/**
 * Theme shares over a scope from summed rollup rows (language, theme, comments), with up to
 * `examples` of the given example comments (newest first) per theme.
 */
export function themeSummary(
  rows: ReadonlyArray<{ language: Language; theme: string; comments: number }>,
  recent: ReadonlyArray<{ theme: string; text: string }>,
  examples = 3,
): { comments: number; themes: ThemeSummary[] } {
  const total = rows.filter((r) => r.theme === ALL_COMMENTS).reduce((s, r) => s + r.comments, 0);
  const byTheme = new Map<Theme, ThemeSummary>();
  for (const row of rows) {
    if (row.theme === ALL_COMMENTS) continue;
    const theme = row.theme as Theme;
    const summary = byTheme.get(theme) ?? { theme, count: 0, share: 0, byLanguage: {}, examples: [] };
    summary.count += row.comments;
    summary.byLanguage[row.language] = (summary.byLanguage[row.language] ?? 0) + row.comments;
    byTheme.set(theme, summary);
  }
  for (const example of recent) {
    const summary = byTheme.get(example.theme as Theme);
    if (summary && summary.examples.length < examples && !summary.examples.includes(example.text)) summary.examples.push(example.text);
  }
  const themes = [...byTheme.values()]
    .map((s) => ({ ...s, share: total > 0 ? s.count / total : 0 }))
    .sort((a, b) => b.count - a.count || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme));
  return { comments: total, themes };
}

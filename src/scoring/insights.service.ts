import { Injectable } from '@nestjs/common';
import type { Principal } from '../platform/access/roles';
import { driverOf, rankDrivers, type ConditionCounts, type Driver } from './drivers';
import { excludedTotal } from './indicators';
import { DRIVER_CONDITION_KEYS, heatmapCells, themeSummary, type HeatmapCell, type HeatmapIndicator, type ThemeSummary } from './insights';
import { InsightsRepository, type ZoneDays } from './insights.repository';
import { reasonShares, sumRollups, type ReasonShare } from './scorecard';
import { ScoringScopeService, windowView, type ResolvedScope, type WindowView } from './scoring-scope.service';

/** Example comments shown per theme. */
const EXAMPLES = 3;

export interface DriversView {
  contract: string;
  window: WindowView;
  ratings: { rated: number; negative: number; excluded: { total: number; byReason: Readonly<Record<string, number>> } };
  /** Conditions with n1 ≥ 30 and n0 ≥ 30, most excess negatives first. */
  drivers: Driver[];
  /** Conditions left out for too small a sample, with their counts. */
  insufficientData: ConditionCounts[];
  reasons: ReasonShare[];
  themes: { comments: number; themes: ThemeSummary[] };
}

export interface HeatmapView {
  contract: string;
  indicator: HeatmapIndicator;
  window: WindowView;
  /** 7 × 24 cells, Monday 00:00 first, in each site's local weekday and hour. */
  cells: HeatmapCell[];
}

/** Drivers of negative experiences, reason shares, comment themes and the hour-of-week heatmap of a contract, from the rollups. */
@Injectable()
export class InsightsService {
  constructor(
    private readonly scopes: ScoringScopeService,
    private readonly insights: InsightsRepository,
  ) {}

  async drivers(who: Principal, contractKey: string, query: { period?: string }): Promise<DriversView> {
    const scope = await this.scopes.contract(who, contractKey, { period: query.period });
    const groups = zoneDaysOf(scope);
    const conditions = sumConditions((await Promise.all(groups.map((g) => this.insights.driverCounts(g)))).flat());
    const totals = sumRollups([...(await this.scopes.counts(scope, { burn: false })).byUnit.values()].map((c) => c.totals));
    const themeRows = (await Promise.all(groups.map((g) => this.insights.themeCounts(g)))).flat();
    const examples = (await Promise.all(groups.map((g) => this.insights.themeExamples(g, EXAMPLES)))).flat();
    examples.sort((a, b) => b.localDate.localeCompare(a.localDate));
    return {
      contract: contractKey,
      window: windowView(scope),
      ratings: {
        rated: totals.counts.rated,
        negative: totals.counts.negative,
        excluded: { total: excludedTotal(totals.counts.excluded), byReason: totals.counts.excluded },
      },
      drivers: rankDrivers(conditions),
      insufficientData: conditions.filter((c) => !driverOf(c).shown),
      reasons: reasonShares(totals),
      themes: themeSummary(themeRows, examples, EXAMPLES),
    };
  }

  async heatmap(who: Principal, contractKey: string, query: { period?: string; indicator: HeatmapIndicator }): Promise<HeatmapView> {
    const scope = await this.scopes.contract(who, contractKey, { period: query.period });
    const rows = (await Promise.all(zoneDaysOf(scope).map((g) => this.insights.hourOfWeek(g)))).flat();
    return { contract: contractKey, indicator: query.indicator, window: windowView(scope), cells: heatmapCells(query.indicator, rows) };
  }
}

/** Every condition's counts summed over groups, in condition order (zeros where no rating was counted under it). */
function sumConditions(rows: readonly ConditionCounts[]): ConditionCounts[] {
  return DRIVER_CONDITION_KEYS.map((condition) => {
    const mine = rows.filter((r) => r.condition === condition);
    const sum = (k: 'n1' | 'k1' | 'n0' | 'k0') => mine.reduce((s, r) => s + r[k], 0);
    return { condition, n1: sum('n1'), k1: sum('k1'), n0: sum('n0'), k0: sum('k0') };
  });
}

/** The scope's zones grouped by client and their sites' local dates (sites in one time-zone band share them). */
function zoneDaysOf(scope: ResolvedScope): ZoneDays[] {
  const sites = new Map(scope.sites.map((s) => [s.key, s]));
  const groups = new Map<string, ZoneDays>();
  for (const zone of scope.zones) {
    const dates = sites.get(zone.siteKey)!.dates;
    const id = `${zone.clientId}|${dates.join(',')}`;
    const group = groups.get(id) ?? { clientId: zone.clientId, siteIds: [], zoneIds: [], dates };
    if (!group.siteIds.includes(zone.siteId)) group.siteIds.push(zone.siteId);
    group.zoneIds.push(zone.id);
    groups.set(id, group);
  }
  return [...groups.values()];
}

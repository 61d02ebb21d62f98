import { Injectable } from '@nestjs/common';
import type { Principal } from '../platform/access/roles';
import { figureOf, type IndicatorKey } from './indicators';
import type { RollupCounts } from './rollup-columns';
import {
  benchmark,
  covers,
  objectiveCard,
  objectiveSummary,
  scopeCard,
  scopeCountsOf,
  scopeSummary,
  sumRollups,
  watermelonSite,
  type BenchmarkRow,
  type ObjectiveCard,
  type ScopedObjective,
  type ObjectiveSummary,
  type ScopeCard,
  type ScopeSummary,
  type WatermelonSite,
  type ZoneCounts,
} from './scorecard';

/** A day's scorecard is scored as a window of 24 nominal hours. */
const HOURS_PER_DAY = 24;
import { ScoringScopeService, scopedObjective, unitsBySite, windowView, type ResolvedScope, type WindowQuery, type WindowView } from './scoring-scope.service';

/** A site on the contract scorecard, in brief: its full card (budgets, burn rates, zones) is the site route's. */
export type SiteSummary = { site: string; watermelon: boolean } & ScopeSummary;

/** A watermelon site on the contract scorecard: the objectives that make it one, in brief. */
export interface WatermelonSummary {
  site: string;
  breachedXla: ObjectiveSummary[];
  metSla: ObjectiveSummary[];
}

export interface ZoneScorecard extends ScopeCard {
  zone: string;
  type: string;
}

export interface ContractScorecard extends ScopeCard {
  contract: string;
  window: WindowView;
  watermelons: WatermelonSummary[];
  benchmark: { indicator: IndicatorKey; sites: BenchmarkRow[] };
  sites: SiteSummary[];
}

export interface SiteScorecardView extends ScopeCard {
  contract: string;
  site: string;
  window: WindowView;
  watermelon: WatermelonSite | null;
  zones: ZoneScorecard[];
}

export interface ObjectiveDetail extends ObjectiveCard {
  contract: string;
  indicator: IndicatorKey;
  scope: ReturnType<typeof scopedObjective>['scope'];
  window: WindowView;
  /** Per local date of the window: the objective's numerator, denominator and value over its zones. */
  series: Array<{ date: string; numerator: number; denominator: number; value: number | null }>;
}

/** A contract's figures per local date of its window: each day's counts scored alone (no burn rates). */
export interface ContractDaily {
  contract: string;
  window: WindowView;
  days: Array<{ date: string } & Pick<ScopeCard, 'experienceIndex' | 'attainment'>>;
}

/**
 * The scorecard API: every figure read from the rollups through the pure formulas, summed over
 * zones (never averaged), each site in its own window. Alerts, dashboards and reports read this.
 */
@Injectable()
export class ScorecardService {
  constructor(private readonly scopes: ScoringScopeService) {}

  async contract(who: Principal, contractKey: string, query: WindowQuery & { rankBy?: IndicatorKey }): Promise<ContractScorecard> {
    const scope = await this.scopes.contract(who, contractKey, query);
    const objectives = await this.scopes.objectivesOf(who, scope);
    const indicator = query.rankBy ?? 'happy_index';
    const card = await this.scopes.figuresOf(scope, objectives, ['contract', indicator], () => this.contractCard(scope, objectives, indicator));
    // The window as of now (a current month's as-of instant moves; its figures only with the rollups and the hour).
    const { contract, ...figures } = card;
    return { contract, window: windowView(scope), ...figures };
  }

  private async contractCard(scope: ResolvedScope, objectives: readonly ScopedObjective[], indicator: IndicatorKey): Promise<Omit<ContractScorecard, 'window'>> {
    const { units, byUnit } = await this.scopes.counts(scope, { burn: true });
    const top = scopeCard(units, objectives, byUnit, scope.windowHours);
    const unitsOf = unitsBySite(scope, units);
    const sites = scope.sites.map((site) => {
      const ofSite = unitsOf.get(site.key)!;
      return { site: site.key, card: scopeCard(ofSite, objectives, byUnit, scope.windowHours), units: ofSite };
    });
    const melons = sites.map((s) => watermelonSite(s.site, s.card)).filter((w): w is WatermelonSite => w !== null);
    const melonSites = new Set(melons.map((m) => m.site));
    return {
      contract: scope.contractKey,
      ...top,
      watermelons: melons.map((m) => ({ site: m.site, breachedXla: m.breachedXla.map(objectiveSummary), metSla: m.metSla.map(objectiveSummary) })),
      benchmark: {
        indicator,
        sites: benchmark(
          indicator,
          sites.map((s) => ({ site: s.site, totals: scopeCountsOf(s.units.map((u) => u.id), byUnit).totals })),
        ),
      },
      sites: sites.map((s) => ({ site: s.site, watermelon: melonSites.has(s.site), ...scopeSummary(s.card) })),
    };
  }

  async site(who: Principal, siteKey: string, query: WindowQuery): Promise<SiteScorecardView> {
    const scope = await this.scopes.site(who, siteKey, query);
    // Per zone: the zone cards show their own burn rates. The objectives and the counts are read together.
    const [objectives, { byUnit }] = await Promise.all([this.scopes.objectivesOf(who, scope), this.scopes.counts(scope, { burn: true, perZone: true })]);
    const card = scopeCard(scope.zones, objectives, byUnit, scope.windowHours);
    return {
      contract: scope.contractKey,
      site: siteKey,
      window: windowView(scope),
      ...card,
      watermelon: watermelonSite(siteKey, card),
      zones: scope.zones.map((z) => ({ zone: z.ref, type: z.type, ...scopeCard([z], objectives, byUnit, scope.windowHours) })),
    };
  }

  async watermelons(who: Principal, contractKey: string, query: WindowQuery): Promise<{ contract: string; window: WindowView; watermelons: WatermelonSite[] }> {
    const scope = await this.scopes.contract(who, contractKey, query);
    const objectives = await this.scopes.objectivesOf(who, scope);
    const { units, byUnit } = await this.scopes.counts(scope, { burn: true });
    const unitsOf = unitsBySite(scope, units);
    const melons = scope.sites
      .map((site) => watermelonSite(site.key, scopeCard(unitsOf.get(site.key)!, objectives, byUnit, scope.windowHours)))
      .filter((w): w is WatermelonSite => w !== null);
    return { contract: contractKey, window: windowView(scope), watermelons: melons };
  }

  /**
   * The contract's experience index and XLA and SLA attainment per local date of the window (each
   * site's own dates: a contract's 1 October sums every site's 1 October), every objective scored
   * over that day's counts alone: below its minimum sample on a day, it is insufficient data there.
   */
  async contractDaily(who: Principal, contractKey: string, query: WindowQuery): Promise<ContractDaily> {
    const scope = await this.scopes.contract(who, contractKey, query);
    const objectives = await this.scopes.objectivesOf(who, scope);
    const { units } = await this.scopes.counts(scope, { burn: false });
    const byDate = new Map<string, Map<string, ZoneCounts>>();
    for (const { unit, localDate, ...totals } of await this.scopes.daily(scope, units)) {
      const day = byDate.get(localDate) ?? new Map<string, ZoneCounts>();
      day.set(unit, { totals });
      byDate.set(localDate, day);
    }
    const dates = [...new Set(scope.sites.flatMap((s) => s.dates))].sort();
    const days = dates.map((date) => {
      const card = scopeCard(units, objectives, byDate.get(date) ?? new Map(), HOURS_PER_DAY);
      return { date, experienceIndex: card.experienceIndex, attainment: card.attainment };
    });
    return { contract: scope.contractKey, window: windowView(scope), days };
  }

  /** One objective over every zone it covers: status, budget, burn rates and the daily series of its window. */
  async objective(who: Principal, ref: string, query: WindowQuery): Promise<ObjectiveDetail> {
    const { objective, scope } = await this.scopes.objective(who, ref, query);
    const spec = scopedObjective(objective);
    const zones = scope.zones.filter((z) => covers(spec.scope, z));
    const siteKeys = new Set(zones.map((z) => z.siteKey));
    const covered = { ...scope, zones, sites: scope.sites.filter((s) => siteKeys.has(s.key)) };
    const { units, byUnit } = await this.scopes.counts(covered, { burn: true });
    const card = objectiveCard(spec, scopeCountsOf(units.map((u) => u.id), byUnit), scope.windowHours);
    const days = new Map<string, RollupCounts[]>();
    for (const row of await this.scopes.daily(covered, units)) {
      const day = days.get(row.localDate) ?? [];
      day.push(row);
      days.set(row.localDate, day);
    }
    // Each site's own local dates: a contract's 1 October sums every site's 1 October.
    const dates = [...new Set(covered.sites.flatMap((s) => s.dates))].sort();
    const series = dates.map((date) => {
      const { numerator, denominator, value } = figureOf(spec.indicator, sumRollups(days.get(date) ?? []).counts);
      return { date, numerator, denominator, value };
    });
    return { contract: objective.contractKey, scope: spec.scope, window: windowView(covered), ...card, series };
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AlertRuleKey } from '../catalog/catalog.types';
import { IncidentsService } from '../operations/incidents.service';
import { ZoneIntervalsService } from '../operations/zone-intervals.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { groupBy } from '../platform/group-by';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { ScorecardService } from '../scoring/scorecard.service';
import { alertKey, type AlertRow } from './alerts.repository';
import { AlertsService, contractPlaceOf, type Condition } from './alerts.service';
import { NegativeFeedback } from './negative-feedback';

export const ALERT_RULES_JOB = 'alerts:rules';
const EVERY_MS = 60_000;
/** A zone's negative-feedback alert resolves itself after this long without a negative rating. */
export const QUIET_MS = 60 * 60_000;
/** How far back the recovery sweep looks for ratings whose alert a crash may have lost. */
const RECOVER_WITHIN_MS = 15 * 60_000;
/** A thank-you alert is resolved this long after it was sent. */
const THANKS_MS = 12 * 3_600_000;
/** The rules read every contract: a principal of no client. */
const RULES: Principal = { role: 'admin', clientId: null, siteId: null, keyId: null };

export interface RulesRunStats {
  raised: number;
  autoResolved: number;
  reminded: number;
  escalated: number;
}

/**
 * The rules evaluated on one leader, every minute: burn rates (the fast and slow conditions of each
 * objective, as the scoring module computes them), operations (incidents past their targets, devices
 * offline, a consumable out while people keep coming, a planned clean overdue), then each open alert's reminders and escalation, and the resolution of alerts whose
 * condition cleared. Negative feedback is not polled: ratings drive it (NegativeFeedback).
 */
@Injectable()
export class AlertRulesJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertRulesJob.name);

  constructor(
    private readonly alerts: AlertsService,
    private readonly scorecards: ScorecardService,
    private readonly incidents: IncidentsService,
    private readonly intervals: ZoneIntervalsService,
    private readonly negativeFeedback: NegativeFeedback,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader.runAsLeader(ALERT_RULES_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.run()).catch((err: Error) => this.logger.warn(`Alert rules failed: ${err.message}`));
    this.registry.addInterval(ALERT_RULES_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', ALERT_RULES_JOB)) this.registry.deleteInterval(ALERT_RULES_JOB);
  }

  /** One evaluation at the clock's now, wherever it is called (the job, tests). */
  async run(): Promise<RulesRunStats> {
    const now = this.clock.now();
    const stats: RulesRunStats = { raised: 0, autoResolved: 0, reminded: 0, escalated: 0 };
    const holding = new Set<string>();
    // A rule that failed this run clears nothing: its alerts stay as they are until it runs again.
    const failed = new Set<string>();
    const steps: Array<[string[], () => Promise<number>]> = [
      [['burn_rate'], () => this.burnRates(holding)],
      [['device_offline', 'incident_overdue'], () => this.operations(now, holding)],
      [['consumable_out', 'clean_missed'], () => this.zoneIntervals(now, holding)],
      // Negative feedback is event-driven; this only catches a rating whose event a crash lost.
      [[], () => this.negativeFeedback.recover(RECOVER_WITHIN_MS)],
    ];
    for (const [rules, step] of steps) {
      try {
        stats.raised += await step();
      } catch (err) {
        rules.forEach((r) => failed.add(r));
        this.logger.warn(`Alert rules ${rules.join(', ')} failed: ${(err as Error).message}`);
      }
    }
    const open = await this.alerts.unresolved();
    for (const row of open) {
      if (!failed.has(row.rule) && clears(row, holding, now)) {
        if (await this.alerts.resolveRow(row, 'auto_resolved', 'system', 'the condition cleared')) stats.autoResolved++;
      }
    }
    const { reminded, escalated } = await this.alerts.remindAndEscalate((await this.alerts.unresolved()), now);
    return { ...stats, reminded, escalated };
  }

  /** Objectives whose fast or slow burn condition holds: one alert each, while it holds. */
  private async burnRates(holding: Set<string>): Promise<number> {
    const conditions: Condition[] = [];
    for (const contract of await this.alerts.contracts()) {
      const card = await this.scorecards.contract(RULES, contract.key, {});
      const place = contractPlaceOf(contract);
      for (const o of card.objectives.filter((objective) => objective.alerts.some((a) => a.fires))) {
        const detail = { objective: o.key, indicator: o.indicator, value: o.value, target: o.target, conditions: o.alerts.filter((a) => a.fires).map((a) => a.name), burnRates: o.burnRates };
        conditions.push({ place, rule: 'burn_rate', scope: `objective:${contract.id}:${o.key}`, detail, count: 1, repeat: 0 });
      }
    }
    return this.raiseHeld(conditions, holding);
  }

  /**
   * Operations' intervals going on now: a consumable out while people keep coming (someone counted
   * since it ran out), and a planned clean overdue. One alert per zone and kind while it lasts.
   */
  private async zoneIntervals(now: Date, holding: Set<string>): Promise<number> {
    const conditions: Condition[] = [];
    for (const { clientId, zoneIds } of await this.alerts.zonesByClient()) {
      const ongoing = (await this.intervals.list(clientId, zoneIds, new Date(now.getTime() - 60_000), new Date(now.getTime() + 1), [...CONSUMABLE_KINDS, 'clean_overdue'])).filter(
        (i) => i.start.getTime() <= now.getTime() && i.end.getTime() > now.getTime() && (i.kind === 'clean_overdue' || i.visitors >= 1),
      );
      const places = await this.alerts.zonePlaces(clientId, ongoing.map((i) => i.zoneId));
      for (const i of ongoing) {
        const place = places.get(i.zoneId);
        if (!place) continue;
        const rule = i.kind === 'clean_overdue' ? 'clean_missed' : 'consumable_out';
        conditions.push({ place, rule, scope: `zone:${i.zoneId}:${i.kind}`, detail: { kind: i.kind, since: i.start.toISOString(), visitors: i.visitors }, count: 1, repeat: 0 });
      }
    }
    return this.raiseHeld(conditions, holding, now);
  }

  /** Incidents past a target, and devices offline (operations' device_offline incidents): one alert per incident. */
  private async operations(now: Date, holding: Set<string>): Promise<number> {
    const conditions: Condition[] = [];
    for (const [clientId, incidents] of groupBy(await this.incidents.unresolved(now), (i) => i.clientId)) {
      const alerted = incidents.flatMap((i) => {
        const rule: AlertRuleKey | null = i.category === 'device_offline' ? 'device_offline' : i.overdue ? 'incident_overdue' : null;
        return rule ? [{ ...i, rule }] : [];
      });
      const places = await this.alerts.zonePlaces(clientId, alerted.map((i) => i.zoneId));
      for (const i of alerted) {
        const place = places.get(i.zoneId);
        if (!place) continue;
        conditions.push({ place, rule: i.rule, scope: `incident:${i.id}`, detail: { incident: i.id, category: i.category, priority: i.priority, overdue: i.overdue }, count: 1, repeat: 0 });
      }
    }
    return this.raiseHeld(conditions, holding, now);
  }

  /**
   * Holds the conditions (their alerts stay open) and raises them, the open ones seen again in one
   * statement: each minute a run holds every open alert of its rules, thousands when a client's
   * cleaning app is down (bench:scoring: a transaction each took a core for half of every minute).
   */
  private raiseHeld(conditions: readonly Condition[], holding: Set<string>, now?: Date): Promise<number> {
    for (const c of conditions) holding.add(alertKey(c.place.clientId, c.rule, c.scope));
    return this.alerts.raiseAll(conditions, now);
  }
}

/** Operations' interval kinds the interval rules read: a consumable out (or a bin full), and a planned clean overdue. */
const CONSUMABLE_KINDS = ['soap_out', 'paper_out', 'bin_full'] as const;

/** Whether an open alert's condition has cleared: a polled rule no longer holding it, a zone quiet for an hour, a thank-you after 12 hours. */
export function clears(row: AlertRow, holding: ReadonlySet<string>, now: Date): boolean {
  if (row.rule === 'negative_feedback') return now.getTime() - row.lastSeenAt.getTime() >= QUIET_MS;
  // A thank-you stands for the day: a second streak that day counts on it, and sends nothing more.
  if (row.rule === 'thank_team') return now.getTime() - row.openedAt.getTime() >= THANKS_MS;
  return !holding.has(alertKey(row.clientId, row.rule, row.scope));
}

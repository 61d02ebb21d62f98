import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { IncidentsService } from '../operations/incidents.service';
import { ZoneIntervalsService } from '../operations/zone-intervals.service';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { ScorecardService } from '../scoring/scorecard.service';
import type { AlertRow } from './alerts.repository';
import { AlertsService, contractPlaceOf } from './alerts.service';
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
    let raised = 0;
    for (const contract of await this.alerts.contracts()) {
      const card = await this.scorecards.contract(RULES, contract.key, {});
      const firing = card.objectives.filter((o) => o.alerts.some((a) => a.fires));
      if (!firing.length) continue;
      const place = contractPlaceOf(contract);
      for (const o of firing) {
        const scope = `objective:${contract.id}:${o.key}`;
        holding.add(`${contract.clientId}|burn_rate|${scope}`);
        const detail = { objective: o.key, indicator: o.indicator, value: o.value, target: o.target, conditions: o.alerts.filter((a) => a.fires).map((a) => a.name), burnRates: o.burnRates };
        const result = await this.alerts.raise({ place, rule: 'burn_rate', scope, detail, count: 1, repeat: 0 });
        if (result?.created) raised++;
      }
    }
    return raised;
  }

  /**
   * Operations' intervals going on now: a consumable out while people keep coming (someone counted
   * since it ran out), and a planned clean overdue. One alert per zone and kind while it lasts.
   */
  private async zoneIntervals(now: Date, holding: Set<string>): Promise<number> {
    let raised = 0;
    for (const { clientId, zoneIds } of await this.alerts.zonesByClient()) {
      const ongoing = await this.intervals.list(clientId, zoneIds, new Date(now.getTime() - 60_000), new Date(now.getTime() + 1), [...CONSUMABLE_KINDS, 'clean_overdue']);
      for (const i of ongoing) {
        if (i.start.getTime() > now.getTime() || i.end.getTime() <= now.getTime()) continue;
        const consumable = i.kind !== 'clean_overdue';
        if (consumable && i.visitors < 1) continue;
        const rule = consumable ? 'consumable_out' : 'clean_missed';
        const scope = `zone:${i.zoneId}:${i.kind}`;
        holding.add(`${clientId}|${rule}|${scope}`);
        const place = await this.alerts.zonePlace(clientId, i.zoneId);
        if (!place) continue;
        const result = await this.alerts.raise({ place, rule, scope, detail: { kind: i.kind, since: i.start.toISOString(), visitors: i.visitors }, count: 1, repeat: 0 }, now);
        if (result?.created) raised++;
      }
    }
    return raised;
  }

  /** Incidents past a target, and devices offline (operations' device_offline incidents): one alert per incident. */
  private async operations(now: Date, holding: Set<string>): Promise<number> {
    let raised = 0;
    for (const i of await this.incidents.unresolved(now)) {
      const rule = i.category === 'device_offline' ? 'device_offline' : i.overdue ? 'incident_overdue' : null;
      if (!rule) continue;
      const scope = `incident:${i.id}`;
      holding.add(`${i.clientId}|${rule}|${scope}`);
      const place = await this.alerts.zonePlace(i.clientId, i.zoneId);
      if (!place) continue;
      const result = await this.alerts.raise({ place, rule, scope, detail: { incident: i.id, category: i.category, priority: i.priority, overdue: i.overdue }, count: 1, repeat: 0 }, now);
      if (result?.created) raised++;
    }
    return raised;
  }
}

/** Operations' interval kinds the interval rules read: a consumable out (or a bin full), and a planned clean overdue. */
const CONSUMABLE_KINDS = ['soap_out', 'paper_out', 'bin_full'] as const;

/** Whether an open alert's condition has cleared: a polled rule no longer holding it, a zone quiet for an hour, a thank-you after 12 hours. */
export function clears(row: AlertRow, holding: ReadonlySet<string>, now: Date): boolean {
  if (row.rule === 'negative_feedback') return now.getTime() - row.lastSeenAt.getTime() >= QUIET_MS;
  // A thank-you stands for the day: a second streak that day counts on it, and sends nothing more.
  if (row.rule === 'thank_team') return now.getTime() - row.openedAt.getTime() >= THANKS_MS;
  return !holding.has(`${row.clientId}|${row.rule}|${row.scope}`);
}

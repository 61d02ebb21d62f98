import type { ServiceHours } from '../catalog/catalog.types';
import { localDateOf, serviceSpans } from '../operations/service-time';

/** What the rules job reads of an alert to decide whether it reminds or escalates now (instants in epoch ms). */
export interface AlertTimers {
  state: 'open' | 'acknowledged' | 'resolved';
  level: number;
  /** Since when the alert has been at its level: when its page went out (or is due to). */
  levelSince: number;
  remindedAt: number | null;
  snoozedUntil: number | null;
}

export interface AlertTiming {
  remindMinutes: number;
  escalateMinutes: number;
  /** The highest level with a recipient: it does not escalate past it. */
  topLevel: number;
}

/**
 * Whether an alert escalates or reminds at `now`. Only an open alert (neither acknowledged nor resolved)
 * does, and not while snoozed or while the site is closed (`paging` false, unless the rule is 24/7).
 * It escalates once `escalateMinutes` passed at its level without an acknowledgement (the clock starts
 * again at the new level and after a snooze); it reminds every `remindMinutes` at its level.
 */
export function dueAction(alert: AlertTimers, timing: AlertTiming, now: number, paging: boolean): 'escalate' | 'remind' | null {
  if (alert.state !== 'open' || !paging) return null;
  if (alert.snoozedUntil !== null && alert.snoozedUntil > now) return null;
  const since = Math.max(alert.levelSince, alert.snoozedUntil ?? 0);
  if (timing.escalateMinutes > 0 && alert.level < timing.topLevel && now - since >= timing.escalateMinutes * 60_000) return 'escalate';
  if (timing.remindMinutes > 0 && now - Math.max(since, alert.remindedAt ?? 0) >= timing.remindMinutes * 60_000) return 'remind';
  return null;
}

/** A site's opening hours and where they are. */
export interface SiteHours {
  timeZone: string;
  serviceHours: ServiceHours;
  holidays: readonly string[];
}

/** Whether the site is open at an instant. */
export function isOpen(site: SiteHours, at: number): boolean {
  return serviceSpans(localDateOf(at, site.timeZone), site.serviceHours, site.holidays, site.timeZone).some((s) => at >= s.start && at < s.end);
}

/**
 * When a page raised at `at` goes out: at once when the site is open (or the rule is 24/7), else at the
 * site's next opening within two weeks (a site that never opens: at once, so nothing waits forever).
 */
export function pageAt(site: SiteHours, at: number, allHours: boolean): number {
  if (allHours || isOpen(site, at)) return at;
  for (let day = 0; day < 14; day++) {
    const date = localDateOf(at + day * 86_400_000, site.timeZone);
    const next = serviceSpans(date, site.serviceHours, site.holidays, site.timeZone).find((s) => s.start > at);
    if (next) return next.start;
  }
  return at;
}

import { Injectable, Logger } from '@nestjs/common';
import type { AlertRuleKey, ServiceHours } from '../catalog/catalog.types';
import { ContractDirectory, type ContractHome } from '../catalog/contract-directory';
import { sees, type Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { groupBy } from '../platform/group-by';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { RULE_SEVERITY, recipientsFor, settingsAt, topLevel } from './alert-rules';
import { alertKey, AlertsRepository, type AlertPlaceRow, type AlertRow, type NewDelivery } from './alerts.repository';
import { dueAction, isOpen, pageAt, type SiteHours } from './lifecycle';
import { bodyOf, subjectOf, webhookBody, type AlertFacts, type AlertKind } from './messages';

export interface AlertView {
  id: string;
  rule: AlertRuleKey;
  severity: string;
  state: string;
  title: string;
  contract: string;
  site: string | null;
  zone: string | null;
  count: number;
  openedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  snoozedUntil: string | null;
  level: number;
  detail: Record<string, unknown>;
}

/** What raises an alert: the rule, where, the scope that keeps it one alert, and its details. */
export interface Condition {
  place: AlertPlaceRow;
  rule: AlertRuleKey;
  scope: string;
  detail: Record<string, unknown>;
  /** The count of a new alert (1 if left out). */
  count?: number;
  /** Added to an open alert's count by a repeat (the count if left out). */
  repeat?: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const SYSTEM = 'system';

/**
 * Alerts: raised by the rules (negative feedback as ratings arrive; burn rates and operations on the
 * rules job), one open per rule and scope, with their deliveries in the outbox (each recipient's
 * channel, in the site's language, held until the site opens unless the rule is 24/7); acknowledged,
 * snoozed and resolved by people, or resolved when their condition clears; reminded and escalated
 * by the rules job.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);
  /** Called after a change put deliveries in the outbox: the sender wakes. */
  private readonly wake: Array<() => void> = [];

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly directory: ContractDirectory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onDeliveriesQueued(fn: () => void): void {
    this.wake.push(fn);
  }

  private woke(): void {
    for (const fn of this.wake) fn();
  }

  /** Raises the condition's alert, or counts a repeat on the open one; whether it was new. Nothing when the rule is off there. */
  async raise(c: Condition, at = this.clock.now()): Promise<{ id: string; created: boolean } | null> {
    const settings = settingsAt(c.place, c.rule);
    if (!settings.enabled) return null;
    const page = new Date(pageAt(hoursOf(c.place), at.getTime(), settings.allHours));
    const facts = (id: string): AlertFacts => factsOf(c.place, { id, rule: c.rule, detail: c.detail, count: c.count ?? 1, openedAt: at, lastSeenAt: at });
    const result = await this.alerts.raise(
      {
        place: c.place,
        rule: c.rule,
        scope: c.scope,
        severity: RULE_SEVERITY[c.rule],
        title: subjectOf(facts(''), 'opened', 'en'),
        detail: c.detail,
        count: c.count ?? 1,
        repeat: c.repeat ?? c.count ?? 1,
        at,
        pageAt: page,
        allHours: settings.allHours,
      },
      (id) => this.deliveries(c.place, c.rule, facts(id), c.rule === 'thank_team' ? 'thanks' : 'opened', 0, page),
    );
    if (result.created) this.woke();
    return result;
  }

  /**
   * Raises many conditions at once (a rules run): those whose alert is open are seen again in one
   * statement, as raise would see each; the rest are raised one by one (a new alert's history and
   * deliveries in its own transaction). How many alerts were new.
   */
  async raiseAll(conditions: readonly Condition[], at = this.clock.now()): Promise<number> {
    const enabled = conditions.filter((c) => settingsAt(c.place, c.rule).enabled);
    const seen = await this.alerts.seeOpen(
      enabled.map((c) => ({ clientId: c.place.clientId, rule: c.rule, scope: c.scope, detail: c.detail, repeat: c.repeat ?? c.count ?? 1 })),
      at,
    );
    let created = 0;
    for (const c of enabled) {
      if (seen.has(alertKey(c.place.clientId, c.rule, c.scope))) continue;
      if ((await this.raise(c, at))?.created) created++;
    }
    return created;
  }

  /**
   * A rule's verdict on what just happened: raises the alert when it calls for one (a repeat counts
   * `repeat` on the open one), and otherwise counts a repeat only if one is open. The alert, if any.
   */
  async raiseOrCount(c: Condition & { repeat: number }, verdict: { alert: boolean }, at = this.clock.now()): Promise<{ id: string; created: boolean } | null> {
    if (verdict.alert) return this.raise(c, at);
    if (c.repeat <= 0) return null;
    const id = await this.alerts.countRepeat(c.place.clientId, c.rule, c.scope, c.repeat, at);
    return id ? { id, created: false } : null;
  }

  addDetail(clientId: string, id: string, detail: Record<string, unknown>): Promise<void> {
    return this.alerts.addDetail(clientId, id, detail);
  }

  /** The deliveries of an alert's message to a level's recipients: one per recipient's channel, rendered in the site's language. */
  private deliveries(place: AlertPlaceRow, rule: AlertRuleKey, facts: AlertFacts, kind: AlertKind, level: number, notBefore: Date): NewDelivery[] {
    const language = place.language;
    return recipientsFor(place.alerting, rule, place.siteKey ?? undefined, level).map((r): NewDelivery => {
      const base = { kind, recipient: r.key, notBefore };
      if ('mqtt' in r.channel) {
        const topic = `${this.config.mqttTopicPrefix}/${place.siteKey ?? place.contractKey}/alerts`;
        return { ...base, channel: 'mqtt', target: { topic }, payload: webhookBody('json', '', facts, kind, language) };
      }
      if ('email' in r.channel) {
        return { ...base, channel: 'email', target: { to: r.channel.email }, payload: { subject: subjectOf(facts, kind, language), text: bodyOf(facts, kind, language), language } };
      }
      const { url, secretEnv, format } = r.channel.webhook;
      return { ...base, channel: 'webhook', target: { url, format, ...(secretEnv ? { secretEnv } : {}) }, payload: webhookBody(format, '', facts, kind, language) };
    });
  }

  // ------------------------------------------------------------------ people

  async list(who: Principal, q: { site?: string; contract?: string; state?: string; rule?: string; limit: number }): Promise<{ items: AlertView[] }> {
    const rows = await this.alerts.list({ clientId: who.clientId, siteId: who.siteId ?? undefined, siteKey: q.site, contractKey: q.contract, state: q.state, rule: q.rule, limit: q.limit });
    return { items: rows.map((r) => this.view(r)) };
  }

  async get(who: Principal, id: string): Promise<AlertView & { history: Array<{ at: string; action: string; actor: string; note: string | null }>; deliveries: unknown[] }> {
    const row = await this.visible(who, id);
    const history = (await this.alerts.events(row.clientId, id)).map((e) => ({ at: e.at.toISOString(), action: e.action, actor: e.actor, note: e.note }));
    const deliveries = (await this.alerts.deliveries(row.clientId, id)).map((d) => ({ ...d, deliveredAt: iso(d.deliveredAt), failedAt: iso(d.failedAt) }));
    return { ...this.view(row), history, deliveries };
  }

  async acknowledge(who: Principal, id: string, note: string | null): Promise<AlertView> {
    const row = await this.visible(who, id);
    const now = this.clock.now();
    await this.alerts.record(row.clientId, id, now, { action: 'acknowledged', actor: actorOf(who), note, set: { state: 'acknowledged', acknowledged_at: now } }, [], ['open']);
    return this.view((await this.alerts.find(row.clientId, id))!);
  }

  async resolve(who: Principal, id: string, note: string | null): Promise<AlertView> {
    const row = await this.visible(who, id);
    await this.resolveRow(row, 'resolved', actorOf(who), note);
    return this.view((await this.alerts.find(row.clientId, id))!);
  }

  async snooze(who: Principal, id: string, minutes: number, note: string | null): Promise<AlertView> {
    const row = await this.visible(who, id);
    const now = this.clock.now();
    const until = new Date(now.getTime() + minutes * 60_000);
    await this.alerts.record(row.clientId, id, now, { action: 'snoozed', actor: actorOf(who), note: note ?? `until ${until.toISOString()}`, set: { snoozed_until: until } }, [], ['open', 'acknowledged']);
    return this.view((await this.alerts.find(row.clientId, id))!);
  }

  /** Resolves an alert (by a person, or `auto_resolved` by its rule) and tells its recipients so, once. */
  async resolveRow(row: AlertRow, action: 'resolved' | 'auto_resolved', actor: string, note: string | null): Promise<boolean> {
    const now = this.clock.now();
    const place = await this.placeOf(row);
    const notices = place && row.rule !== 'thank_team' ? this.deliveries(place, row.rule, this.factsOfRow(place, row), 'resolved', row.level, now) : [];
    const done = await this.alerts.record(row.clientId, row.id, now, { action, actor, note, set: { state: 'resolved', resolved_at: now } }, notices, ['open', 'acknowledged']);
    if (done && notices.length) this.woke();
    return done;
  }

  // ------------------------------------------------------------------ the rules job

  /** Reminds and escalates the alerts due at `now`, in their sites' service hours (or 24/7 rules); how many. */
  async remindAndEscalate(rows: readonly AlertRow[], now = this.clock.now()): Promise<{ reminded: number; escalated: number }> {
    let reminded = 0;
    let escalated = 0;
    const open = rows.filter((row) => row.state === 'open');
    const places = await this.placesOf(open);
    for (const row of open) {
      const place = places.get(placeKeyOf(row));
      if (!place) continue;
      const settings = settingsAt(place, row.rule);
      const paging = row.allHours || isOpen(hoursOf(place), now.getTime());
      const timers = { state: row.state, level: row.level, levelSince: (row.levelSince ?? row.openedAt).getTime(), remindedAt: row.remindedAt?.getTime() ?? null, snoozedUntil: row.snoozedUntil?.getTime() ?? null };
      const action = dueAction(timers, { ...settings, topLevel: topLevel(place.alerting, row.rule, place.siteKey ?? undefined) }, now.getTime(), paging);
      if (!action) continue;
      const facts = this.factsOfRow(place, row);
      if (action === 'escalate') {
        const level = row.level + 1;
        const ok = await this.alerts.record(row.clientId, row.id, now, { action: 'escalated', actor: SYSTEM, note: `to level ${level}`, set: { level, level_since: now, reminded_at: null } }, this.deliveries(place, row.rule, facts, 'escalated', level, now), ['open']);
        if (ok) escalated++;
      } else {
        const ok = await this.alerts.record(row.clientId, row.id, now, { action: 'reminded', actor: SYSTEM, note: null, set: { reminded_at: now } }, this.deliveries(place, row.rule, facts, 'reminder', row.level, now), ['open']);
        if (ok) reminded++;
      }
    }
    if (reminded + escalated) this.woke();
    return { reminded, escalated };
  }

  unresolved(): Promise<AlertRow[]> {
    return this.alerts.unresolved();
  }

  contracts(): Promise<ContractHome[]> {
    return this.directory.all();
  }

  coveredSince(clientId: string, rule: string, scope: string, at: Date): Promise<boolean> {
    return this.alerts.coveredSince(clientId, rule, scope, at);
  }

  zonesByClient(): Promise<Array<{ clientId: string; zoneIds: string[] }>> {
    return this.alerts.zonesByClient();
  }

  zonePlace(clientId: string, zoneId: string): Promise<AlertPlaceRow | undefined> {
    return this.alerts.zonePlace(clientId, zoneId);
  }

  zonePlaces(clientId: string, zoneIds: readonly string[]): Promise<Map<string, AlertPlaceRow>> {
    return this.alerts.zonePlaces(clientId, zoneIds);
  }

  async contractPlace(contractId: string): Promise<AlertPlaceRow | undefined> {
    const home = await this.directory.byId(contractId);
    return home && contractPlaceOf(home);
  }

  // ------------------------------------------------------------------ helpers

  private async visible(who: Principal, id: string): Promise<AlertRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.alerts.find(who.clientId, id) : undefined;
    if (!row || !sees(who, { clientId: row.clientId, siteId: row.siteId ?? '' })) throw new DomainException(ErrorCode.NotFound, `No alert "${id}".`);
    return row;
  }

  /**
   * The places of alerts (a zone's, or a contract's) by placeKeyOf, each read once: a client's zones
   * in one query (thousands of open alerts each minute: a query each took seconds of every minute).
   */
  private async placesOf(rows: readonly AlertRow[]): Promise<Map<string, AlertPlaceRow>> {
    const places = new Map<string, AlertPlaceRow>();
    for (const [clientId, ofClient] of groupBy(rows.filter((r) => r.zoneId), (r) => r.clientId)) {
      for (const [zoneId, place] of await this.alerts.zonePlaces(clientId, ofClient.map((r) => r.zoneId!))) places.set(zoneId, place);
    }
    for (const contractId of new Set(rows.filter((r) => !r.zoneId).map((r) => r.contractId))) {
      const place = await this.contractPlace(contractId);
      if (place) places.set(`contract:${contractId}`, place);
    }
    return places;
  }

  private placeOf(row: AlertRow): Promise<AlertPlaceRow | undefined> {
    return row.zoneId ? this.alerts.zonePlace(row.clientId, row.zoneId) : this.contractPlace(row.contractId);
  }

  private factsOfRow(place: AlertPlaceRow, row: AlertRow): AlertFacts {
    return factsOf(place, { id: row.id, rule: row.rule, detail: row.detail, count: row.count, openedAt: row.openedAt, lastSeenAt: row.lastSeenAt });
  }

  private view(row: AlertRow): AlertView {
    return {
      id: row.id,
      rule: row.rule,
      severity: row.severity,
      state: row.state,
      title: row.title,
      contract: row.contractKey,
      site: row.siteKey,
      zone: row.zoneKey,
      count: row.count,
      openedAt: row.openedAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      acknowledgedAt: iso(row.acknowledgedAt),
      resolvedAt: iso(row.resolvedAt),
      snoozedUntil: iso(row.snoozedUntil),
      level: row.level,
      detail: row.detail,
    };
  }
}

const actorOf = (who: Principal) => (who.keyId ? `key:${who.keyId}` : who.role);

/** A place's opening hours (a contract without sites: always open). */
function hoursOf(place: AlertPlaceRow): SiteHours {
  const day: Array<[string, string]> = [['00:00', '24:00']];
  const always: ServiceHours = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
  return { timeZone: place.timeZone, serviceHours: place.serviceHours ?? always, holidays: place.holidays };
}

function factsOf(place: AlertPlaceRow, a: { id: string; rule: AlertRuleKey; detail: Record<string, unknown>; count: number; openedAt: Date; lastSeenAt: Date }): AlertFacts {
  return {
    id: a.id,
    rule: a.rule,
    severity: RULE_SEVERITY[a.rule],
    contract: place.contractKey,
    ...(place.siteKey ? { site: { key: place.siteKey, name: place.siteName ?? place.siteKey } } : {}),
    ...(place.zoneKey ? { zone: { key: place.zoneKey, name: place.zoneName ?? place.zoneKey } } : {}),
    detail: a.detail,
    count: a.count,
    openedAt: a.openedAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
  };
}

/** The key of an alert's place among placesOf's: its zone, or its contract. */
const placeKeyOf = (row: AlertRow): string => row.zoneId ?? `contract:${row.contractId}`;

/** A contract's place (no site): contract-wide alerts speak the contract's language and page by its home site's clock. */
export function contractPlaceOf(home: ContractHome): AlertPlaceRow {
  const { clientId, id, key, alerting, language, timeZone, serviceHours, holidays } = home;
  return { clientId, contractId: id, contractKey: key, alerting, language, timeZone, serviceHours, holidays, siteId: null, siteKey: null, siteName: null, zoneId: null, zoneKey: null, zoneName: null, zoneType: null };
}

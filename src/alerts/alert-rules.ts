import type { AlertingPolicy, AlertRecipient, AlertRuleKey, AlertRuleSettings, ZoneType } from '../catalog/catalog.types';

/** Each rule's defaults: a contract's `alerts.rules`, then its overrides (site and zone type), go over them. */
export const DEFAULT_RULES: Readonly<Record<AlertRuleKey, AlertRuleSettings>> = {
  negative_feedback: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 30, escalateMinutes: 30, allHours: false },
  burn_rate: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 240, escalateMinutes: 120, allHours: false },
  consumable_out: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 30, escalateMinutes: 60, allHours: false },
  device_offline: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 240, escalateMinutes: 0, allHours: false },
  incident_overdue: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 60, escalateMinutes: 30, allHours: false },
  clean_missed: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 30, escalateMinutes: 60, allHours: false },
  thank_team: { enabled: true, burstCount: 3, burstMinutes: 15, streak: 10, remindMinutes: 0, escalateMinutes: 0, allHours: false },
};

/** How bad an alert of a rule is: what recipients filter and sort by. */
export const RULE_SEVERITY: Readonly<Record<AlertRuleKey, 'critical' | 'warning' | 'info'>> = {
  negative_feedback: 'warning',
  burn_rate: 'critical',
  consumable_out: 'warning',
  device_offline: 'warning',
  incident_overdue: 'critical',
  clean_missed: 'warning',
  thank_team: 'info',
};

/** Where an alert is: its site (none for a contract-wide one) and zone type (none for a site-wide one). */
export interface AlertPlace {
  siteKey?: string;
  zoneType?: ZoneType;
}

/** A rule's settings at an alert's place (its contract's policy, and its site and zone type where it has them). */
export function settingsAt(place: { alerting?: Partial<AlertingPolicy>; siteKey: string | null; zoneType: ZoneType | null }, rule: AlertRuleKey): AlertRuleSettings {
  return settingsFor(place.alerting, rule, { siteKey: place.siteKey ?? undefined, zoneType: place.zoneType ?? undefined });
}

/** A rule's settings at a place: the defaults, the contract's rule settings, then each override that covers the place, in file order. */
export function settingsFor(policy: Partial<AlertingPolicy> | undefined, rule: AlertRuleKey, place: AlertPlace): AlertRuleSettings {
  let settings: AlertRuleSettings = { ...DEFAULT_RULES[rule], ...policy?.rules?.[rule] };
  for (const o of policy?.overrides ?? []) {
    const siteOk = !o.sites || (place.siteKey !== undefined && o.sites.includes(place.siteKey));
    const typeOk = !o.zoneTypes || (place.zoneType !== undefined && o.zoneTypes.includes(place.zoneType));
    if (siteOk && typeOk && o.rules[rule]) settings = { ...settings, ...o.rules[rule] };
  }
  return settings;
}

/** The recipients of a rule's alert at a site and escalation level. */
export function recipientsFor(policy: Partial<AlertingPolicy> | undefined, rule: AlertRuleKey, siteKey: string | undefined, level: number): AlertRecipient[] {
  return (policy?.recipients ?? []).filter(
    (r) => r.level === level && (!r.rules || r.rules.includes(rule)) && (!r.sites || (siteKey !== undefined && r.sites.includes(siteKey))),
  );
}

/** The highest escalation level with a recipient for the rule and site (0 when there is none above the first). */
export function topLevel(policy: Partial<AlertingPolicy> | undefined, rule: AlertRuleKey, siteKey: string | undefined): number {
  return Math.max(0, ...(policy?.recipients ?? []).filter((r) => (!r.rules || r.rules.includes(rule)) && (!r.sites || (siteKey !== undefined && r.sites.includes(siteKey)))).map((r) => r.level));
}

/** The lowest score of a scale: with a reason given, one such rating alerts at once. */
export const lowestScore = (scale: string): number => (scale === 'nps11' ? 0 : 1);

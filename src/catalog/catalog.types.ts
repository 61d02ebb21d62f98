/** Shared vocabulary of the catalog: plain values, no framework imports. */
export const ZONE_TYPES = ['restroom', 'kitchen', 'meeting_room', 'open_office', 'entrance', 'other'] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

export const TOUCHPOINT_KINDS = ['qr', 'kiosk'] as const;
export type TouchpointKind = (typeof TOUCHPOINT_KINDS)[number];

export const SCALES = ['smiley5', 'smiley4', 'nps11'] as const;
export type Scale = (typeof SCALES)[number];

export const LANGUAGES = ['sv', 'da', 'nb', 'fi', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SIGNALS = [
  'people_count',
  'visits',
  'soap_level',
  'paper_level',
  'bin_fill',
  'co2',
  'temperature',
  'humidity',
  'pm2_5',
  'tvoc',
  'noise_db',
  'battery',
  'leak',
  'cleaning_checkin',
  'rating',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** Reason sets a touchpoint can offer; each zone type has its own, plus a general one. */
export const REASON_SETS = ['restroom', 'kitchen', 'meeting_room', 'open_office', 'entrance', 'general'] as const;
export type ReasonSet = (typeof REASON_SETS)[number];

/** Keys of clients, contracts, sites, zones, touchpoints and devices: lower-case letters, digits and single dashes. */
export const KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const KEY_MAX = 64;
export const isKey = (text: string): boolean => text.length <= KEY_MAX && KEY_PATTERN.test(text);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours per weekday as [open, close] pairs of "HH:MM" in the site's own time zone. */
export type ServiceHours = Record<Weekday, Array<[string, string]>>;

/** What the QR and kiosk pages need to know about an active touchpoint. */
export interface TouchpointView {
  id: string;
  clientId: string;
  siteId: string;
  zoneId: string;
  key: string;
  token: string;
  kind: TouchpointKind;
  scale: Scale;
  reasonSets: ReasonSet[];
  zoneName: string;
  zoneType: ZoneType;
  siteKey: string;
  siteName: string;
  /** The site's language and ISO country, for the page default and phone-number scrubbing. */
  language: Language;
  country: string;
}

/**
 * How often a zone is cleaned (contract YAML `cleaning`, per zone type at site level, overridable per
 * zone). Durations in seconds. A plan may be scheduled and usage-based at once; on-demand zones get
 * only the tasks incidents raise.
 */
export interface CleaningPlan {
  /** Rounds every `everyS` of elapsed time from each opening, and/or at fixed local times; done within `graceS` of due is on time. */
  scheduled?: { everyS?: number; times?: string[]; graceS: number };
  /** A clean after `visits` visitors since the last one, or after `maxIntervalS` of service time without one; to be done within `respondWithinS`. */
  usage?: { visits: number; maxIntervalS?: number; respondWithinS: number };
  onDemand?: boolean;
}

/** What an occupant can report ("report a problem" on the QR page and its API). */
export const REPORTABLE_INCIDENT_CATEGORIES = ['leak', 'blocked_toilet', 'spill', 'out_of_supplies', 'broken_fixture', 'lighting', 'temperature', 'safety', 'other'] as const;
export type ReportableIncidentCategory = (typeof REPORTABLE_INCIDENT_CATEGORIES)[number];
/** What incidents are about (the contract sets a priority and targets per category): what occupants report, and what only the system sees. */
export const INCIDENT_CATEGORIES = [...REPORTABLE_INCIDENT_CATEGORIES, 'device_offline'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export const INCIDENT_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];

/** A category's priority and its targets in seconds of service time (contract YAML `incidents`). */
export interface IncidentTarget {
  priority: IncidentPriority;
  respondS: number;
  resolveS: number;
}
export type IncidentPolicy = Partial<Record<IncidentCategory, IncidentTarget>>;

/** Alert rules (issue 15): what raises an alert; each has defaults, overridable per contract, site and zone type. */
export const ALERT_RULES = ['negative_feedback', 'burn_rate', 'consumable_out', 'device_offline', 'incident_overdue', 'clean_missed', 'thank_team'] as const;
export type AlertRuleKey = (typeof ALERT_RULES)[number];

/** A rule's settings (contract YAML `alerts.rules` and `alerts.overrides`); left out, the defaults of src/alerts/alert-rules.ts. */
export interface AlertRuleSettings {
  enabled: boolean;
  /** negative_feedback: this many negative ratings in `burstMinutes` in one zone alert, and raise an incident for the zone. */
  burstCount: number;
  burstMinutes: number;
  /** thank_team: this many positive ratings in a row in a zone. */
  streak: number;
  /** Reminders while open and not acknowledged, every this many minutes (0: none). */
  remindMinutes: number;
  /** Not acknowledged after this many minutes, the alert goes to the next level of recipients (0: never). */
  escalateMinutes: number;
  /** Pages outside the site's service hours too (24/7); otherwise deliveries wait for the site to open. */
  allHours: boolean;
}

/** Where a recipient takes alerts: the site's MQTT alerts topic, a webhook (signed), or e-mail. */
export type AlertChannel =
  | { mqtt: true }
  | { email: string }
  | { webhook: { url: string; secretEnv?: string; format: 'json' | 'slack' | 'teams' } };

export interface AlertRecipient {
  key: string;
  /** Escalation level: 0 gets an alert first, 1 when it escalates, and so on. */
  level: number;
  /** Only these sites' alerts (left out: every site of the contract). */
  sites?: string[];
  /** Only these rules' alerts (left out: every rule). */
  rules?: AlertRuleKey[];
  channel: AlertChannel;
}

/** The contract's alerting (contract YAML `alerts`). */
export interface AlertingPolicy {
  rules: Partial<Record<AlertRuleKey, Partial<AlertRuleSettings>>>;
  overrides: Array<{ sites?: string[]; zoneTypes?: ZoneType[]; rules: Partial<Record<AlertRuleKey, Partial<AlertRuleSettings>>> }>;
  recipients: AlertRecipient[];
}

/** Who receives the contract's monthly report by e-mail (contract YAML `reports`). */
export interface ReportPolicy {
  recipients: string[];
}

/** When an occupied zone counts as comfortable (contract YAML `comfort`): CO2 at most co2Max ppm, temperature within [min, max] °C. */
export interface ComfortThresholds {
  co2Max: number;
  temperature: [number, number];
}
export const DEFAULT_COMFORT: ComfortThresholds = { co2Max: 1000, temperature: [20, 24] };

/** The indicators of INDICATORS.md that an objective can name; src/scoring/indicators.ts defines each over this list. */
export const INDICATOR_KEYS = [
  'csat',
  'negative_rate',
  'happiness',
  'happy_index',
  'participation',
  'cleaning_on_time',
  'incident_response',
  'incident_resolution',
  'consumables_available',
  'comfort',
  'device_uptime',
  'inspection_score',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

/** Indicators computed from occupants' ratings: what experience (XLA) objectives are made of. */
export const RATING_INDICATORS: ReadonlySet<IndicatorKey> = new Set(['csat', 'negative_rate', 'happiness', 'happy_index', 'participation']);

/** Where an objective's target may lie, bounds included: a share for ratio indicators, a value on the indicator's own scale otherwise. */
export interface TargetRange {
  min: number;
  max?: number;
  /** What the error message says is expected, with an example. */
  expected: string;
}
const SHARE: TargetRange = { min: 0, max: 1, expected: 'a share from 0 to 1, like 0.9' };
const POINTS: TargetRange = { min: 0, max: 100, expected: 'points from 0 to 100, like 75' };
export const TARGET_RANGES: Readonly<Record<IndicatorKey, TargetRange>> = {
  csat: SHARE,
  negative_rate: { ...SHARE, expected: 'a share from 0 to 1, like 0.1' },
  happiness: { min: -100, max: 100, expected: 'points from -100 to 100, like 40' },
  happy_index: POINTS,
  participation: { min: 0, expected: 'ratings per 100 visitors, 0 or more, like 2' },
  cleaning_on_time: SHARE,
  incident_response: SHARE,
  incident_resolution: SHARE,
  consumables_available: SHARE,
  comfort: SHARE,
  device_uptime: SHARE,
  inspection_score: POINTS,
};

/**
 * An objective's minimum sample when the contract gives none, in the indicator's valid events:
 * ratings, visitors, planned tasks, incidents, inspections, or minutes (comfort, uptime).
 */
export const DEFAULT_MIN_SAMPLES: Readonly<Record<IndicatorKey, number>> = {
  csat: 30,
  negative_rate: 30,
  happiness: 30,
  happy_index: 30,
  participation: 300,
  cleaning_on_time: 30,
  incident_response: 10,
  incident_resolution: 10,
  consumables_available: 300,
  comfort: 600,
  device_uptime: 600,
  inspection_score: 10,
};

export const OBJECTIVE_KINDS = ['xla', 'sla'] as const;
export type ObjectiveKind = (typeof OBJECTIVE_KINDS)[number];

/** Calendar windows are each site's own month or ISO week in its time zone; rolling ones end now. */
export const WINDOW_KINDS = ['calendar_month', 'calendar_week', 'rolling_7d', 'rolling_28d', 'rolling_30d'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/** Which zones an objective covers: zone types, sites of its contract, or both (the zones of those types in those sites); empty = every zone. */
export interface ObjectiveScope {
  zoneTypes?: ZoneType[];
  sites?: string[];
}

/** An active objective of a contract, as the catalog stores it. */
export interface ObjectiveView {
  id: string;
  /** The public id, "contractKey.objectiveKey". */
  ref: string;
  clientId: string;
  contractId: string;
  contractKey: string;
  key: string;
  kind: ObjectiveKind;
  indicator: IndicatorKey;
  target: number;
  window: WindowKind;
  scope: ObjectiveScope;
  minSample: number;
  weight: number;
}

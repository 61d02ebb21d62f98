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

/** What an occupant can report, and what incidents are about (the contract sets a priority and targets per category). */
export const INCIDENT_CATEGORIES = ['leak', 'blocked_toilet', 'spill', 'out_of_supplies', 'broken_fixture', 'lighting', 'temperature', 'safety', 'other'] as const;
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

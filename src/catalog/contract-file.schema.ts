import { validateCronExpression } from 'cron';
import { z } from 'zod';
import {
  ALERT_RULES,
  DEFAULT_COMFORT,
  DEFAULT_MIN_SAMPLES,
  INCIDENT_CATEGORIES,
  INCIDENT_PRIORITIES,
  INDICATOR_KEYS,
  KEY_MAX,
  KEY_PATTERN,
  LANGUAGES,
  OBJECTIVE_KINDS,
  RATING_INDICATORS,
  REASON_SETS,
  SCALES,
  SIGNALS,
  TARGET_RANGES,
  TOUCHPOINT_KINDS,
  WEEKDAYS,
  WINDOW_KINDS,
  ZONE_TYPES,
  type AlertingPolicy,
  type ReportPolicy,
  type CleaningPlan,
  type ComfortThresholds,
  type IncidentTarget,
  type ObjectiveScope,
  type ServiceHours,
  type Weekday,
} from './catalog.types';

const slug = z
  .string({ message: 'expected a key (text)' })
  .regex(KEY_PATTERN, { message: 'expected a key of lower-case letters, digits and single dashes, like "sto-hq-3f"' })
  .max(KEY_MAX, { message: `expected a key of at most ${KEY_MAX} characters` });
const text = z.string({ message: 'expected text' }).trim().min(1, { message: 'expected text' }).max(200);
const isoDate = z.string({ message: 'expected a date YYYY-MM-DD' }).regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' }).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), {
  message: 'expected a real calendar date',
});

const timeZone = z.string({ message: 'expected an IANA time zone like Europe/Stockholm' }).refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return tz.includes('/') || tz === 'UTC';
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone like Europe/Stockholm' },
);

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const span = z.string().transform((raw, ctx): [string, string] => {
  const [open, close] = raw.split('-').map((s) => s.trim());
  if (!open || !close || !TIME.test(open) || !TIME.test(close) || open >= close) {
    ctx.addIssue({ code: 'custom', message: `expected opening hours like "07:00-18:00", got "${raw}"` });
    return z.NEVER;
  }
  return [open, close];
});
const daySpans = z.preprocess(
  (raw) => (raw === 'closed' ? [] : typeof raw === 'string' ? [raw] : raw),
  z.array(span, { message: 'expected "HH:MM-HH:MM", a list of them, or "closed"' }),
);

/** `mon-fri: 07:00-18:00`, `sat: [09:00-12:00, 13:00-15:00]`, `sun: closed`; days left out are closed. */
const serviceHours = z.record(z.string(), daySpans).transform((spec, ctx): ServiceHours => {
  const hours = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Array<[string, string]>])) as ServiceHours;
  const seen = new Set<Weekday>();
  for (const [days, spans] of Object.entries(spec)) {
    const [from, to = from] = days.split('-') as [Weekday, Weekday?];
    const start = WEEKDAYS.indexOf(from);
    const end = WEEKDAYS.indexOf(to);
    if (start < 0 || end < start) {
      ctx.addIssue({ code: 'custom', path: [days], message: `expected a weekday or range like "mon-fri", got "${days}"` });
      continue;
    }
    for (const day of WEEKDAYS.slice(start, end + 1)) {
      if (seen.has(day)) ctx.addIssue({ code: 'custom', path: [days], message: `${day} is given twice` });
      seen.add(day);
      hours[day] = spans;
    }
  }
  return hours;
});

const INTERVAL = 'expected an interval like 30s, 15m, 1h or a number of seconds';
const interval = z.union([z.number({ message: INTERVAL }).int({ message: INTERVAL }).positive({ message: INTERVAL }), z.string({ message: INTERVAL }).regex(/^\d+\s*[smh]$/, { message: INTERVAL })], { message: INTERVAL }).transform((v) => {
  if (typeof v === 'number') return v;
  const amount = Number.parseInt(v, 10);
  return amount * { s: 1, m: 60, h: 3600 }[v.trim().slice(-1) as 's' | 'm' | 'h'];
});

const localTime = z.string({ message: 'expected a local time like "07:00"' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time like "07:00"' });

/**
 * `scheduled: { every: 3h, times: ["07:00", "15:00"], grace: 30m }` (every and/or times),
 * `usage: { visits: 40, maxInterval: 4h, respondWithin: 30m }`, or `onDemand: true`.
 */
const cleaningPlan = z
  .strictObject({
    scheduled: z
      .strictObject({
        every: interval.optional(),
        times: z.array(localTime).min(1, { message: 'expected at least one time' }).optional(),
        grace: interval.default(30 * 60),
      })
      .refine((p) => p.every !== undefined || p.times !== undefined, { message: 'expected every, times or both' })
      .optional(),
    usage: z
      .strictObject({
        visits: z.number({ message: 'expected a number of visitors' }).int({ message: 'expected a whole number' }).positive({ message: 'expected at least 1 visitor' }),
        maxInterval: interval.optional(),
        respondWithin: interval.default(30 * 60),
      })
      .optional(),
    onDemand: z.literal(true, { message: 'expected true' }).optional(),
  })
  .refine((p) => p.scheduled || p.usage || p.onDemand, { message: 'expected scheduled, usage or onDemand: true' })
  .refine((p) => !p.onDemand || (!p.scheduled && !p.usage), { message: 'an on-demand zone has no scheduled or usage plan', path: ['onDemand'] })
  .transform(
    (p): CleaningPlan => ({
      ...(p.scheduled ? { scheduled: { ...(p.scheduled.every ? { everyS: p.scheduled.every } : {}), ...(p.scheduled.times ? { times: p.scheduled.times } : {}), graceS: p.scheduled.grace } } : {}),
      ...(p.usage ? { usage: { visits: p.usage.visits, ...(p.usage.maxInterval ? { maxIntervalS: p.usage.maxInterval } : {}), respondWithinS: p.usage.respondWithin } } : {}),
      ...(p.onDemand ? { onDemand: true } : {}),
    }),
  );

const touchpoint = z.strictObject({
  key: slug,
  kind: z.enum(TOUCHPOINT_KINDS, { message: `expected one of ${TOUCHPOINT_KINDS.join(', ')}` }),
  scale: z.enum(SCALES, { message: `expected one of ${SCALES.join(', ')}` }).default('smiley5'),
  reasonSets: z.array(z.enum(REASON_SETS, { message: `expected reason sets from ${REASON_SETS.join(', ')}` })).min(1).optional(),
});

const device = z.strictObject({
  key: slug,
  model: text.optional(),
  signals: z
    .array(z.enum(SIGNALS, { message: `expected signals from ${SIGNALS.join(', ')}` }))
    .min(1, { message: 'expected at least one signal' })
    .refine((s) => new Set(s).size === s.length, { message: 'a signal is listed twice' }),
  interval,
});

const zone = z.strictObject({
  key: slug,
  name: text,
  type: z.enum(ZONE_TYPES, { message: `expected one of ${ZONE_TYPES.join(', ')}` }),
  floor: z.union([z.string(), z.number()]).transform(String).optional(),
  touchpoints: z.array(touchpoint).default([]),
  devices: z.array(device).default([]),
  /** Overrides the site's plan for this zone's type. */
  cleaning: cleaningPlan.optional(),
});

const site = z.strictObject({
  key: slug,
  name: text,
  city: text,
  country: z.string().regex(/^[A-Z]{2}$/, { message: 'expected an ISO 3166 country code like SE' }),
  timeZone,
  language: z.enum(LANGUAGES, { message: `expected one of ${LANGUAGES.join(', ')}` }),
  serviceHours,
  holidays: z.array(isoDate).default([]),
  /** Cleaning plans by zone type, e.g. `restroom: { usage: … }`; a zone may override its type's. */
  cleaning: z.partialRecord(z.enum(ZONE_TYPES, { message: `expected zone types from ${ZONE_TYPES.join(', ')}` }), cleaningPlan).default({}),
  zones: z.array(zone).min(1, { message: 'expected at least one zone' }),
});

const CONNECTOR_TYPES = ['http-json', 'csv'] as const;
/** A field in a source record: a JSON dot path (`location.code`) or a CSV column name. */
const field = z.string({ message: 'expected a field name or dot path' }).trim().min(1, { message: 'expected a field name or dot path' }).max(200);
const httpUrl = z.string({ message: 'expected an http:// or https:// URL' }).refine(
  (raw) => {
    try {
      return ['http:', 'https:'].includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  },
  { message: 'expected an http:// or https:// URL' },
);
const duration = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+\s*(ms|s|m)$/)], { message: 'expected a duration like 250ms, 2s or 1m' }).transform((v) => {
  if (typeof v === 'number') return v * 1000;
  const unit = /(ms|s|m)$/.exec(v)![1] as 'ms' | 's' | 'm';
  return Number.parseInt(v, 10) * { ms: 1, s: 1000, m: 60_000 }[unit];
});

const connector = z
  .strictObject({
    key: slug,
    type: z.enum(CONNECTOR_TYPES, { message: `expected one of ${CONNECTOR_TYPES.join(', ')}` }),
    url: httpUrl,
    /** The secret itself never appears in a contract file: only the environment variable that holds it. */
    auth: z
      .strictObject({
        header: z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'expected an HTTP header name like Authorization' }).default('Authorization'),
        // Only CONNECTOR_* variables: a contract file must not send DATABASE_URL or ADMIN_API_KEY to a remote host.
        env: z
          .string({ message: 'expected an environment variable name' })
          .regex(/^CONNECTOR_[A-Z0-9_]+$/, { message: 'expected an environment variable name starting with CONNECTOR_, like CONNECTOR_LEGACY_TOKEN' }),
        prefix: z.string().max(40).default(''),
      })
      .optional(),
    schedule: z.string({ message: 'expected a cron expression like "*/15 * * * *"' }).refine((expr) => validateCronExpression(expr).valid, {
      message: 'expected a cron expression like "*/15 * * * *" (minute hour day month weekday)',
    }),
    enabled: z.boolean({ message: 'expected true or false' }).default(true),
    paging: z
      .strictObject({
        /** Where the records are in a response; left out, the response itself is the list. */
        items: field.optional(),
        /** Where the next page is: a URL (absolute or relative) or, with cursorParam, a cursor token. */
        next: field.optional(),
        cursorParam: z.string().min(1).max(100).optional(),
        /** Sent with the newest record time already imported, so a run asks only for what is new. */
        sinceParam: z.string().min(1).max(100).optional(),
      })
      .refine((p) => !p.cursorParam || p.next, { message: 'cursorParam needs next (where the cursor is in a response)', path: ['cursorParam'] })
      .default({}),
    mapping: z.strictObject({ id: field, touchpoint: field, score: field, ts: field, comment: field.optional(), reasons: field.optional() }),
    /** Source values to our scores, e.g. { happy: 5, sad: 1 } or a 1-3 scale onto 1-5. */
    scoreMap: z.record(z.string(), z.number({ message: 'expected a score (number)' }).int({ message: 'expected a whole number' })).optional(),
    /** Source place codes to our touchpoint keys; left out, the source gives our keys. */
    touchpointMap: z.record(z.string(), slug).optional(),
    reasonMap: z.record(z.string(), z.string().min(1).max(64)).optional(),
    retry: z
      .strictObject({ attempts: z.number().int().min(1).max(10).default(4), delay: duration.default(1000) })
      .default({ attempts: 4, delay: 1000 }),
  })
  .refine((c) => c.type !== 'csv' || (!c.paging.items && !c.paging.next), { message: 'a CSV export is one file: items and next apply to http-json only', path: ['paging'] });

/** `out_of_supplies: { priority: high, respond: 15m, resolve: 1h }`: targets count in service hours. */
const incidentTarget = z
  .strictObject({
    priority: z.enum(INCIDENT_PRIORITIES, { message: `expected one of ${INCIDENT_PRIORITIES.join(', ')}` }),
    respond: interval,
    resolve: interval,
  })
  .refine((t) => t.resolve >= t.respond, { message: 'resolve must not be shorter than respond', path: ['resolve'] })
  .transform((t): IncidentTarget => ({ priority: t.priority, respondS: t.respond, resolveS: t.resolve }));

/** `comfort: { co2Max: 1000, temperature: [20, 24] }`: CO2 at most co2Max ppm and temperature within [min, max] °C, both inclusive. */
const comfort = z
  .strictObject({
    co2Max: z.number({ message: 'expected ppm (a number)' }).positive({ message: 'expected ppm above 0' }).default(DEFAULT_COMFORT.co2Max),
    temperature: z
      .tuple([z.number({ message: 'expected °C (a number)' }), z.number({ message: 'expected °C (a number)' })], { message: 'expected [min, max] in °C, like [20, 24]' })
      .refine(([min, max]) => min < max, { message: 'expected the minimum below the maximum, like [20, 24]' })
      .default(DEFAULT_COMFORT.temperature),
  })
  .transform((c): ComfortThresholds => ({ co2Max: c.co2Max, temperature: [c.temperature[0], c.temperature[1]] }));

const zoneTypes = z
  .array(z.enum(ZONE_TYPES, { message: `expected zone types from ${ZONE_TYPES.join(', ')}` }), { message: 'expected a list of zone types, like [restroom]' })
  .min(1, { message: 'expected at least one zone type' })
  .refine((t) => new Set(t).size === t.length, { message: 'a zone type is listed twice' });
const siteKeys = z
  .array(slug, { message: 'expected a list of site keys, like [sto-hq]' })
  .min(1, { message: 'expected at least one site key' })
  .refine((k) => new Set(k).size === k.length, { message: 'a site is listed twice' });

/** `{ zoneTypes: [restroom] }`, `{ sites: [sto-hq] }` or both (those zone types in those sites); left out, every zone of the contract. */
const objectiveScope = z
  .strictObject({ zoneTypes: zoneTypes.optional(), sites: siteKeys.optional() })
  .transform((s): ObjectiveScope => ({ ...(s.zoneTypes ? { zoneTypes: s.zoneTypes } : {}), ...(s.sites ? { sites: s.sites } : {}) }));

/** One objective as INDICATORS.md states it; the target's range depends on the indicator, the default minSample too. */
const objective = z
  .strictObject({
    key: slug,
    kind: z.enum(OBJECTIVE_KINDS, { message: `expected one of ${OBJECTIVE_KINDS.join(', ')}` }),
    indicator: z.enum(INDICATOR_KEYS, { message: `expected one of ${INDICATOR_KEYS.join(', ')}` }),
    target: z.number({ message: 'expected a target (a number)' }),
    window: z.enum(WINDOW_KINDS, { message: `expected one of ${WINDOW_KINDS.join(', ')}` }).default('calendar_month'),
    scope: objectiveScope.prefault({}),
    minSample: z.number({ message: 'expected a number of events' }).int({ message: 'expected a whole number' }).positive({ message: 'expected at least 1' }).optional(),
    weight: z.number({ message: 'expected a weight (a number)' }).positive({ message: 'expected a weight above 0' }).default(1),
  })
  .superRefine((o, ctx) => {
    const range = TARGET_RANGES[o.indicator];
    if (o.target < range.min || (range.max !== undefined && o.target > range.max)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `${o.indicator} takes ${range.expected}; got ${o.target}` });
    }
    // Watermelons set SLAs against experience: an SLA measured on ratings would blur the two.
    if (o.kind === 'sla' && RATING_INDICATORS.has(o.indicator)) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `${o.indicator} is measured from ratings, so its objective is an xla` });
    }
  })
  .transform((o) => ({ ...o, minSample: o.minSample ?? DEFAULT_MIN_SAMPLES[o.indicator] }));

const minutes = z.number({ message: 'expected minutes (a number)' }).int({ message: 'expected whole minutes' }).min(0, { message: 'expected 0 or more minutes' }).max(10_080, { message: 'expected at most a week (10080 minutes)' });
/** One rule's settings over its defaults (src/alerts/alert-rules.ts). */
const alertRuleSettings = z.strictObject({
  enabled: z.boolean({ message: 'expected true or false' }).optional(),
  burstCount: z.number({ message: 'expected a number of ratings' }).int({ message: 'expected a whole number' }).min(1, { message: 'expected at least 1' }).max(1000).optional(),
  burstMinutes: minutes.min(1, { message: 'expected at least 1 minute' }).max(1440, { message: 'expected at most a day (1440 minutes)' }).optional(),
  streak: z.number({ message: 'expected a number of ratings' }).int({ message: 'expected a whole number' }).min(2, { message: 'expected at least 2' }).max(1000).optional(),
  remindMinutes: minutes.optional(),
  escalateMinutes: minutes.optional(),
  allHours: z.boolean({ message: 'expected true or false' }).optional(),
});
const alertRules = z.partialRecord(z.enum(ALERT_RULES, { message: `expected alert rules from ${ALERT_RULES.join(', ')}` }), alertRuleSettings);
const envName = z.string({ message: 'expected an environment variable name' }).regex(/^ALERT_[A-Z0-9_]+$/, { message: 'expected an environment variable name starting with ALERT_, like ALERT_WEBHOOK_SECRET' });
const alertRecipient = z
  .strictObject({
    key: slug,
    level: z.number({ message: 'expected an escalation level (0, 1, …)' }).int({ message: 'expected a whole number' }).min(0).max(9).default(0),
    sites: siteKeys.optional(),
    rules: z.array(z.enum(ALERT_RULES, { message: `expected alert rules from ${ALERT_RULES.join(', ')}` })).min(1).optional(),
    mqtt: z.literal(true, { message: 'expected true' }).optional(),
    email: z.email({ message: 'expected an e-mail address' }).max(200).optional(),
    /** The signing secret never appears in a contract file: only the environment variable that holds it. */
    webhook: z.strictObject({ url: httpUrl, secretEnv: envName.optional(), format: z.enum(['json', 'slack', 'teams'], { message: 'expected json, slack or teams' }).default('json') }).optional(),
  })
  .superRefine((r, ctx) => {
    const channels = [r.mqtt, r.email, r.webhook].filter((c) => c !== undefined).length;
    if (channels !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one channel: mqtt: true, email: <address> or webhook: { url }' });
  })
  .transform((r) => ({
    key: r.key,
    level: r.level,
    ...(r.sites ? { sites: r.sites } : {}),
    ...(r.rules ? { rules: r.rules } : {}),
    channel: r.mqtt ? { mqtt: true as const } : r.email ? { email: r.email } : { webhook: r.webhook! },
  }));
const alerting = z
  .strictObject({
    rules: alertRules.default({}),
    overrides: z.array(z.strictObject({ sites: siteKeys.optional(), zoneTypes: zoneTypes.optional(), rules: alertRules })).default([]),
    recipients: z.array(alertRecipient).default([]),
  })
  .transform((a): AlertingPolicy => a);

const reporting = z
  .strictObject({
    recipients: z.array(z.email({ message: 'expected an e-mail address' }).max(200)).max(50, { message: 'expected at most 50 recipients' }).default([]),
  })
  .transform((r): ReportPolicy => r);

export const contractFileSchema = z.strictObject({
  client: z.strictObject({ key: slug, name: text }),
  contract: z
    .strictObject({
      key: slug,
      name: text,
      provider: text,
      starts: isoDate,
      ends: isoDate.optional(),
      /** The language of its dashboards and reports (default: its sites' most common). */
      language: z.enum(LANGUAGES, { message: `expected one of ${LANGUAGES.join(', ')}` }).optional(),
    })
    .refine((c) => !c.ends || c.ends >= c.starts, { message: 'ends must not be before starts', path: ['ends'] }),
  sites: z.array(site).min(1, { message: 'expected at least one site' }),
  connectors: z.array(connector).default([]),
  /** Priority and targets per incident category, over the defaults (src/operations/incident-policy.ts). */
  incidents: z.partialRecord(z.enum(INCIDENT_CATEGORIES, { message: `expected incident categories from ${INCIDENT_CATEGORIES.join(', ')}` }), incidentTarget).default({}),
  /** When an occupied zone counts as comfortable, for the comfort indicator. */
  comfort: comfort.prefault({}),
  /** XLA and SLA objectives (INDICATORS.md); keys unique in the contract. */
  objectives: z.array(objective).default([]),
  /** Alert rules over their defaults, and who gets alerts by which channel (issue 15). */
  alerts: alerting.prefault({}),
  /** Who gets the monthly report (PDF and CSV) by e-mail when SMTP is set (issue 16). */
  reports: reporting.prefault({}),
});

export type ContractFile = z.output<typeof contractFileSchema>;
export type SiteSpec = ContractFile['sites'][number];
export type ZoneSpec = SiteSpec['zones'][number];
export type TouchpointSpec = ZoneSpec['touchpoints'][number];
export type DeviceSpec = ZoneSpec['devices'][number];
export type ConnectorSpec = ContractFile['connectors'][number];
export type ConnectorType = ConnectorSpec['type'];
export type ObjectiveSpec = ContractFile['objectives'][number];

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoOrEpochMsInstant } from '../platform/validation/instant';
import { isSafeText } from '../platform/validation/safe-text';

/** What the provider did: a cleaning check-in, a refill of a consumable, or a quality inspection (0-100, or pass/fail). */
export const EVENT_KINDS = ['checkin', 'refill', 'inspection'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const CONSUMABLES = ['soap', 'paper', 'bin'] as const;
export type Consumable = (typeof CONSUMABLES)[number];

const TAG_MAX = 64;
const NOTE_MAX = 500;
const safeText = (what: string, max: number) =>
  z
    .string({ message: `expected ${what} (text)` })
    .trim()
    .min(1, { message: `expected ${what}` })
    .max(max, { message: `expected ${what} of at most ${max} characters` })
    .refine(isSafeText, { message: `${what} must not contain NUL characters or broken Unicode` });

/** The fields of an event, over HTTP and MQTT alike (the HTTP body adds the zone). */
const serviceEventShape = z.strictObject({
    id: z.uuid({ message: 'expected a UUID' }).optional().describe('makes a retry safe: the same id is stored once'),
    kind: z.enum(EVENT_KINDS, { message: `expected one of ${EVENT_KINDS.join(', ')}` }),
    tag: safeText('a staff tag', TAG_MAX).describe('who did it: a badge or handheld id'),
    ts: isoOrEpochMsInstant.describe('when (ISO 8601 with zone, or epoch ms)'),
    consumable: z.enum(CONSUMABLES, { message: `expected one of ${CONSUMABLES.join(', ')}` }).optional().describe('refill: what was refilled (bin: emptied)'),
    score: z.number({ message: 'expected a score from 0 to 100' }).min(0, { message: 'expected a score from 0 to 100' }).max(100, { message: 'expected a score from 0 to 100' }).optional(),
    passed: z.boolean({ message: 'expected true or false' }).optional(),
    note: safeText('a note', NOTE_MAX).optional(),
});

/** What each kind must and must not have. */
function checkKind(e: z.output<typeof serviceEventShape>, ctx: z.RefinementCtx): void {
    if (e.kind === 'refill' && !e.consumable) ctx.addIssue({ code: 'custom', path: ['consumable'], message: 'a refill says what was refilled: soap, paper or bin' });
    if (e.kind !== 'refill' && e.consumable) ctx.addIssue({ code: 'custom', path: ['consumable'], message: 'only a refill has a consumable' });
    if (e.kind === 'inspection' && e.score === undefined && e.passed === undefined) ctx.addIssue({ code: 'custom', path: ['score'], message: 'an inspection has a score (0-100) or passed (true/false)' });
    if (e.kind !== 'inspection' && (e.score !== undefined || e.passed !== undefined)) ctx.addIssue({ code: 'custom', path: ['score'], message: 'only an inspection has a score or passed' });
}

/** An event's payload on `…/{device}/event`. */
export const serviceEventFields = serviceEventShape.superRefine(checkKind);
export type ServiceEventFields = z.output<typeof serviceEventFields>;

/** `POST /api/v1/events`: the same, in a zone ("siteKey.zoneKey"). */
export const createServiceEventSchema = serviceEventShape.extend({ zone: z.string().min(1).describe('siteKey.zoneKey') }).superRefine(checkKind);

/** Where and when an event is taken: times are judged against its arrival, like readings. */
export interface EventTimeRules {
  receivedAt: Date;
  maxAgeMs: number;
  maxFutureMs: number;
}

/** Why an event's time is refused, or undefined. */
export function eventTimeProblem(ts: Date, rules: EventTimeRules): { reason: 'future_timestamp' | 'stale_timestamp'; detail: string } | undefined {
  const ahead = ts.getTime() - rules.receivedAt.getTime();
  if (ahead > rules.maxFutureMs) return { reason: 'future_timestamp', detail: `ts ${ts.toISOString()} is ${Math.round(ahead / 1000)} s after its arrival` };
  if (-ahead > rules.maxAgeMs) return { reason: 'stale_timestamp', detail: `ts ${ts.toISOString()} is older than ${Math.round(rules.maxAgeMs / 3_600_000)} h at its arrival` };
  return undefined;
}

/** Without an id, the same event from the same device (a redelivery) gets the same id: a name-based UUID of what it says. */
export function derivedEventId(deviceOrZone: string, e: ServiceEventFields): string {
  const hex = createHash('sha256').update(JSON.stringify([deviceOrZone, e.kind, e.ts.getTime(), e.tag, e.consumable ?? null, e.score ?? null, e.passed ?? null])).digest('hex');
  // RFC 9562 layout, version 8 (custom), variant 10.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

import { isKey } from '../catalog/catalog.types';
import { unsafeTextReason } from '../platform/validation/safe-text';
import { quote, resolvePack, signalOfName, type SenmlRecord } from './senml';
import { isTelemetrySignal, SIGNAL_SPECS, TAG_MAX, TELEMETRY_SIGNALS, type TelemetrySignal } from './signals';

/**
 * Telemetry topics and payloads to readings, or the reason to refuse them. Pure and total: any
 * topic and any bytes give a result, never an exception. Whether the device exists and declares the
 * signal is the ingest service's question, not this one's.
 *
 * Topics: `{prefix}/{siteKey}/{zoneKey}/{deviceKey}/{signal}` carries one signal;
 * `{prefix}/{siteKey}/{zoneKey}/{deviceKey}/senml` carries a SenML pack whose record names give
 * the signals (the part of bn + n after its last `/` or `:`). A pack on a signal topic is taken too,
 * if its records name that signal or none. `rating` is not a telemetry signal (unknown_signal).
 *
 * Payloads: a number; `{"value": …, "ts": …, "unit": …, "tag": …}` (ts ISO 8601 with a zone or
 * epoch ms, absent means arrival); `true`/`false` for leak; `{"tag": …}` for cleaning_checkin; or a
 * SenML JSON pack (RFC 8428: bn, bt, bu, bv, bs, bver; n, u, v, vb, vs for the staff tag, s for a
 * people_count total, t). A pack is all or nothing: the first bad record refuses it, so a
 * redelivered pack is stored whole or not at all. Units and ranges: SIGNAL_SPECS.
 */
export const REJECT_REASONS = ['bad_topic', 'malformed', 'unknown_signal', 'out_of_range', 'future_timestamp', 'stale_timestamp', 'bad_unit'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface DeviceRef {
  siteKey: string;
  zoneKey: string;
  deviceKey: string;
}

export interface Reading {
  signal: TelemetrySignal;
  /** In the signal's normalised unit (SIGNAL_SPECS). */
  value: number;
  ts: Date;
  /** The staff tag of a cleaning_checkin. */
  tag?: string;
}

export type Decoded = { ok: true; device: DeviceRef; readings: Reading[] } | { ok: false; reason: RejectReason; detail: string; device?: DeviceRef };

export interface DecodeContext {
  prefix: string;
  /** Times are judged against arrival, and SenML relative times count from it. */
  receivedAt: Date;
  /** Oldest reading accepted, as an age at arrival. */
  maxAgeMs: number;
  /** Device clock skew tolerated ahead of arrival. */
  maxFutureMs?: number;
}

/** The topic level that carries a SenML pack of several signals. */
export const SENML_LEVEL = 'senml';
export const DEFAULT_MAX_FUTURE_MS = 30_000;
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

interface Reject {
  reason: RejectReason;
  detail: string;
}
const reject = (reason: RejectReason, detail: string): Reject => ({ reason, detail });
const isReject = (x: object): x is Reject => 'reason' in x;

export function decodeMessage(topic: string, payload: Uint8Array, ctx: DecodeContext): Decoded {
  try {
    return decode(topic, payload, ctx);
  } catch (error) {
    // Unreachable by design (the property tests hunt for it); a dead letter still beats a crashed ingest loop.
    return { ok: false, reason: 'malformed', detail: `could not decode: ${error instanceof Error ? error.message : 'unknown error'}` };
  }
}

function decode(topic: string, payload: Uint8Array, ctx: DecodeContext): Decoded {
  const parsed = parseTopic(topic, ctx.prefix);
  if ('detail' in parsed) return { ok: false, reason: 'bad_topic', detail: parsed.detail };
  const { device, level } = parsed;
  const fail = (r: Reject): Decoded => ({ ok: false, reason: r.reason, detail: r.detail, device });

  const topicSignal = level === SENML_LEVEL ? undefined : level;
  if (topicSignal !== undefined && !isTelemetrySignal(topicSignal)) return fail(unknownSignal(topicSignal));
  const body = parsePayload(payload);
  if ('detail' in body) return fail(reject('malformed', body.detail));

  let readings: Reading[] | Reject;
  if (Array.isArray(body.json)) readings = fromPack(body.json, topicSignal, ctx);
  else if (topicSignal === undefined) readings = reject('malformed', `the ${SENML_LEVEL} topic takes a SenML pack (a JSON array of records)`);
  else readings = fromSingle(body.json, topicSignal, ctx);
  return isReject(readings) ? fail(readings) : { ok: true, device, readings };
}

type ParsedTopic = { readonly device: Readonly<DeviceRef>; readonly level: string } | { readonly detail: string };

/** Topics repeat (one per device and signal), so each is parsed once: per prefix, up to 20,000 short topics; a full memo starts again. */
const parsedTopics = new Map<string, Map<string, ParsedTopic>>();
const PARSED_TOPICS_MAX = 20_000;
const MEMO_TOPIC_MAX = 256;

/** Splits a topic into the device and its last level (a signal name or `senml`), or says what is wrong with it. */
export function parseTopic(topic: string, prefix: string): ParsedTopic {
  if (typeof topic !== 'string' || topic.length > MEMO_TOPIC_MAX) return splitTopic(topic, prefix);
  let memo = parsedTopics.get(prefix);
  if (!memo) parsedTopics.set(prefix, (memo = new Map<string, ParsedTopic>()));
  let parsed = memo.get(topic);
  if (!parsed) {
    if (memo.size >= PARSED_TOPICS_MAX) memo.clear();
    memo.set(topic, (parsed = splitTopic(topic, prefix)));
  }
  return parsed;
}

function splitTopic(topic: string, prefix: string): ParsedTopic {
  const base = prefix.replace(/\/+$/, '');
  // Built only for a bad topic: this runs for every message.
  const expected = () => `expected ${base ? `${base}/` : ''}{siteKey}/{zoneKey}/{deviceKey}/{signal}, got ${quote(String(topic), 120)}`;
  if (typeof topic !== 'string') return { detail: expected() };
  if (base && !topic.startsWith(`${base}/`)) return { detail: expected() };
  const levels = topic.slice(base ? base.length + 1 : 0).split('/');
  if (levels.length !== 4) return { detail: expected() };
  const [siteKey, zoneKey, deviceKey, level] = levels as [string, string, string, string];
  const badKey = [siteKey, zoneKey, deviceKey].find((k) => !isKey(k));
  if (badKey !== undefined) return { detail: `${quote(badKey)} is not a key (lower-case letters, digits and single dashes); ${expected()}` };
  if (level === '') return { detail: expected() };
  return { device: { siteKey, zoneKey, deviceKey }, level };
}

function unknownSignal(name: string): Reject {
  if (name === 'rating') return reject('unknown_signal', 'rating is not a telemetry signal (ratings go to the feedback module)');
  return reject('unknown_signal', `unknown signal ${quote(name)}; expected one of ${TELEMETRY_SIGNALS.join(', ')}`);
}

function parsePayload(payload: Uint8Array): { json: unknown } | { detail: string } {
  if (!(payload instanceof Uint8Array)) return { detail: 'the payload is not bytes' };
  if (payload.byteLength === 0) return { detail: 'the payload is empty' };
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { detail: `the payload is ${payload.byteLength} bytes; at most ${MAX_PAYLOAD_BYTES} are accepted` };
  let text: string;
  try {
    text = UTF8.decode(payload);
  } catch {
    return { detail: 'the payload is not UTF-8 text' };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { detail: `the payload is not JSON: ${quote(text)}` };
  }
}

const SINGLE_FORMS = 'a number or {"value": …, "ts": …}';

function fromSingle(json: unknown, signal: TelemetrySignal, ctx: DecodeContext): Reading[] | Reject {
  const now = ctx.receivedAt.getTime();
  if (typeof json === 'number') return one(checkReading(signal, json, undefined, now, undefined, ctx));
  if (typeof json === 'boolean') {
    return signal === 'leak' ? one(checkReading(signal, json ? 1 : 0, undefined, now, undefined, ctx)) : reject('malformed', `${signal} takes ${SINGLE_FORMS}, got ${json}`);
  }
  if (typeof json !== 'object' || json === null) return reject('malformed', `expected ${SINGLE_FORMS}`);
  const o = json as Record<string, unknown>;
  const field = (key: string): unknown => (Object.hasOwn(o, key) && o[key] !== null ? o[key] : undefined);

  const unit = field('unit');
  if (unit !== undefined && typeof unit !== 'string') return reject('malformed', 'unit must be a string');
  const tag = field('tag');
  if (tag !== undefined && typeof tag !== 'string') return reject('malformed', 'tag must be a string');
  const ts = parseTs(field('ts'), now);
  if (typeof ts !== 'number') return ts;

  const raw = field('value');
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'boolean' && signal === 'leak') value = raw ? 1 : 0;
  else if (raw === undefined && signal === 'cleaning_checkin') value = 1;
  else if (raw === undefined) return reject('malformed', `${signal}: value is missing; expected ${SINGLE_FORMS}`);
  else return reject('malformed', `${signal}: value must be ${signal === 'leak' ? 'true, false, 0 or 1' : 'a number'}`);
  return one(checkReading(signal, value, unit, ts, tag, ctx));
}

const one = (r: Reading | Reject): Reading[] | Reject => (isReject(r) ? r : [r]);

/** Epoch milliseconds from a JSON `ts`: absent means arrival, a number is epoch ms, a string ISO 8601 with a zone. */
function parseTs(ts: unknown, now: number): number | Reject {
  if (ts === undefined) return now;
  if (typeof ts === 'number') {
    const ms = new Date(Math.round(ts)).getTime();
    return Number.isNaN(ms) ? reject('malformed', `ts ${ts} is not a time in epoch milliseconds`) : ms;
  }
  if (typeof ts === 'string') {
    const ms = parseIso8601(ts);
    return Number.isNaN(ms) ? reject('malformed', `ts ${quote(ts)} is not an ISO 8601 time with a zone, like 2026-11-23T08:00:00Z`) : ms;
  }
  return reject('malformed', 'ts must be an ISO 8601 string or epoch milliseconds');
}

/** Parsed by hand: engines differ on what Date.parse forgives (2026-02-30, missing zones). NaN when invalid. */
export function parseIso8601(text: string): number {
  const m = ISO_8601.exec(text);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offsetMin = m[8].toUpperCase() === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return NaN;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return NaN;
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMin * 60_000;
}

function fromPack(pack: readonly unknown[], topicSignal: TelemetrySignal | undefined, ctx: DecodeContext): Reading[] | Reject {
  const resolved = resolvePack(pack, ctx.receivedAt);
  if (!resolved.ok) return reject('malformed', resolved.detail);
  const readings: Reading[] = [];
  const seen = new Set<string>();
  for (const [i, record] of resolved.records.entries()) {
    const at = `record ${i + 1} of ${resolved.records.length}`;
    const reading = fromRecord(record, topicSignal, ctx);
    if (isReject(reading)) return reject(reading.reason, `${at}: ${reading.detail}`);
    const key = `${reading.signal}@${reading.ts.getTime()}`;
    if (seen.has(key)) return reject('malformed', `${at}: a second ${reading.signal} reading at ${reading.ts.toISOString()}`);
    seen.add(key);
    readings.push(reading);
  }
  return readings;
}

const SENML_FIELD = { number: 'v', boolean: 'vb', string: 'vs', data: 'vd', sum: 'only s' } as const;

function fromRecord(record: SenmlRecord, topicSignal: TelemetrySignal | undefined, ctx: DecodeContext): Reading | Reject {
  const named = signalOfName(record.name);
  let signal: TelemetrySignal;
  if (topicSignal !== undefined && (named === '' || named === topicSignal)) signal = topicSignal;
  else if (topicSignal !== undefined && isTelemetrySignal(named)) {
    return reject('malformed', `name ${quote(record.name)} is ${named} on the ${topicSignal} topic; publish several signals to …/${SENML_LEVEL}`);
  } else if (named === '') return reject('unknown_signal', `name ${quote(record.name)} names no signal`);
  else if (!isTelemetrySignal(named)) return unknownSignal(named);
  else signal = named;

  const v = record.value;
  let value: number;
  let tag: string | undefined;
  if (signal === 'cleaning_checkin') {
    if (v.kind !== 'string') return reject('malformed', 'cleaning_checkin carries the staff tag in vs');
    [value, tag] = [1, v.value];
  } else if (v.kind === 'number') value = v.value;
  else if (v.kind === 'boolean' && signal === 'leak') value = v.value ? 1 : 0;
  // A counter's running total is exactly what SenML calls a sum.
  else if (v.kind === 'sum' && signal === 'people_count') value = v.value;
  else return reject('malformed', `${signal} takes ${signal === 'leak' ? 'vb or v' : 'a number in v'}, not ${SENML_FIELD[v.kind]}`);
  return checkReading(signal, value, record.unit, record.timeMs, tag, ctx);
}

/** Unit, range, tag and time rules shared by every payload form. */
function checkReading(signal: TelemetrySignal, raw: number, unit: string | undefined, tsMs: number, tag: string | undefined, ctx: DecodeContext): Reading | Reject {
  const spec = SIGNAL_SPECS[signal];
  const given = unit === '' ? undefined : unit;
  if (given !== undefined && !Object.hasOwn(spec.units, given)) {
    const accepted = Object.keys(spec.units);
    return reject('bad_unit', `${signal}: unit ${quote(given)} is not accepted; ${accepted.length ? `expected ${accepted.join(', ')}` : `${signal} takes no unit`}`);
  }
  // + 0 turns a JSON -0 into 0.
  const value = (given === undefined ? raw : spec.units[given](raw)) + 0;
  if (!Number.isFinite(value)) return reject('malformed', `${signal}: value is not a finite number`);
  if (value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
    // Built only for a refusal: this runs for every reading.
    const shown = (n: number) => `${n}${spec.symbol ? ` ${spec.symbol}` : ''}`;
    const asSent = given !== undefined && given !== spec.unit ? `${raw} ${given} (${shown(value)})` : shown(value);
    return reject('out_of_range', value < spec.min || value > spec.max ? `${signal}: ${asSent} is outside ${spec.min}–${shown(spec.max)}` : `${signal}: ${asSent} is not a whole number`);
  }

  let staffTag: string | undefined;
  if (signal === 'cleaning_checkin') {
    staffTag = tag?.trim();
    if (!staffTag) return reject('malformed', 'cleaning_checkin needs the staff tag');
    if (staffTag.length > TAG_MAX) return reject('malformed', `cleaning_checkin: the staff tag is longer than ${TAG_MAX} characters`);
    const unsafe = unsafeTextReason(staffTag);
    if (unsafe) return reject('malformed', `cleaning_checkin: the staff tag ${unsafe}`);
  }

  const when = checkTime(tsMs, ctx);
  if (when) return when;
  return staffTag === undefined ? { signal, value, ts: new Date(tsMs) } : { signal, value, ts: new Date(tsMs), tag: staffTag };
}

function checkTime(tsMs: number, ctx: DecodeContext): Reject | undefined {
  if (!Number.isFinite(tsMs)) return reject('malformed', 'the time is beyond what can be stored');
  const arrival = ctx.receivedAt.getTime();
  const maxFutureMs = ctx.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  const iso = () => new Date(tsMs).toISOString();
  if (tsMs - arrival > maxFutureMs) {
    const hint = tsMs > 1e14 ? ' (a time in the wrong unit? SenML times are seconds, a JSON ts milliseconds)' : '';
    return reject('future_timestamp', `ts ${iso()} is ${duration(tsMs - arrival)} ahead of arrival; clock skew up to ${duration(maxFutureMs)} is accepted${hint}`);
  }
  if (arrival - tsMs > ctx.maxAgeMs) {
    const hint = tsMs < 1e11 && tsMs > 0 ? ' (epoch seconds where milliseconds were due?)' : '';
    return reject('stale_timestamp', `ts ${iso()} is ${duration(arrival - tsMs)} old at arrival; at most ${duration(ctx.maxAgeMs)} is accepted${hint}`);
  }
  return undefined;
}

function duration(ms: number): string {
  const s = ms / 1_000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3_600) return `${Math.round(s / 3_600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

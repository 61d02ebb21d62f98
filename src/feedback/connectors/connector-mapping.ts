import type { ConnectorSettings } from '../../catalog/connector.entity';
import { isSaneInstantMs } from '../../platform/validation/instant';
import { escapeUnsafe, unsafeTextReason } from '../../platform/validation/safe-text';
import type { RatingInput } from '../feedback.types';

export type MappingRules = Pick<ConnectorSettings, 'mapping' | 'scoreMap' | 'touchpointMap' | 'reasonMap'>;

/** A source record turned into a rating for one of our touchpoints, or the reason it cannot be. */
export type MappedRecord =
  | { ok: true; id: string; touchpoint: string; input: RatingInput & { id: string; ts: Date } }
  | { ok: false; id: string | null; reason: string };

const ID_MAX = 200;

/** A field of a record: a key as written (CSV columns may contain dots), else a JSON dot path. */
export function readField(record: unknown, path: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(record, path)) return (record as Record<string, unknown>)[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A source value quoted in a rejection: its unsafe characters escaped, so the reason can be stored. */
const text = (value: unknown): string => escapeUnsafe(typeof value === 'string' ? value : String(JSON.stringify(value)), 200);
const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Maps one source record by the connector's rules. Pure: the touchpoint and score range are checked when it is submitted. */
export function mapRecord(record: unknown, rules: MappingRules): MappedRecord {
  const { mapping } = rules;
  const rawId = readField(record, mapping.id);
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).trim() : '';
  if (!id) return { ok: false, id: null, reason: `id: missing (field "${mapping.id}")` };
  const unsafeId = unsafeTextReason(id);
  if (unsafeId) return { ok: false, id: null, reason: `id: ${unsafeId}` };
  const reject = (reason: string): MappedRecord => ({ ok: false, id, reason });
  if (id.length > ID_MAX) return reject(`id: longer than ${ID_MAX} characters`);

  const rawTouchpoint = readField(record, mapping.touchpoint);
  if (typeof rawTouchpoint !== 'string' && typeof rawTouchpoint !== 'number') return reject(`touchpoint: missing (field "${mapping.touchpoint}")`);
  const code = String(rawTouchpoint).trim();
  if (!code) return reject(`touchpoint: missing (field "${mapping.touchpoint}")`);
  const unsafeCode = unsafeTextReason(code);
  if (unsafeCode) return reject(`touchpoint: ${unsafeCode}`);
  const touchpoint = rules.touchpointMap ? rules.touchpointMap[code] : code;
  if (!touchpoint) return reject(`touchpoint: "${code}" is not in touchpointMap`);

  const rawScore = readField(record, mapping.score);
  if (isBlank(rawScore)) return reject(`score: missing (field "${mapping.score}")`);
  const score = toScore(rawScore, rules.scoreMap);
  if (score === undefined) {
    const known = rules.scoreMap ? `; expected one of ${Object.keys(rules.scoreMap).join(', ')}` : '';
    return reject(`score: "${text(rawScore)}" is not a score${known}`);
  }

  const rawTs = readField(record, mapping.ts);
  if (isBlank(rawTs)) return reject(`ts: missing (field "${mapping.ts}")`);
  const ts = toTime(rawTs);
  if (!ts) return reject(`ts: "${text(rawTs)}" is not an ISO 8601 time with a zone or a Unix time`);

  const input: RatingInput & { id: string; ts: Date } = { id, score, ts };
  if (mapping.comment) {
    const comment = readField(record, mapping.comment);
    const unsafe = typeof comment === 'string' ? unsafeTextReason(comment) : undefined;
    if (unsafe) return reject(`comment: ${unsafe}`);
    if (typeof comment === 'string' && comment.trim() !== '') input.comment = comment.trim();
  }
  if (mapping.reasons) {
    const reasons = toList(readField(record, mapping.reasons));
    if (reasons === undefined) return reject(`reasons: expected a list or text separated by , ; or |`);
    const unsafe = reasons.map(unsafeTextReason).find(Boolean);
    if (unsafe) return reject(`reasons: ${unsafe}`);
    if (reasons.length > 0) input.reasons = reasons.map((r) => rules.reasonMap?.[r] ?? r);
  }
  return { ok: true, id, touchpoint, input };
}

function toScore(raw: unknown, scoreMap: Record<string, number> | undefined): number | undefined {
  const key = text(raw).trim();
  if (scoreMap && Object.prototype.hasOwnProperty.call(scoreMap, key)) return scoreMap[key];
  if (scoreMap) return undefined;
  const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(key) ? Number(key) : NaN;
  return Number.isInteger(value) ? value : undefined;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 with a zone (a time without one is ambiguous), or Unix seconds / milliseconds. */
export function toTime(raw: unknown): Date | undefined {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d{9,13}$/.test(raw.trim()))) {
    const n = Number(raw);
    const ms = n < 1e11 ? n * 1000 : n;
    return isSaneInstantMs(ms) ? new Date(ms) : undefined;
  }
  if (typeof raw !== 'string' || !ISO_WITH_ZONE.test(raw.trim())) return undefined;
  const iso = raw.trim().replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(iso);
  // Date.parse rolls 30 February over into March; a date that does not survive the round trip is not real.
  if (!isSaneInstantMs(time) || !sameCalendarDate(iso, time)) return undefined;
  return new Date(time);
}

function sameCalendarDate(iso: string, time: number): boolean {
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)!;
  const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return probe.getUTCDate() === Number(d) && Math.abs(probe.getTime() - time) < 2 * 86_400_000;
}

function toList(raw: unknown): string[] | undefined {
  if (isBlank(raw)) return [];
  if (Array.isArray(raw)) return raw.every((r) => typeof r === 'string') ? raw.map((r: string) => r.trim()).filter(Boolean) : undefined;
  if (typeof raw === 'string') return raw.split(/[,;|]/).map((r) => r.trim()).filter(Boolean);
  return undefined;
}

/**
 * SenML JSON packs (RFC 8428) resolved into plain records: base fields applied, names and times
 * resolved. Knows nothing of our signals; the decoder judges each record. Pure.
 */

import { cutAtCodePoint } from '../platform/validation/safe-text';

/** The highest SenML version we understand (RFC 8428 is version 10). */
export const SENML_VERSION = 10;
/** RFC 8428 §4.5.3: a resolved time below 2^28 seconds is relative to "now" (here: the message's arrival). */
export const RELATIVE_TIME_LIMIT_S = 2 ** 28;

export type SenmlValue =
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'data' }
  | { kind: 'sum'; value: number };

export interface SenmlRecord {
  /** Base name + name. */
  name: string;
  unit?: string;
  /** The record's value field (bv added to v); `sum` only when the record has no value field but a sum (bs added). */
  value: SenmlValue;
  /** Epoch milliseconds, or NaN when the resolved time is beyond what a Date can hold. */
  timeMs: number;
}

export type SenmlResult = { ok: true; records: SenmlRecord[] } | { ok: false; detail: string };

const NAME = /^[A-Za-z0-9][-:./_A-Za-z0-9]*$/;
const STRING_FIELDS = ['bn', 'n', 'bu', 'u', 'vs', 'vd'] as const;
const NUMBER_FIELDS = ['bt', 't', 'bv', 'v', 'bs', 's', 'bver', 'ut'] as const;
const VALUE_FIELDS = ['v', 'vs', 'vb', 'vd'] as const;

type Json = Record<string, unknown>;
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** The signal a resolved name names: the part after its last `/` or `:` (`urn:dev:xla:sto-3f:co2` → `co2`). */
export function signalOfName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf(':')) + 1);
}

/**
 * Applies base fields (each carries on to the records after it until another record changes it, as
 * RFC 8428 §4.6 resolves them) and returns every record, or the first thing wrong with the pack.
 */
export function resolvePack(pack: readonly unknown[], receivedAt: Date): SenmlResult {
  if (pack.length === 0) return { ok: false, detail: 'the SenML pack is empty' };
  const base = { bn: '', bt: 0, bu: undefined as string | undefined, bv: 0, bs: 0 };
  const records: SenmlRecord[] = [];
  for (const [i, entry] of pack.entries()) {
    const at = `record ${i + 1} of ${pack.length}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { ok: false, detail: `${at} is not a JSON object` };
    const rec = entry as Json;
    const shapeError = checkFieldTypes(rec);
    if (shapeError) return { ok: false, detail: `${at}: ${shapeError}` };

    const bver = own(rec, 'bver') as number | undefined;
    if (bver !== undefined && (!Number.isInteger(bver) || bver < 1 || bver > SENML_VERSION)) {
      return { ok: false, detail: `${at}: SenML version ${bver} is not supported (up to ${SENML_VERSION})` };
    }
    base.bn = (own(rec, 'bn') as string | undefined) ?? base.bn;
    base.bt = (own(rec, 'bt') as number | undefined) ?? base.bt;
    base.bu = (own(rec, 'bu') as string | undefined) ?? base.bu;
    base.bv = (own(rec, 'bv') as number | undefined) ?? base.bv;
    base.bs = (own(rec, 'bs') as number | undefined) ?? base.bs;

    const name = base.bn + ((own(rec, 'n') as string | undefined) ?? '');
    if (name !== '' && !NAME.test(name)) return { ok: false, detail: `${at}: name ${quote(name)} has characters SenML does not allow` };

    const present = VALUE_FIELDS.filter((f) => Object.hasOwn(rec, f));
    if (present.length > 1) return { ok: false, detail: `${at}: more than one value field (${present.join(', ')})` };
    const value = valueOf(rec, present[0], base);
    if (!value) return { ok: false, detail: `${at}: no value (v, vb, vs or s)` };
    if ((value.kind === 'number' || value.kind === 'sum') && !Number.isFinite(value.value)) return { ok: false, detail: `${at}: the value with its base is not a finite number` };

    const seconds = base.bt + ((own(rec, 't') as number | undefined) ?? 0);
    const epochS = seconds < RELATIVE_TIME_LIMIT_S ? receivedAt.getTime() / 1_000 + seconds : seconds;
    const timeMs = new Date(Math.round(epochS * 1_000)).getTime();
    records.push({ name, unit: (own(rec, 'u') as string | undefined) ?? base.bu, value, timeMs });
  }
  return { ok: true, records };
}

function checkFieldTypes(rec: Json): string | undefined {
  for (const key of Object.keys(rec)) {
    // RFC 8428 §4.4: a field ending in "_" must be understood, or the pack refused.
    if (key.endsWith('_')) return `field ${quote(key)} must be understood and is not supported`;
  }
  for (const f of STRING_FIELDS) if (Object.hasOwn(rec, f) && typeof rec[f] !== 'string') return `${f} must be a string`;
  for (const f of NUMBER_FIELDS) {
    if (Object.hasOwn(rec, f) && (typeof rec[f] !== 'number' || !Number.isFinite(rec[f]))) return `${f} must be a finite number`;
  }
  if (Object.hasOwn(rec, 'vb') && typeof rec.vb !== 'boolean') return 'vb must be true or false';
  return undefined;
}

function valueOf(rec: Json, field: (typeof VALUE_FIELDS)[number] | undefined, base: { bv: number; bs: number }): SenmlValue | undefined {
  switch (field) {
    case 'v':
      return { kind: 'number', value: base.bv + (rec.v as number) };
    case 'vb':
      return { kind: 'boolean', value: rec.vb as boolean };
    case 'vs':
      return { kind: 'string', value: rec.vs as string };
    case 'vd':
      return { kind: 'data' };
    case undefined: {
      return Object.hasOwn(rec, 's') ? { kind: 'sum', value: base.bs + (rec.s as number) } : undefined;
    }
  }
}

/** A device-supplied string, shortened and JSON-quoted so a message stays one readable line. */
export function quote(text: string, max = 40): string {
  // JSON.stringify writes NUL and lone surrogates as \u escapes; the cut keeps emoji whole.
  return JSON.stringify(text.length > max ? `${cutAtCodePoint(text, max)}…` : text);
}

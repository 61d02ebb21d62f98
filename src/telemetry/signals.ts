import { SIGNALS, type Signal } from '../catalog/catalog.types';

/** Ratings reach the feedback module through its own topic; they are never a sensor reading. */
export type TelemetrySignal = Exclude<Signal, 'rating'>;
export const TELEMETRY_SIGNALS: readonly TelemetrySignal[] = SIGNALS.filter((s): s is TelemetrySignal => s !== 'rating');

export function isTelemetrySignal(name: string): name is TelemetrySignal {
  return (TELEMETRY_SIGNALS as readonly string[]).includes(name);
}

/** Converts a value in an accepted unit to the signal's normalised unit. */
type ToNormal = (value: number) => number;

export interface SignalSpec {
  /** The normalised unit every stored value is in (SenML name), or null for a unitless flag or event. */
  unit: string | null;
  /** The unit as people read it, for messages and dashboards. */
  symbol: string;
  min: number;
  max: number;
  integer: boolean;
  /** Accepted units (SenML names) and how to normalise each; a reading without a unit is in `unit`. */
  units: Readonly<Record<string, ToNormal>>;
}

const same: ToNormal = (v) => v;
// Conversions round to 6 decimals so 295.15 K stores as 22 °C, not 21.999999999999977.
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const PERCENT = { '%': same, '/': (v: number) => round6(v * 100) };
const COUNT = { count: same };
export const COUNTER_MAX = 2 ** 32 - 1;

/**
 * One row per telemetry signal: normalised unit, plausibility range and the units a device may send
 * (RFC 8428 and RFC 8798 SenML names; `dBA`, `ppb` and `degF` are not registered but common on
 * sensor datasheets). Battery is a state of charge: volts are refused, since turning them into a
 * charge needs the battery's discharge curve, which the decoder does not know.
 */
export const SIGNAL_SPECS: Readonly<Record<TelemetrySignal, SignalSpec>> = {
  people_count: { unit: 'count', symbol: '', min: 0, max: COUNTER_MAX, integer: true, units: COUNT },
  // People in one report interval (a door sensor's tally), not a running counter.
  visits: { unit: 'count', symbol: '', min: 0, max: 100_000, integer: true, units: COUNT },
  soap_level: { unit: '%', symbol: '%', min: 0, max: 100, integer: false, units: PERCENT },
  paper_level: { unit: '%', symbol: '%', min: 0, max: 100, integer: false, units: PERCENT },
  bin_fill: { unit: '%', symbol: '%', min: 0, max: 100, integer: false, units: PERCENT },
  co2: { unit: 'ppm', symbol: 'ppm', min: 250, max: 10_000, integer: false, units: { ppm: same } },
  temperature: {
    unit: 'Cel',
    symbol: '°C',
    min: -40,
    max: 85,
    integer: false,
    units: { Cel: same, K: (v) => round6(v - 273.15), degF: (v) => round6(((v - 32) * 5) / 9) },
  },
  humidity: { unit: '%RH', symbol: '%', min: 0, max: 100, integer: false, units: { ...PERCENT, '%RH': same } },
  pm2_5: { unit: 'ug/m3', symbol: 'µg/m³', min: 0, max: 1_000, integer: false, units: { 'ug/m3': same } },
  tvoc: { unit: 'ppb', symbol: 'ppb', min: 0, max: 60_000, integer: false, units: { ppb: same, ppm: (v) => round6(v * 1_000) } },
  noise_db: { unit: 'dB', symbol: 'dB', min: 0, max: 140, integer: false, units: { dB: same, dBA: same, Bspl: (v) => round6(v * 10) } },
  battery: { unit: '%EL', symbol: '%', min: 0, max: 100, integer: false, units: { ...PERCENT, '%EL': same } },
  leak: { unit: null, symbol: '', min: 0, max: 1, integer: true, units: {} },
  // Always 1: one check-in by the staff member in the reading's tag.
  cleaning_checkin: { unit: null, symbol: '', min: 1, max: 1, integer: true, units: {} },
};

export const TAG_MAX = 64;

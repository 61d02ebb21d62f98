/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

/** Fewest ratings on each side (with and without the condition) for a driver to be shown. */
export const MIN_DRIVER_SAMPLE = 30;

export interface Interval {
  lower: number;
  upper: number;
}

/** A condition at the time and place of ratings, with the negatives given while it held (k1 of n1) and not (k0 of n0). */
export interface ConditionCounts {
  condition: string;
  k1: number;
  n1: number;
  k0: number;
  n0: number;
}

export interface Driver extends ConditionCounts {
  rate1: number | null;
  rate0: number | null;
  /** (k1/n1) ÷ (k0/n0); null when either rate is undefined or the baseline is 0. */
  lift: number | null;
  /** k1/n1 − k0/n0 with its 95 % interval (Newcombe's hybrid score method). */
  difference: (Interval & { estimate: number }) | null;
  /** k1 − n1·k0/n0: negatives beyond what the baseline rate would give. */
  excessNegatives: number | null;
  /** Both sides have at least 30 ratings. */
  shown: boolean;
}

/** Wilson score interval for k of n (Newcombe 1998, method 3); [0, 1] without data. */
export function wilsonInterval(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** 95 % interval for p1 − p0 from two Wilson intervals (Newcombe 1998, method 10, the hybrid score). */
export function newcombeInterval(k1: number, n1: number, k0: number, n0: number, z = Z95): Interval & { estimate: number } {
  const p1 = k1 / n1;
  const p0 = k0 / n0;
  const w1 = wilsonInterval(k1, n1, z);
  const w0 = wilsonInterval(k0, n0, z);
  const estimate = p1 - p0;
  return {
    estimate,
    lower: estimate - Math.hypot(p1 - w1.lower, w0.upper - p0),
    upper: estimate + Math.hypot(w1.upper - p1, p0 - w0.lower),
  };
}

/** Lift, difference with its interval and excess negatives of one condition. */
export function driverOf(counts: ConditionCounts): Driver {
  const { k1, n1, k0, n0 } = counts;
  const rate1 = n1 > 0 ? k1 / n1 : null;
  const rate0 = n0 > 0 ? k0 / n0 : null;
  const both = rate1 !== null && rate0 !== null;
  return {
    ...counts,
    rate1,
    rate0,
    lift: both && rate0 > 0 ? rate1 / rate0 : null,
    difference: both ? newcombeInterval(k1, n1, k0, n0) : null,
    excessNegatives: rate0 !== null ? k1 - n1 * rate0 : null,
    shown: n1 >= MIN_DRIVER_SAMPLE && n0 >= MIN_DRIVER_SAMPLE,
  };
}

/** The drivers worth showing (n1 ≥ 30 and n0 ≥ 30), most excess negatives first. */
export function rankDrivers(conditions: readonly ConditionCounts[]): Driver[] {
  return conditions
    .map(driverOf)
    .filter((d) => d.shown)
    .sort((a, b) => (b.excessNegatives ?? 0) - (a.excessNegatives ?? 0) || a.condition.localeCompare(b.condition));
}

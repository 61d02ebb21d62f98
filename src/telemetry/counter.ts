import { COUNTER_MAX } from './signals';

/** "Close to max": a counter this near its top that reads lower next time has wrapped rather than restarted. */
export const defaultWrapWindow = (max: number): number => Math.max(1, Math.floor((max + 1) / 16));

/**
 * People counted between two readings of a running counter (people_count) that counts up to `max`,
 * then starts again at 0 (wrap), and restarts at 0 when the device reboots (reset). Pure.
 *
 * - no previous reading: 0 — the first reading is the baseline, not people we saw pass.
 * - current ≥ previous: current − previous.
 * - current < previous, previous within `wrapWindow` of max: wrapped, max − previous + current + 1.
 * - current < previous otherwise: reset, current (who passed between the previous reading and the
 *   reboot is lost; a reboot followed by more people than `previous` before the next reading looks
 *   like ordinary counting and is undercounted by `previous`).
 *
 * Readings that are not whole numbers in 0..max count as nothing rather than poisoning the sum.
 */
export function counterDelta(previous: number | undefined, current: number, max = COUNTER_MAX, wrapWindow = defaultWrapWindow(max)): number {
  const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= max;
  if (!valid(current) || previous === undefined || !valid(previous)) return 0;
  if (current >= previous) return current - previous;
  return max - previous < wrapWindow ? max - previous + current + 1 : current;
}

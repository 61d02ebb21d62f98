import { z } from 'zod';

/**
 * The one rule for times at the edge: a finite instant between 1970 and 2200, checked before any
 * arithmetic, so no Date is ever invalid and PostgreSQL takes every one. Pure.
 */
export const INSTANT_MIN_MS = Date.UTC(1970, 0, 1);
export const INSTANT_MAX_MS = Date.UTC(2200, 0, 1);
export const INSTANT_RANGE = '1970-01-01T00:00:00Z to 2200-01-01T00:00:00Z';

export const isSaneInstantMs = (ms: number): boolean => Number.isFinite(ms) && ms >= INSTANT_MIN_MS && ms < INSTANT_MAX_MS;

const outOfRange = { message: `expected a time from ${INSTANT_RANGE}` };

/** An ISO 8601 time with a zone (the form of every time in the API), as a Date within the sane range. */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .refine((d) => isSaneInstantMs(d.getTime()), outOfRange);

/** An ISO 8601 time with a zone or epoch milliseconds, as a Date within the sane range. */
export const isoOrEpochMsInstant = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()], { message: 'expected an ISO 8601 time with zone, or epoch milliseconds' })
  .transform((v) => new Date(v))
  .refine((d) => isSaneInstantMs(d.getTime()), outOfRange);

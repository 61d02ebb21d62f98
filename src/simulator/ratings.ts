import type { Scale } from '../catalog/catalog.types';
import type { Prng } from './prng';

/** How a site looks to someone walking through it: shares (0–1) of dispensers empty and bins full. */
export interface SiteCondition {
  soapOut: number;
  paperOut: number;
  binsFull: number;
}

/** Mood 1 (very unhappy) to 4 (very happy), as on a four-face terminal. */
export type Mood = 1 | 2 | 3 | 4;

const CONTENT: readonly number[] = [0.015, 0.025, 0.31, 0.65];
const ANNOYED: readonly number[] = [0.45, 0.33, 0.15, 0.07];

/** How much a site's state spoils the experience (0–1): an empty soap dispenser hurts most. */
export function badness(condition: SiteCondition): number {
  const part = (share: number, weight: number) => 1 - weight * Math.min(1, 2.5 * share);
  return 1 - part(condition.soapOut, 0.85) * part(condition.paperOut, 0.6) * part(condition.binsFull, 0.5);
}

/** Probability of each mood 1–4 for a site in this condition; `discomfort` (0–1) spoils moods whatever the condition (stale air, say). */
export function moodProbabilities(condition: SiteCondition, discomfort = 0): number[] {
  const b = 1 - (1 - badness(condition)) * (1 - discomfort);
  return CONTENT.map((p, i) => p * (1 - b) + ANNOYED[i] * b);
}

export function drawMood(prng: Prng, condition: SiteCondition, discomfort = 0): Mood {
  return (prng.weighted(moodProbabilities(condition, discomfort)) + 1) as Mood;
}

/** A rating an occupant gives on a zone's QR page (`POST /api/v1/ratings`), at a simulated time. */
export interface QrRating {
  siteKey: string;
  zoneKey: string;
  touchpointKey: string;
  score: number;
  at: Date;
  /** Idempotency id, from the seed. */
  id: string;
  /** The occupant's phone address (sent as X-Forwarded-For): the misuse filter tells people apart by it. */
  address: string;
}

const ON_SCALE: Record<Scale, Record<Mood, number>> = {
  smiley4: { 1: 1, 2: 2, 3: 3, 4: 4 },
  smiley5: { 1: 1, 2: 2, 3: 4, 4: 5 },
  nps11: { 1: 2, 2: 5, 3: 8, 4: 10 },
};

/** The score a terminal with this scale sends for a mood. */
export function scoreOnScale(mood: Mood, scale: Scale): number {
  return ON_SCALE[scale][mood];
}

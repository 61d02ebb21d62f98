/** Why a rating is stored but left out of every indicator. */
export type ExclusionReason = 'kiosk_repeat' | 'burst' | 'daily_cap';

export interface MisusePolicy {
  /** A kiosk press this soon after the previous press on the same kiosk is a repeat. */
  kioskRepeatMs: number;
  /** More than burstMax ratings from one source on one QR touchpoint within burstWindowMs is a burst. */
  burstWindowMs: number;
  burstMax: number;
  /** More than this many ratings from one source in 24 hours, on any QR touchpoint (kiosks are shared, so exempt). */
  dailyCap: number;
}

export const DEFAULT_MISUSE_POLICY: MisusePolicy = { kioskRepeatMs: 3_000, burstWindowMs: 10 * 60_000, burstMax: 3, dailyCap: 20 };

export interface RatingEvent {
  touchpointId: string;
  kind: 'qr' | 'kiosk';
  /** Keyed hash of the sender (never the raw address); for kiosks, the device. */
  source: string;
  at: Date;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Judges one rating against the ones before it (excluded ones included, so a sustained burst stays
 * excluded). Pure: the caller fetches the prior ratings of the last 24 hours for this source and
 * touchpoint. Returns the reason to exclude it, or undefined to count it.
 */
export function judgeRating(rating: RatingEvent, prior: readonly RatingEvent[], policy: MisusePolicy = DEFAULT_MISUSE_POLICY): ExclusionReason | undefined {
  const t = rating.at.getTime();
  const before = prior.filter((p) => p.at.getTime() <= t && t - p.at.getTime() < DAY_MS);
  const onTouchpoint = before.filter((p) => p.touchpointId === rating.touchpointId);

  if (rating.kind === 'kiosk') {
    // A kiosk is shared by everyone passing by: only presses in quick succession are suspect, never the day's volume.
    const last = Math.max(...onTouchpoint.map((p) => p.at.getTime()));
    return t - last < policy.kioskRepeatMs ? 'kiosk_repeat' : undefined;
  }
  const inWindow = onTouchpoint.filter((p) => p.source === rating.source && t - p.at.getTime() < policy.burstWindowMs);
  if (inWindow.length >= policy.burstMax) return 'burst';
  const today = before.filter((p) => p.source === rating.source);
  if (today.length >= policy.dailyCap) return 'daily_cap';
  return undefined;
}

import type { ReasonSet, Scale } from '../catalog/catalog.types';

/** Answer chips for the follow-up question, per reason set: what was wrong, and what was good. */
export const REASONS: Record<ReasonSet, { negative: readonly string[]; positive: readonly string[] }> = {
  restroom: {
    negative: ['no_soap', 'no_paper', 'no_towels', 'dirty_floor', 'bad_smell', 'full_bin', 'dirty_toilet', 'dirty_sink', 'out_of_order'],
    positive: ['clean', 'well_stocked', 'fresh_smell', 'tidy'],
  },
  kitchen: {
    negative: ['dirty_counter', 'dirty_dishes', 'full_bin', 'no_coffee', 'no_milk', 'broken_machine', 'fridge_mess', 'bad_smell'],
    positive: ['clean', 'well_stocked', 'coffee_good', 'tidy'],
  },
  meeting_room: {
    negative: ['dirty_table', 'too_warm', 'too_cold', 'stuffy_air', 'av_broken', 'messy', 'noisy'],
    positive: ['clean', 'good_air', 'comfortable_temperature', 'av_works'],
  },
  open_office: {
    negative: ['dirty_desk', 'too_warm', 'too_cold', 'stuffy_air', 'noisy', 'full_bin', 'poor_lighting'],
    positive: ['clean', 'good_air', 'comfortable_temperature', 'quiet'],
  },
  entrance: {
    negative: ['dirty_floor', 'wet_floor', 'full_bin', 'long_wait', 'unfriendly_service'],
    positive: ['clean', 'welcoming', 'quick_service'],
  },
  general: {
    negative: ['cleanliness', 'supplies', 'comfort', 'service', 'other'],
    positive: ['cleanliness', 'supplies', 'comfort', 'service'],
  },
};

/** What an occupant can report through "report a problem": the categories of incidents a person sees (not device_offline). */
export { REPORTABLE_INCIDENT_CATEGORIES as INCIDENT_CATEGORIES, type ReportableIncidentCategory as IncidentCategory } from '../catalog/catalog.types';

export type Polarity = 'negative' | 'neutral' | 'positive';

/** The scores a scale allows, lowest (worst) first. */
export function scaleScores(scale: Scale): number[] {
  switch (scale) {
    case 'smiley5':
      return [1, 2, 3, 4, 5];
    case 'smiley4':
      return [1, 2, 3, 4];
    case 'nps11':
      return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  }
}

/** Negative scores ask "what was wrong?", positive ones "what was good?"; the neutral middle asks what could be better. */
export function polarityOf(scale: Scale, score: number): Polarity {
  switch (scale) {
    case 'smiley5':
      return score <= 2 ? 'negative' : score === 3 ? 'neutral' : 'positive';
    case 'smiley4':
      return score <= 2 ? 'negative' : 'positive';
    case 'nps11':
      return score <= 6 ? 'negative' : score <= 8 ? 'neutral' : 'positive';
  }
}

/** The chips offered for a polarity: negative reasons for negative and neutral scores. Unique, in set order. */
export function reasonsFor(sets: readonly ReasonSet[], polarity: Polarity): string[] {
  const side = polarity === 'positive' ? 'positive' : 'negative';
  return [...new Set(sets.flatMap((set) => REASONS[set][side]))];
}

const accepted = new Map<string, ReadonlySet<string>>();

/** Every reason a touchpoint accepts, whatever the score (memoised: it is asked on every rating). */
export function allReasonsFor(sets: readonly ReasonSet[]): ReadonlySet<string> {
  const key = sets.join(',');
  let reasons = accepted.get(key);
  if (!reasons) {
    reasons = new Set(sets.flatMap((set) => [...REASONS[set].negative, ...REASONS[set].positive]));
    accepted.set(key, reasons);
  }
  return reasons;
}

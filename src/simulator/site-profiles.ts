/** How well a site's provider works: how often rounds are late or missed, and trolleys without refills. */
export interface CrewQuality {
  /** Share of rounds and usage calls missed. */
  missed: number;
  /** Share of rounds and usage calls late beyond their grace. */
  late: number;
  /** Share of a cleaner's visits when the trolley has no refill for a low dispenser. */
  noRefill: number;
  /** A dispenser below this level (%) is topped up at a visit. */
  topUpBelow: number;
  /** On-time rounds and calls start within this share of their grace or response time. */
  pace: number;
  /** Sends a cleaner when a dispenser runs low or a bin fills up (the level sensors), before it is out. */
  watchesSensors: boolean;
}

/**
 * What sets a simulated site apart beyond its contract: its crew, and what occupants feel in its restrooms
 * that no SLA measures (stale air, a drain smell): `restroomDiscomfort` (0–1) spoils that share of the moods.
 */
export interface SiteProfile {
  /** Without one, a typical crew: a fifth of the rounds late, one in fourteen missed, now and then no refill on the trolley. */
  crew?: CrewQuality;
  restroomDiscomfort: number;
  /** CO2 a busy meeting room or open office reaches at most (ppm); without it, 1,500 and 1,000, at or above comfort's limit. */
  workspacePeakCo2?: number;
}

/** A crew that keeps its SLAs: rounds on time, trolleys stocked. */
export const DILIGENT_CREW: CrewQuality = { missed: 0.003, late: 0.007, noRefill: 0, topUpBelow: 90, pace: 0.5, watchesSensors: true };
/** Meeting rooms and open offices with ventilation sized for a full room. */
const WELL_VENTILATED_PPM = 900;

export const TYPICAL_SITE: SiteProfile = { restroomDiscomfort: 0 };

/**
 * The demo contract's sites: Stockholm's crew is typical and its meeting rooms stuffy (SLAs slip, comfort is
 * breached); Oslo's crew is diligent, its rooms well ventilated, its occupants content; Copenhagen's crew is
 * as diligent, while its restrooms' ventilation is poor (a smell no cleaning removes) — every SLA met,
 * occupants unhappy: the demo's watermelon.
 */
export const DEMO_SITE_PROFILES: Readonly<Record<string, SiteProfile>> = {
  'cph-office': { crew: DILIGENT_CREW, restroomDiscomfort: 0.3, workspacePeakCo2: WELL_VENTILATED_PPM },
  'osl-office': { crew: DILIGENT_CREW, restroomDiscomfort: 0, workspacePeakCo2: WELL_VENTILATED_PPM },
};

/** The demo's watermelon site. */
export const DEMO_WATERMELON_SITE = 'cph-office';

export const profileOf = (siteKey: string, profiles: Readonly<Record<string, SiteProfile>> = DEMO_SITE_PROFILES): SiteProfile =>
  profiles[siteKey] ?? TYPICAL_SITE;

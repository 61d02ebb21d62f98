import type { ReportableIncidentCategory, ZoneType } from '../catalog/catalog.types';
import type { Prng } from './prng';

/** What an occupant sends through a QR code's "report a problem" (`POST /api/v1/incidents`). */
export interface ProblemReport {
  siteKey: string;
  zoneKey: string;
  /** The QR touchpoint scanned; the reporter turns it into the token printed in the code. */
  touchpointKey: string;
  category: ReportableIncidentCategory;
  /** Simulated time it happened; the service stamps reports on arrival. */
  at: Date;
  /** Idempotency id, from the seed. */
  id: string;
}

/** Share of the visitors who meet an empty dispenser and scan the QR code to say so: most just leave. */
export const EMPTY_REPORT_PROBABILITY = 0.04;
/** Something breaks, spills or clogs and gets reported: about once per this many visits (a busy restroom: every few days). */
export const VISITS_PER_FAULT = 1_500;

/** What goes wrong in a zone of a type, and how often relatively. */
export const FAULTS: Record<ZoneType, ReadonlyArray<readonly [ReportableIncidentCategory, number]>> = {
  restroom: [
    ['blocked_toilet', 35],
    ['spill', 25],
    ['broken_fixture', 20],
    ['lighting', 8],
    ['leak', 5],
    ['other', 7],
  ],
  kitchen: [
    ['spill', 45],
    ['broken_fixture', 25],
    ['leak', 10],
    ['other', 20],
  ],
  meeting_room: [
    ['temperature', 50],
    ['lighting', 25],
    ['broken_fixture', 25],
  ],
  open_office: [
    ['temperature', 55],
    ['lighting', 30],
    ['other', 15],
  ],
  entrance: [
    ['spill', 40],
    ['lighting', 20],
    ['safety', 10],
    ['other', 30],
  ],
  other: [
    ['broken_fixture', 40],
    ['lighting', 30],
    ['other', 30],
  ],
};

/**
 * The problems a zone's visitors report in a step: each who finds a dispenser empty reports it now and
 * then (out of supplies), and a fault of the zone's kind is reported at a low rate. Draws nothing
 * without visitors, so a quiet night costs no randomness. Pure but for the generator.
 */
export function drawProblems(prng: Prng, zone: { type: ZoneType; visits: number; dispenserEmpty: boolean }): ReportableIncidentCategory[] {
  if (zone.visits <= 0) return [];
  const reports: ReportableIncidentCategory[] = [];
  if (zone.dispenserEmpty) for (let n = prng.poisson(zone.visits * EMPTY_REPORT_PROBABILITY); n > 0; n--) reports.push('out_of_supplies');
  const faults = FAULTS[zone.type];
  for (let n = prng.poisson(zone.visits / VISITS_PER_FAULT); n > 0; n--) reports.push(faults[prng.weighted(faults.map(([, w]) => w))][0]);
  return reports;
}

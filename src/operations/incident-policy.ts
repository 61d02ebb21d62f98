import type { IncidentCategory, IncidentPolicy, IncidentTarget } from '../catalog/catalog.types';
import type { ServiceHours } from '../catalog/catalog.types';
import { serviceTimeAcross } from './service-time';

const MIN = 60;
const HOUR = 3600;

/** Targets when the contract sets none, in seconds of service time: what people expect of a building. */
export const DEFAULT_INCIDENT_POLICY: Record<IncidentCategory, IncidentTarget> = {
  leak: { priority: 'critical', respondS: 15 * MIN, resolveS: 2 * HOUR },
  safety: { priority: 'critical', respondS: 15 * MIN, resolveS: 2 * HOUR },
  blocked_toilet: { priority: 'high', respondS: 30 * MIN, resolveS: 2 * HOUR },
  out_of_supplies: { priority: 'high', respondS: 30 * MIN, resolveS: 1 * HOUR },
  spill: { priority: 'high', respondS: 30 * MIN, resolveS: 1 * HOUR },
  broken_fixture: { priority: 'medium', respondS: 2 * HOUR, resolveS: 16 * HOUR },
  lighting: { priority: 'medium', respondS: 2 * HOUR, resolveS: 16 * HOUR },
  temperature: { priority: 'medium', respondS: 2 * HOUR, resolveS: 8 * HOUR },
  // A silent sensor hides the zone from the rules above: someone looks within the hour, fixes it within the day.
  device_offline: { priority: 'medium', respondS: 1 * HOUR, resolveS: 8 * HOUR },
  other: { priority: 'low', respondS: 4 * HOUR, resolveS: 24 * HOUR },
};

export const targetOf = (policy: IncidentPolicy, category: IncidentCategory): IncidentTarget => policy[category] ?? DEFAULT_INCIDENT_POLICY[category];

/** What a staff action does to open incidents of its zone: a refill or a check-in puts these right. */
export const AUTO_RESOLVED_BY: Record<'refill' | 'checkin', readonly IncidentCategory[]> = {
  refill: ['out_of_supplies'],
  checkin: ['out_of_supplies', 'spill', 'other'],
};

export interface IncidentTimes {
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  respondTargetS: number;
  resolveTargetS: number;
}

/** Response and resolution in service time (seconds), and whether each met its target; null while it has not happened. */
export function incidentTimings(i: IncidentTimes, site: { serviceHours: ServiceHours; holidays: readonly string[]; timeZone: string }) {
  const within = (to: number | null) => (to === null ? null : Math.round(serviceTimeAcross(site.serviceHours, site.holidays, site.timeZone, i.openedAt, to) / 1000));
  // Resolving without an acknowledgement first is a response too.
  const respondedAt = i.acknowledgedAt ?? i.resolvedAt;
  const responseS = within(respondedAt);
  const resolutionS = within(i.resolvedAt);
  return {
    responseS,
    resolutionS,
    respondedInTime: responseS === null ? null : responseS <= i.respondTargetS,
    resolvedInTime: resolutionS === null ? null : resolutionS <= i.resolveTargetS,
  };
}

/** The timings of a stored incident, in its site's service hours. */
export function timingsOf(r: {
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  respondTargetS: number;
  resolveTargetS: number;
  serviceHours: ServiceHours;
  holidays: readonly string[];
  timeZone: string;
}) {
  return incidentTimings(
    { openedAt: r.openedAt.getTime(), acknowledgedAt: r.acknowledgedAt?.getTime() ?? null, resolvedAt: r.resolvedAt?.getTime() ?? null, respondTargetS: r.respondTargetS, resolveTargetS: r.resolveTargetS },
    r,
  );
}

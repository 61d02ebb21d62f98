import type { ServiceHours } from '../catalog/catalog.types';
import { DEFAULT_INCIDENT_POLICY, incidentTimings, targetOf } from './incident-policy';

const weekdays = (span: [string, string]): ServiceHours => ({ mon: [span], tue: [span], wed: [span], thu: [span], fri: [span], sat: [], sun: [] });
const site = { serviceHours: weekdays(['07:00', '19:00']), holidays: ['2026-12-24'], timeZone: 'Europe/Stockholm' };
const at = (iso: string) => Date.parse(iso);
const times = (openedAt: string, acknowledgedAt: string | null, resolvedAt: string | null) => ({
  openedAt: at(openedAt),
  acknowledgedAt: acknowledgedAt === null ? null : at(acknowledgedAt),
  resolvedAt: resolvedAt === null ? null : at(resolvedAt),
  respondTargetS: 15 * 60,
  resolveTargetS: 3600,
});

describe(incidentTimings.name, () => {
  it('counts service hours only: reported at 18:55, acknowledged at 07:10 the next morning took 15 minutes', () => {
    expect(incidentTimings(times('2026-11-30T18:55:00+01:00', '2026-12-01T07:10:00+01:00', '2026-12-01T07:50:00+01:00'), site)).toEqual({
      responseS: 15 * 60,
      resolutionS: 55 * 60,
      respondedInTime: true,
      resolvedInTime: true,
    });
  });

  it('skips the weekend and holidays, and counts across the DST change in local hours', () => {
    // Friday 18:30 to Monday 07:20: 30 + 20 minutes.
    expect(incidentTimings(times('2026-12-04T18:30:00+01:00', '2026-12-07T07:20:00+01:00', null), site)).toMatchObject({ responseS: 50 * 60, respondedInTime: false, resolutionS: null, resolvedInTime: null });
    // Wednesday 23 December 18:00 to Friday 25 December 08:00: the 24th is a holiday: 60 + 60 minutes.
    expect(incidentTimings(times('2026-12-23T18:00:00+01:00', '2026-12-25T08:00:00+01:00', null), site).responseS).toBe(120 * 60);
    // Friday 23 October 18:00 (CEST) to Monday 26 October 08:00 (CET): 60 + 60 minutes, whatever the clocks did on Sunday.
    expect(incidentTimings(times('2026-10-23T18:00:00+02:00', '2026-10-26T08:00:00+01:00', null), site).responseS).toBe(120 * 60);
  });

  it('takes a resolution without an acknowledgement as the response too', () => {
    expect(incidentTimings(times('2026-12-01T10:00:00+01:00', null, '2026-12-01T10:20:00+01:00'), site)).toMatchObject({ responseS: 20 * 60, respondedInTime: false, resolutionS: 20 * 60, resolvedInTime: true });
  });
});

describe(targetOf.name, () => {
  it("uses the contract's target for a category, and the defaults for the rest", () => {
    const policy = { out_of_supplies: { priority: 'critical' as const, respondS: 600, resolveS: 1800 } };
    expect(targetOf(policy, 'out_of_supplies')).toEqual({ priority: 'critical', respondS: 600, resolveS: 1800 });
    expect(targetOf(policy, 'leak')).toEqual(DEFAULT_INCIDENT_POLICY.leak);
  });

  it('gives a silent device a medium priority: looked at within the hour, fixed within eight', () => {
    expect(targetOf({}, 'device_offline')).toEqual({ priority: 'medium', respondS: 3600, resolveS: 8 * 3600 });
  });
});

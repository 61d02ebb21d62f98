import type { HourFacts } from './zone-day-facts';

/** The additive facts of sla_facts_hourly: each field of HourFacts and its column (scoring's rollups read the same list). */
export const SLA_FACT_COLUMNS = [
  ['tasksDue', 'tasks_due'],
  ['tasksOnTime', 'tasks_on_time'],
  ['tasksLate', 'tasks_late'],
  ['tasksMissed', 'tasks_missed'],
  ['incidentsOpened', 'incidents_opened'],
  ['incidentsRespondedInTime', 'incidents_responded_in_time'],
  ['incidentsResolvedInTime', 'incidents_resolved_in_time'],
  ['visitors', 'visitors'],
  ['visitorsWhileOut', 'visitors_while_out'],
  ['serviceMinutes', 'service_minutes'],
  ['outMinutes', 'out_minutes'],
  ['inspections', 'inspections'],
  ['inspectionsScored', 'inspections_scored'],
  ['inspectionScoreSum', 'inspection_score_sum'],
  ['inspectionsPassed', 'inspections_passed'],
  ['occupiedMinutes', 'occupied_minutes'],
  ['comfortableMinutes', 'comfortable_minutes'],
  ['deviceOnlineMinutes', 'device_online_minutes'],
  ['deviceExpectedMinutes', 'device_expected_minutes'],
] as const satisfies ReadonlyArray<readonly [keyof Omit<HourFacts, 'hour'>, string]>;

import { join } from 'node:path';
import type { ZoneType } from '../catalog/catalog.types';
import { loadContractDirectory } from '../catalog/contract-file';
import type { ObjectiveSpec } from '../catalog/contract-file.schema';
import { watermelonOf } from '../scoring/composite';
import { addCounts, countsOf, emptyCounts, ratingCounts, type Counts } from '../scoring/indicators';
import { scoreObjective } from '../scoring/objective';
import { planOf } from './cleaner';
import { occupancy } from './occupancy';
import { Simulation } from './simulation';
import type { SiteModel } from './site-model';
import { DEMO_WATERMELON_SITE } from './site-profiles';

const [demo] = loadContractDirectory(join(__dirname, '..', '..', 'config', 'contracts'));
const MINUTE = 60_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const END = START + 30 * 86_400_000;
/** Minutes a cleaner spends between two zones of a round (the crew's default). */
const MINUTES_PER_ZONE = 3;
/** Incidents come from the service's sensor rules and reports: the e2e and the demo measure them, not this. */
const FROM_SERVICE_ONLY = new Set(['incident_response', 'incident_resolution']);

/** What the month of a site adds up to, zone by zone, as the service's rollups would count it. */
type ZoneCounts = Map<string, { type: ZoneType; counts: Counts }>;

/**
 * Runs the demo contract's month in one-minute steps and counts, per zone: ratings (kiosk presses and QR
 * ratings), planned cleans due and on time (each round's zones walked in turn, within the plan's grace or
 * response time), visitors while a restroom dispenser was empty or its bin full, and occupied open minutes
 * with CO2 at most the contract's limit (temperature stays within 20–24 °C in the model).
 */
function simulateMonth(seed: number): Map<string, ZoneCounts> {
  const simulation = new Simulation(demo.spec.sites, { seed, start: new Date(START), prefix: 'xla/v1' });
  const bySite = new Map(simulation.sites.map((site) => [site.spec.key, zoneCountsOf(site)]));
  const add = (site: SiteModel, zoneKey: string, counts: Counts) => {
    const zone = bySite.get(site.spec.key)!.get(zoneKey)!;
    zone.counts = addCounts(zone.counts, counts);
  };
  const visitsBefore = new Map(simulation.sites.map((site) => [site, site.zones.map((z) => z.visitsTotal)]));

  for (let t = START + MINUTE; t <= END; t += MINUTE) {
    simulation.advance(new Date(t));
    for (const event of simulation.takeEvents()) {
      if (event.signal !== 'rating') continue;
      const site = simulation.sites.find((s) => event.topic.includes(`/${s.spec.key}/`))!;
      const zoneKey = event.topic.split('/').at(-3)!;
      const zone = site.zones.find((z) => z.spec.key === zoneKey)!;
      add(site, zoneKey, ratingCounts({ scale: zone.kioskScale, score: (JSON.parse(event.payload) as { score: number }).score }));
    }
    for (const rating of simulation.takeRatings()) {
      const site = simulation.sites.find((s) => s.spec.key === rating.siteKey)!;
      add(site, rating.zoneKey, ratingCounts({ scale: site.zones.find((z) => z.spec.key === rating.zoneKey)!.qrScale, score: rating.score }));
    }
    simulation.takeReports();
    for (const site of simulation.sites) {
      const open = occupancy(new Date(t), site.spec) > 0;
      const before = visitsBefore.get(site)!;
      site.zones.forEach((zone, i) => {
        const visitors = Math.floor(zone.visitsTotal) - Math.floor(before[i]);
        before[i] = zone.visitsTotal;
        if (zone.spec.type === 'restroom') {
          const out = zone.soap?.state === 'empty' || zone.paper?.state === 'empty' || zone.bin.full;
          add(site, zone.spec.key, countsOf({ visitors, visitorsWhileOut: out ? visitors : 0 }));
        }
        if (open && (zone.spec.type === 'meeting_room' || zone.spec.type === 'open_office')) {
          add(site, zone.spec.key, countsOf({ occupiedMinutes: 1, comfortableMinutes: zone.air.co2 <= demo.spec.comfort.co2Max ? 1 : 0 }));
        }
      });
    }
  }
  for (const site of simulation.sites) {
    for (const round of site.crew.rounds) {
      if (round.origin === 'onDemand' || round.plannedAt.getTime() >= END) continue;
      round.zoneIndexes.forEach((zoneIndex, i) => {
        const zone = site.zones[zoneIndex];
        const plan = planOf(site.spec, zone.spec);
        const allowedMinutes = (round.origin === 'schedule' ? plan.scheduled!.graceS : plan.usage!.respondWithinS) / 60;
        const onTime = round.lateMinutes !== null && round.lateMinutes + i * MINUTES_PER_ZONE <= allowedMinutes;
        add(site, zone.spec.key, countsOf({ tasksDue: 1, tasksOnTime: onTime ? 1 : 0 }));
      });
    }
  }
  return bySite;
}

function zoneCountsOf(site: SiteModel): ZoneCounts {
  return new Map(site.spec.zones.map((z) => [z.key, { type: z.type, counts: emptyCounts() }]));
}

/** The counts of an objective's scope within a site. */
function scopeCounts(siteKey: string, zones: ZoneCounts, objective: ObjectiveSpec): Counts | undefined {
  if (objective.scope.sites && !objective.scope.sites.includes(siteKey)) return undefined;
  const types = objective.scope.zoneTypes;
  return [...zones.values()].filter((z) => !types || types.includes(z.type)).reduce((sum, z) => addCounts(sum, z.counts), emptyCounts());
}

/** Status of each objective of the demo contract for a site over the month, from the pure formulas. */
function outcomesOf(siteKey: string, zones: ZoneCounts) {
  return demo.spec.objectives
    .filter((o) => !FROM_SERVICE_ONLY.has(o.indicator))
    .flatMap((objective) => {
      const counts = scopeCounts(siteKey, zones, objective);
      return counts ? [scoreObjective({ objective, counts, windowHours: 30 * 24 })] : [];
    });
}

describe('the demo month (simulated, scored with the pure formulas)', () => {
  const month = simulateMonth(1);
  const statuses = (siteKey: string) => Object.fromEntries(outcomesOf(siteKey, month.get(siteKey)!).map((o) => [o.key, o.status]));

  it('makes Copenhagen the one watermelon: SLAs met, restroom experience breached', () => {
    const found = [...month].map(([siteKey, zones]) => watermelonOf(siteKey, outcomesOf(siteKey, zones))).filter((w) => w !== null);
    expect(found).toEqual([
      { siteKey: DEMO_WATERMELON_SITE, breachedXla: ['restroom-csat', 'restroom-negative-rate'], metSla: ['cleaning-on-time', 'restroom-consumables'] },
    ]);
  });

  it('gives every objective of every site enough data, and each site its own story', () => {
    expect(statuses('cph-office')).toEqual({
      'restroom-csat': 'breached',
      'restroom-negative-rate': 'breached',
      'workplace-happiness': 'met',
      'meeting-room-comfort': 'met',
      'cleaning-on-time': 'met',
      'restroom-consumables': 'met',
    });
    expect(statuses('osl-office')).toEqual({
      'restroom-csat': 'met',
      'restroom-negative-rate': 'met',
      'workplace-happiness': 'met',
      'meeting-room-comfort': 'met',
      'cleaning-on-time': 'met',
      'restroom-consumables': 'met',
    });
    expect(statuses('sto-hq')).toMatchObject({ 'cleaning-on-time': 'breached', 'meeting-room-comfort': 'breached' });
  });
});

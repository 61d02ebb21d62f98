import type { Scale, Signal, ZoneType } from '../catalog/catalog.types';
import type { DeviceSpec, SiteSpec, ZoneSpec } from '../catalog/contract-file.schema';
import { AirModel } from './air';
import type { Consumable, EventKind } from '../operations/service-event';
import { CleaningCrew, planOf, type CheckIn } from './cleaner';
import { Bin, Dispenser } from './dispenser';
import { localTime } from './local-time';
import { occupancy } from './occupancy';
import type { Prng } from './prng';
import { inspect } from './inspection';
import { drawProblems, type ProblemReport } from './problems';
import { drawMood, scoreOnScale, type QrRating, type SiteCondition } from './ratings';
import { TYPICAL_SITE, type SiteProfile } from './site-profiles';

/** Signals that are events (sent when something happens) rather than periodic readings. */
export const EVENT_SIGNALS: ReadonlySet<Signal> = new Set(['rating', 'cleaning_checkin']);

/** The topic level of service events (`checkin`, `refill`, `inspection`): `…/{device}/event`. */
export const EVENT_LEVEL = 'event';

/** A message a device sends because something happened: a kiosk press, a cleaner's check-in, or a service event. */
export interface DeviceEvent {
  zoneKey: string;
  deviceKey: string;
  signal: 'rating' | 'cleaning_checkin' | typeof EVENT_LEVEL;
  /** Service events: their kind, for the figures. */
  kind?: EventKind;
  at: Date;
  payload: Record<string, unknown>;
}

interface ZoneProfile {
  /** Visits (or entries) per hour when the site is at its busiest. */
  peakVisitsPerHour: number;
  /** CO2 the room reaches when busy for a while. */
  peakCo2: number;
  soapPerVisit?: number;
  paperPerVisit?: number;
  binPerVisit: number;
}

const PROFILES: Record<ZoneType, ZoneProfile> = {
  restroom: { peakVisitsPerHour: 40, peakCo2: 650, soapPerVisit: 0.3, paperPerVisit: 0.45, binPerVisit: 0.35 },
  kitchen: { peakVisitsPerHour: 30, peakCo2: 900, soapPerVisit: 0.15, paperPerVisit: 0.25, binPerVisit: 0.5 },
  meeting_room: { peakVisitsPerHour: 6, peakCo2: 1500, binPerVisit: 0.1 },
  open_office: { peakVisitsPerHour: 40, peakCo2: 1000, binPerVisit: 0.05 },
  entrance: { peakVisitsPerHour: 250, peakCo2: 600, binPerVisit: 0.02 },
  other: { peakVisitsPerHour: 10, peakCo2: 700, binPerVisit: 0.1 },
};

/** Where people sit for hours: ventilation (a site profile's) shows in the air. */
const WORKSPACES: ReadonlySet<ZoneType> = new Set(['meeting_room', 'open_office']);
/** Share of the people passing a kiosk who press a face. */
const PRESS_PROBABILITY = 0.06;
/** Share of a zone's visitors who scan its QR code and rate it. */
export const QR_RATING_PROBABILITY = 0.02;
/** Longest simulated step: cleaners, air and dispensers are advanced at least this finely. */
const MAX_STEP_MS = 60_000;
/** An inspector's rounds, in local hours: each open day, one zone at each (drawn from the site's). */
const INSPECTION_HOURS = [10, 13.5, 15.5];
/** An inspector remembers a missed clean for a day. */
const MISSED_MEMORY_MS = 86_400_000;
const DAY_MS = 86_400_000;

interface ZoneState {
  spec: ZoneSpec;
  profile: ZoneProfile;
  busyness: number;
  visitsTotal: number;
  soap?: Dispenser;
  paper?: Dispenser;
  bin: Bin;
  air: AirModel;
  kioskScale: Scale;
  /** The QR code occupants scan to rate the zone or report a problem, if the zone has one. */
  qrKey?: string;
  qrScale: Scale;
  /** What spoils occupants' moods here whatever the crew does (0–1). */
  discomfort: number;
}

interface DeviceState {
  counterOffset: number;
  reportedVisits: number;
  batteryStart: number;
  batteryDrainPerDay: number;
  leaking: boolean;
}

/** One site in motion: its zones' visits, dispensers, bins and air, its cleaning crew and its kiosks. */
export class SiteModel {
  readonly zones: ZoneState[];
  readonly crew: CleaningCrew;
  private readonly devices = new Map<string, DeviceState>();
  private reports: ProblemReport[] = [];
  private ratings: QrRating[] = [];
  private time: Date;

  constructor(
    readonly spec: SiteSpec,
    private readonly prng: Prng,
    private readonly start: Date,
    readonly profile: SiteProfile = TYPICAL_SITE,
  ) {
    this.time = start;
    this.zones = spec.zones.map((zone) => {
      const profile = PROFILES[zone.type];
      return {
        spec: zone,
        profile,
        busyness: prng.between(0.6, 1.6),
        visitsTotal: 0,
        soap: profile.soapPerVisit ? new Dispenser(prng.between(40, 100), profile.soapPerVisit) : undefined,
        paper: profile.paperPerVisit ? new Dispenser(prng.between(40, 100), profile.paperPerVisit) : undefined,
        bin: new Bin(prng.between(0, 40), profile.binPerVisit),
        air: new AirModel(WORKSPACES.has(zone.type) ? Math.min(profile.peakCo2, this.profile.workspacePeakCo2 ?? Infinity) : profile.peakCo2),
        kioskScale: zone.touchpoints.find((t) => t.kind === 'kiosk')?.scale ?? 'smiley4',
        qrKey: zone.touchpoints.find((t) => t.kind === 'qr')?.key,
        qrScale: zone.touchpoints.find((t) => t.kind === 'qr')?.scale ?? 'smiley5',
        discomfort: zone.type === 'restroom' ? this.profile.restroomDiscomfort : 0,
      };
    });
    for (const zone of spec.zones) {
      for (const device of zone.devices) {
        this.devices.set(device.key, {
          counterOffset: prng.int(0, 1_000_000),
          reportedVisits: 0,
          batteryStart: prng.between(60, 100),
          batteryDrainPerDay: prng.between(0.05, 0.4),
          leaking: false,
        });
      }
    }
    const tags = [1, 2].map((n) => `cleaner-${spec.key}-${n}`);
    this.crew = new CleaningCrew(spec, spec.zones.map((zone) => planOf(spec, zone)), tags, prng, { minutesPerZone: 3, crew: profile.crew });
  }

  get now(): Date {
    return this.time;
  }

  /** What occupants see: the shares of restroom dispensers that are empty and of bins that are full. */
  condition(): SiteCondition {
    const withSoap = this.zones.filter((z) => z.spec.type === 'restroom' && z.soap);
    const withPaper = this.zones.filter((z) => z.spec.type === 'restroom' && z.paper);
    const withBins = this.zones.filter((z) => z.spec.type === 'restroom' || z.spec.type === 'kitchen');
    const share = (zones: ZoneState[], bad: (z: ZoneState) => boolean) => (zones.length ? zones.filter(bad).length / zones.length : 0);
    return {
      soapOut: share(withSoap, (z) => z.soap!.state === 'empty'),
      paperOut: share(withPaper, (z) => z.paper!.state === 'empty'),
      binsFull: share(withBins, (z) => z.bin.full),
    };
  }

  /** Moves the site forward to `to`, returning what its kiosks and check-in tags sent meanwhile. */
  advance(to: Date): DeviceEvent[] {
    const events: DeviceEvent[] = [];
    while (this.time < to) {
      const next = new Date(Math.min(to.getTime(), this.time.getTime() + MAX_STEP_MS));
      this.step(this.time, next, events);
      this.time = next;
    }
    return events.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Problems occupants reported through QR codes since the last call, in time order (they go over HTTP, not MQTT). */
  takeReports(): ProblemReport[] {
    const reports = this.reports.sort((a, b) => a.at.getTime() - b.at.getTime());
    this.reports = [];
    return reports;
  }

  /** Ratings occupants gave on QR pages since the last call, in time order (they go over HTTP, not MQTT). */
  takeRatings(): QrRating[] {
    const ratings = this.ratings.sort((a, b) => a.at.getTime() - b.at.getTime());
    this.ratings = [];
    return ratings;
  }

  /** The value a device reports for a periodic signal now. */
  read(zoneIndex: number, device: DeviceSpec, signal: Signal): number {
    const zone = this.zones[zoneIndex];
    const state = this.devices.get(device.key)!;
    const occ = zone.air.occupancy;
    const noise = (sd: number) => this.prng.normal(0, sd);
    switch (signal) {
      case 'people_count':
        return (state.counterOffset + Math.floor(zone.visitsTotal)) >>> 0;
      case 'visits': {
        const total = Math.floor(zone.visitsTotal);
        const visits = total - state.reportedVisits;
        state.reportedVisits = total;
        return visits;
      }
      case 'soap_level':
        return Math.round(zone.soap?.level ?? 100);
      case 'paper_level':
        return Math.round(zone.paper?.level ?? 100);
      case 'bin_fill':
        return Math.round(zone.bin.fill);
      case 'co2':
        return Math.max(380, Math.round(zone.air.co2 + noise(8)));
      case 'temperature':
        return round1(21 + 1.8 * occ + noise(0.15));
      case 'humidity':
        return round1(clamp(32 + 8 * occ + noise(0.5), 0, 100));
      case 'tvoc':
        return Math.max(0, Math.round(80 + 350 * occ + noise(10)));
      case 'pm2_5':
        return round1(4 + 8 * occ + Math.abs(noise(1)));
      case 'noise_db':
        return round1(35 + 22 * occ + noise(1.5));
      case 'battery': {
        const days = (this.time.getTime() - this.start.getTime()) / DAY_MS;
        return Math.round(clamp(state.batteryStart - state.batteryDrainPerDay * days, 5, 100));
      }
      case 'leak':
        // A leak now and then, fixed after a few readings.
        state.leaking = state.leaking ? !this.prng.chance(0.3) : this.prng.chance(0.0005);
        return state.leaking ? 1 : 0;
      default:
        throw new Error(`${signal} is an event, not a reading`);
    }
  }

  private step(from: Date, to: Date, events: DeviceEvent[]): void {
    const seconds = (to.getTime() - from.getTime()) / 1000;
    const siteOccupancy = occupancy(to, this.spec);
    const condition = this.condition();
    this.zones.forEach((zone, zoneIndex) => {
      const level = Math.min(1, siteOccupancy * zone.busyness);
      const visits = this.prng.poisson((zone.profile.peakVisitsPerHour * zone.busyness * siteOccupancy * seconds) / 3600);
      zone.visitsTotal += visits;
      this.crew.countVisits(zoneIndex, visits);
      zone.soap?.use(visits, this.prng);
      zone.paper?.use(visits, this.prng);
      zone.bin.use(visits, this.prng);
      zone.air.step(seconds, level);
      if (this.profile.crew?.watchesSensors && needsService(zone)) this.crew.answerSensor(zoneIndex, to);
      for (const device of zone.spec.devices) {
        if (!device.signals.includes('rating')) continue;
        for (let n = this.prng.poisson(visits * PRESS_PROBABILITY); n > 0; n--) {
          const at = new Date(from.getTime() + this.prng.next() * (to.getTime() - from.getTime()));
          const score = scoreOnScale(drawMood(this.prng, condition, zone.discomfort), zone.kioskScale);
          events.push({ zoneKey: zone.spec.key, deviceKey: device.key, signal: 'rating', at, payload: { score, ts: at.toISOString(), id: this.prng.uuid() } });
        }
      }
      if (zone.qrKey) {
        this.qrRatings(zone, zone.qrKey, visits, condition, from, to);
        this.problems(zone, zone.qrKey, visits, from, to);
      }
    });
    // Open days only: an inspector comes while people are in the building.
    const before = localTime(from, this.spec.timeZone);
    const after = localTime(to, this.spec.timeZone);
    const rounds = INSPECTION_HOURS.filter((h) => before.date === after.date && before.hour < h && after.hour >= h);
    for (let n = rounds.length; n > 0 && siteOccupancy > 0; n--) this.inspect(this.prng.int(0, this.zones.length - 1), to, events);
    for (const checkIn of this.crew.step(from, to)) this.checkIn(checkIn, events);
  }

  /**
   * A cleaner in a zone: the check-in on its tag reader (the `cleaning_checkin` signal), or, in a zone without one,
   * a `checkin` event from another of its devices; then a `refill` event for each dispenser topped up and bin emptied,
   * at the moment the level readings change.
   */
  private checkIn(checkIn: CheckIn, events: DeviceEvent[]): void {
    const zone = this.zones[checkIn.zoneIndex];
    const ts = checkIn.at.toISOString();
    const tags = zone.spec.devices.filter((d) => d.signals.includes('cleaning_checkin'));
    for (const device of tags) {
      events.push({ zoneKey: zone.spec.key, deviceKey: device.key, signal: 'cleaning_checkin', at: checkIn.at, payload: { value: 1, ts, tag: checkIn.tag } });
    }
    if (tags.length === 0) this.serviceEvent(zone, undefined, checkIn.at, { kind: 'checkin', tag: checkIn.tag }, events);
    const refilled: Array<[Consumable, boolean | undefined]> = [
      ['soap', zone.soap?.topUp(this.prng, this.profile.crew?.noRefill, this.profile.crew?.topUpBelow)],
      ['paper', zone.paper?.topUp(this.prng, this.profile.crew?.noRefill, this.profile.crew?.topUpBelow)],
      ['bin', zone.bin.emptyIfUsed()],
    ];
    for (const [consumable, done] of refilled) {
      if (done) this.serviceEvent(zone, LEVEL_SIGNALS[consumable], checkIn.at, { kind: 'refill', tag: checkIn.tag, consumable }, events);
    }
  }

  /** What the zone's visitors rated on its QR page in the step, each at a moment of it, from a phone of their own. */
  private qrRatings(zone: ZoneState, touchpointKey: string, visits: number, condition: SiteCondition, from: Date, to: Date): void {
    if (visits <= 0) return;
    for (let n = this.prng.poisson(visits * QR_RATING_PROBABILITY); n > 0; n--) {
      const at = new Date(from.getTime() + this.prng.next() * (to.getTime() - from.getTime()));
      const score = scoreOnScale(drawMood(this.prng, condition, zone.discomfort), zone.qrScale);
      const address = `10.${this.prng.int(0, 255)}.${this.prng.int(0, 255)}.${this.prng.int(1, 254)}`;
      this.ratings.push({ siteKey: this.spec.key, zoneKey: zone.spec.key, touchpointKey, score, at, id: this.prng.uuid(), address });
    }
  }

  /** What the zone's visitors reported in the step, each at a moment of it. */
  private problems(zone: ZoneState, touchpointKey: string, visits: number, from: Date, to: Date): void {
    const dispenserEmpty = zone.soap?.state === 'empty' || zone.paper?.state === 'empty';
    for (const category of drawProblems(this.prng, { type: zone.spec.type, visits, dispenserEmpty })) {
      const at = new Date(from.getTime() + this.prng.next() * (to.getTime() - from.getTime()));
      this.reports.push({ siteKey: this.spec.key, zoneKey: zone.spec.key, touchpointKey, category, at, id: this.prng.uuid() });
    }
  }

  private inspect(zoneIndex: number, at: Date, events: DeviceEvent[]): void {
    const zone = this.zones[zoneIndex];
    const missedAt = this.crew.lastMissedAt(zoneIndex);
    const result = inspect(this.prng, {
      missedRecently: missedAt !== undefined && at.getTime() - missedAt.getTime() < MISSED_MEMORY_MS,
      dispenserEmpty: zone.soap?.state === 'empty' || zone.paper?.state === 'empty',
      binFull: zone.bin.full,
    });
    this.serviceEvent(zone, undefined, at, { kind: 'inspection', tag: `inspector-${this.spec.key}`, ...result }, events);
  }

  /** A service event on the device that measures what it is about, else the zone's check-in tag, else its first device; none in a zone without devices. */
  private serviceEvent(zone: ZoneState, about: Signal | undefined, at: Date, fields: { kind: EventKind } & Record<string, unknown>, events: DeviceEvent[]): void {
    const devices = zone.spec.devices;
    const device = devices.find((d) => about !== undefined && d.signals.includes(about)) ?? devices.find((d) => d.signals.includes('cleaning_checkin')) ?? devices[0];
    if (!device) return;
    const payload = { ...fields, ts: at.toISOString(), id: this.prng.uuid() };
    events.push({ zoneKey: zone.spec.key, deviceKey: device.key, signal: EVENT_LEVEL, kind: fields.kind, at, payload });
  }
}

/** What a crew watching the level sensors acts on: ahead of the service's out-of-supplies rules (below 10 %, above 90 %). */
function needsService(zone: ZoneState): boolean {
  return (zone.soap?.level ?? 100) < 20 || (zone.paper?.level ?? 100) < 20 || zone.bin.fill > 80;
}

/** The reading that shows each consumable's level. */
const LEVEL_SIGNALS: Record<Consumable, Signal> = { soap: 'soap_level', paper: 'paper_level', bin: 'bin_fill' };

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

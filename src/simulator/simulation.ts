import type { Signal } from '../catalog/catalog.types';
import type { EventKind } from '../operations/service-event';
import type { DeviceSpec, SiteSpec } from '../catalog/contract-file.schema';
import { Prng } from './prng';
import { occupancy } from './occupancy';
import type { ProblemReport } from './problems';
import type { QrRating } from './ratings';
import { EVENT_LEVEL, EVENT_SIGNALS, SiteModel } from './site-model';
import { profileOf, type SiteProfile } from './site-profiles';

/** One MQTT message to send: a signal's reading or event, or a service event of a kind. */
export type SimMessage = { topic: string; payload: string } & ({ signal: Signal; kind?: undefined } | { signal: typeof EVENT_LEVEL; kind: EventKind });

interface Stream {
  site: SiteModel;
  zoneIndex: number;
  topic: string;
  device: DeviceSpec;
  signal: Signal;
  /** Stride scheduling: a stream is due when its pass is the lowest; it moves on by its interval. */
  pass: number;
  /** Backfill: simulated epoch ms of its next reading. */
  dueAt: number;
}

/** What a backfill sends: the readings the facts are made of, no more often than this. */
export interface BackfillReadings {
  signals: ReadonlySet<Signal>;
  /** Simulated ms between two readings of a stream while its site is open (at least its device's interval). */
  openEveryMs: number;
  /** … and while it is closed (nothing changes much at night). */
  closedEveryMs: number;
}

/**
 * The readings SLA facts read (visitors, consumables' levels, CO2 and temperature for comfort), at the
 * devices' own intervals while open (usage tasks fall due on the visitors counted: a coarser count would
 * move them) and hourly at night: a fifth of what the devices would send.
 */
export const BACKFILL_READINGS: BackfillReadings = {
  signals: new Set<Signal>(['people_count', 'visits', 'soap_level', 'paper_level', 'bin_fill', 'co2', 'temperature']),
  openEveryMs: 0,
  closedEveryMs: 60 * 60_000,
};

export interface SimulationOptions {
  seed: number;
  /** Simulated time at which the sites start. */
  start: Date;
  prefix: string;
  /** Crews and discomforts by site key; a site without one is typical (default: the demo sites'). */
  profiles?: Readonly<Record<string, SiteProfile>>;
}

/**
 * All simulated sites together. Readings are spread over every declared (device, signal) in
 * proportion to how often the device reports (its `interval`); events — kiosk presses, check-ins,
 * refills and inspections — go out first, as they happen, within the same rate.
 */
export class Simulation {
  readonly sites: SiteModel[];
  private readonly streams: Stream[] = [];
  private readonly events: SimMessage[] = [];
  private reports: ProblemReport[] = [];
  private ratings: QrRating[] = [];

  constructor(
    specs: readonly SiteSpec[],
    private readonly options: SimulationOptions,
  ) {
    const prng = new Prng(options.seed);
    this.sites = specs.map((spec) => new SiteModel(spec, prng, options.start, profileOf(spec.key, options.profiles)));
    for (const site of this.sites) {
      site.spec.zones.forEach((zone, zoneIndex) => {
        for (const device of zone.devices) {
          for (const signal of device.signals) {
            if (EVENT_SIGNALS.has(signal)) continue;
            const topic = `${options.prefix}/${site.spec.key}/${zone.key}/${device.key}/${signal}`;
            // A random first pass staggers devices that share an interval.
            const pass = prng.next() * device.interval;
            this.streams.push({ site, zoneIndex, topic, device, signal, pass, dueAt: options.start.getTime() + pass * 1000 });
          }
        }
      });
    }
    heapify(this.streams);
  }

  get deviceCount(): number {
    return this.sites.reduce((n, s) => n + s.spec.zones.reduce((m, z) => m + z.devices.length, 0), 0);
  }

  /** Events waiting to be sent. */
  get backlog(): number {
    return this.events.length;
  }

  /** Moves every site to simulated time `to` and queues what happened meanwhile. */
  advance(to: Date): void {
    for (const site of this.sites) {
      for (const event of site.advance(to)) {
        const topic = `${this.options.prefix}/${site.spec.key}/${event.zoneKey}/${event.deviceKey}/${event.signal}`;
        const payload = JSON.stringify(event.payload);
        this.events.push(event.signal === EVENT_LEVEL ? { topic, payload, signal: EVENT_LEVEL, kind: event.kind! } : { topic, payload, signal: event.signal });
      }
      this.reports.push(...site.takeReports());
      this.ratings.push(...site.takeRatings());
    }
  }

  /** Ratings occupants gave on QR pages meanwhile, for the ratings API. */
  takeRatings(): QrRating[] {
    const ratings = this.ratings;
    this.ratings = [];
    return ratings;
  }

  /** Queued events (kiosk presses, check-ins, service events), all of them. */
  takeEvents(): SimMessage[] {
    return this.events.splice(0, this.events.length);
  }

  /**
   * Backfill: the readings due by the current simulated time, each stream on its own time-driven schedule
   * (not the message rate), stamped now. Only `plan.signals`; the others are not sent at all.
   */
  readingsDue(plan: BackfillReadings): SimMessage[] {
    const out: SimMessage[] = [];
    for (const stream of this.streams) {
      if (!plan.signals.has(stream.signal)) continue;
      const now = stream.site.now.getTime();
      if (stream.dueAt > now) continue;
      const value = stream.site.read(stream.zoneIndex, stream.device, stream.signal);
      out.push({ topic: stream.topic, payload: JSON.stringify({ value, ts: stream.site.now.toISOString() }), signal: stream.signal });
      const every = occupancy(stream.site.now, stream.site.spec) > 0 ? plan.openEveryMs : plan.closedEveryMs;
      stream.dueAt = Math.max(stream.dueAt + Math.max(every, stream.device.interval * 1000), now + 1);
    }
    return out;
  }

  /** Problems occupants reported meanwhile, for the QR API. */
  takeReports(): ProblemReport[] {
    const reports = this.reports;
    this.reports = [];
    return reports;
  }

  /** The next `count` messages: queued events first, then the readings that are most due, stamped at the current simulated time. */
  take(count: number): SimMessage[] {
    const out = this.events.splice(0, count);
    while (out.length < count && this.streams.length > 0) {
      const stream = this.streams[0];
      const value = stream.site.read(stream.zoneIndex, stream.device, stream.signal);
      out.push({ topic: stream.topic, payload: JSON.stringify({ value, ts: stream.site.now.toISOString() }), signal: stream.signal });
      stream.pass += stream.device.interval;
      siftDown(this.streams, 0);
    }
    return out;
  }

}

function heapify(heap: Stream[]): void {
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(heap, i);
}

function siftDown(heap: Stream[], index: number): void {
  for (let i = index; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let least = i;
    if (left < heap.length && heap[left].pass < heap[least].pass) least = left;
    if (right < heap.length && heap[right].pass < heap[least].pass) least = right;
    if (least === i) return;
    [heap[i], heap[least]] = [heap[least], heap[i]];
    i = least;
  }
}

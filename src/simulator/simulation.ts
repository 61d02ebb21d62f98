import type { Signal } from '../catalog/catalog.types';
import type { EventKind } from '../operations/service-event';
import type { DeviceSpec, SiteSpec } from '../catalog/contract-file.schema';
import { Prng } from './prng';
import type { ProblemReport } from './problems';
import { EVENT_LEVEL, EVENT_SIGNALS, SiteModel } from './site-model';

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
}

export interface SimulationOptions {
  seed: number;
  /** Simulated time at which the sites start. */
  start: Date;
  prefix: string;
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

  constructor(
    specs: readonly SiteSpec[],
    private readonly options: SimulationOptions,
  ) {
    const prng = new Prng(options.seed);
    this.sites = specs.map((spec) => new SiteModel(spec, prng, options.start));
    for (const site of this.sites) {
      site.spec.zones.forEach((zone, zoneIndex) => {
        for (const device of zone.devices) {
          for (const signal of device.signals) {
            if (EVENT_SIGNALS.has(signal)) continue;
            const topic = `${options.prefix}/${site.spec.key}/${zone.key}/${device.key}/${signal}`;
            // A random first pass staggers devices that share an interval.
            this.streams.push({ site, zoneIndex, topic, device, signal, pass: prng.next() * device.interval });
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
    }
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

import type { ReportableIncidentCategory, Signal } from '../catalog/catalog.types';
import type { EventKind } from '../operations/service-event';
import type { ProblemReport } from './problems';
import type { QrRating } from './ratings';
import type { SimulatedClock } from './simulated-clock';
import { BACKFILL_READINGS, type BackfillReadings, type Simulation } from './simulation';

/** Where messages go: the MQTT adapter in real runs, an array in tests. Resolves once the broker has them (QoS 1). */
export interface Publisher {
  publish(topic: string, payload: string): Promise<void>;
}

/** Where occupants' problem reports and QR ratings go: the service's QR API in real runs, an array in tests. */
export interface ProblemReporter {
  /** Resolves once the service has it; false when it was not sent (no such QR code there). */
  report(problem: ProblemReport): Promise<boolean>;
  /** Likewise for a rating on a QR page. */
  rate(rating: QrRating): Promise<boolean>;
}

export interface RunOptions {
  /** Messages per second in total. */
  rate: number;
  /** Real seconds to run; 0 runs until `stop` aborts. */
  durationSeconds: number;
  clock: SimulatedClock;
  /** Real time in epoch ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  stop?: AbortSignal;
  /** Messages sent but not yet acknowledged, at most. */
  maxInFlight?: number;
  /** Without one, the problems occupants would report are dropped. */
  reporter?: ProblemReporter;
}

export interface RunSummary {
  published: number;
  failed: number;
  perSignal: Partial<Record<Signal, number>>;
  /** Service events (`…/event`) by kind; not in perSignal. */
  perEvent: Partial<Record<EventKind, number>>;
  /** Problems occupants reported through the QR API (not MQTT messages: not in `published`), by category. */
  perReport: Partial<Record<ReportableIncidentCategory, number>>;
  /** Ratings occupants gave on QR pages (HTTP, not in `published`). */
  qrRatings: number;
  elapsedSeconds: number;
  achievedRate: number;
  simulatedFrom: string;
  simulatedTo: string;
}

const TICK_MS = 10;
const DRAIN_MS = 5_000;

/** Sends the simulation's messages at `rate` per second until the duration is up or `stop` aborts, then waits for acknowledgements. */
export async function runSimulation(simulation: Simulation, publisher: Publisher, options: RunOptions): Promise<RunSummary> {
  const maxInFlight = options.maxInFlight ?? 1_000;
  const started = options.now();
  const perSignal: Partial<Record<Signal, number>> = {};
  const perEvent: Partial<Record<EventKind, number>> = {};
  const perReport: Partial<Record<ReportableIncidentCategory, number>> = {};
  let reporting = 0;
  let failedReports = 0;
  let qrRatings = 0;
  let sent = 0;
  let published = 0;
  let failed = 0;
  let firstError: Error | undefined;
  const simulatedFrom = options.clock.at(started);
  let simulatedTo = simulatedFrom;

  const stopped = () => options.stop?.aborted === true || (options.durationSeconds > 0 && options.now() - started >= options.durationSeconds * 1000);
  while (!stopped()) {
    const now = options.now();
    const budget = Math.min(Math.floor(((now - started) / 1000) * options.rate) - sent, maxInFlight - (sent - published - failed));
    if (budget > 0) {
      simulatedTo = options.clock.at(now);
      simulation.advance(simulatedTo);
      for (const message of simulation.take(budget)) {
        sent++;
        publisher.publish(message.topic, message.payload).then(
          () => {
            published++;
            if (message.kind) perEvent[message.kind] = (perEvent[message.kind] ?? 0) + 1;
            else perSignal[message.signal] = (perSignal[message.signal] ?? 0) + 1;
          },
          (error: Error) => {
            failed++;
            firstError ??= error;
          },
        );
      }
      // A few an hour, over HTTP: outside the message rate.
      for (const problem of simulation.takeReports()) {
        if (!options.reporter) continue;
        reporting++;
        options.reporter.report(problem).then(
          (sent) => {
            reporting--;
            if (sent) perReport[problem.category] = (perReport[problem.category] ?? 0) + 1;
          },
          (error: Error) => {
            reporting--;
            failedReports++;
            firstError ??= error;
          },
        );
      }
      for (const rating of simulation.takeRatings()) {
        if (!options.reporter) continue;
        reporting++;
        options.reporter.rate(rating).then(
          (sent) => {
            reporting--;
            if (sent) qrRatings++;
          },
          (error: Error) => {
            reporting--;
            failedReports++;
            firstError ??= error;
          },
        );
      }
    }
    await options.sleep(TICK_MS);
  }
  const drainUntil = options.now() + DRAIN_MS;
  while ((published + failed < sent || reporting > 0) && options.now() < drainUntil) await options.sleep(TICK_MS);
  if (firstError && published === 0) throw firstError;

  const elapsedSeconds = (options.now() - started) / 1000;
  return {
    published,
    failed: failed + failedReports,
    perSignal,
    perEvent,
    perReport,
    qrRatings,
    elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
    achievedRate: elapsedSeconds > 0 ? Math.round((published / elapsedSeconds) * 10) / 10 : 0,
    simulatedFrom: simulatedFrom.toISOString(),
    simulatedTo: simulatedTo.toISOString(),
  };
}

export interface BackfillOptions {
  /** Simulated time to stop at (now, for the demo). */
  until: Date;
  /** Simulated ms per step: what happened in a step is sent before the next one starts. */
  stepMs?: number;
  readings?: BackfillReadings;
  /** Messages sent but not yet acknowledged, at most: the service's pace sets the backfill's. */
  maxInFlight?: number;
  /** QR ratings in flight at most (HTTP requests). */
  maxRequests?: number;
  reporter?: ProblemReporter;
  stop?: AbortSignal;
  /** Told after each simulated day, with the simulated time reached. */
  progress?: (at: Date) => void;
}

export interface BackfillSummary {
  published: number;
  failed: number;
  qrRatings: number;
  /** Problem reports not sent: the QR API stamps a report on arrival, so a past one would land now. */
  reportsSkipped: number;
  simulatedFrom: string;
  simulatedTo: string;
}

const BACKFILL_STEP_MS = 5 * 60_000;

/**
 * Replays the simulation from its start up to `until` as fast as the service takes it, through the same
 * MQTT topics and QR API as live: every event and QR rating, and thinned readings (`readings`).
 */
export async function backfill(simulation: Simulation, publisher: Publisher, options: BackfillOptions): Promise<BackfillSummary> {
  const stepMs = options.stepMs ?? BACKFILL_STEP_MS;
  const plan = options.readings ?? BACKFILL_READINGS;
  const maxInFlight = options.maxInFlight ?? 2_000;
  const maxRequests = options.maxRequests ?? 16;
  const from = simulation.sites[0]?.now ?? options.until;
  let published = 0;
  let failed = 0;
  let qrRatings = 0;
  let reportsSkipped = 0;
  let firstError: Error | undefined;
  let inFlight = 0;
  let requests = 0;
  const waiters: Array<() => void> = [];
  const settle = () => waiters.splice(0).forEach((wake) => wake());
  const until = async (ready: () => boolean) => {
    while (!ready()) await new Promise<void>((resolve) => waiters.push(resolve));
  };

  let day = Math.floor(from.getTime() / 86_400_000);
  for (let t = from.getTime(); t < options.until.getTime() && options.stop?.aborted !== true; ) {
    t = Math.min(options.until.getTime(), t + stepMs);
    simulation.advance(new Date(t));
    reportsSkipped += simulation.takeReports().length;
    for (const rating of simulation.takeRatings()) {
      if (!options.reporter) continue;
      await until(() => requests < maxRequests);
      requests++;
      options.reporter.rate(rating).then(
        (sent) => {
          if (sent) qrRatings++;
        },
        (error: Error) => {
          failed++;
          firstError ??= error;
        },
      ).finally(() => {
        requests--;
        settle();
      });
    }
    for (const message of [...simulation.takeEvents(), ...simulation.readingsDue(plan)]) {
      await until(() => inFlight < maxInFlight);
      inFlight++;
      publisher.publish(message.topic, message.payload).then(
        () => published++,
        (error: Error) => {
          failed++;
          firstError ??= error;
        },
      ).finally(() => {
        inFlight--;
        settle();
      });
    }
    if (Math.floor(t / 86_400_000) !== day) {
      day = Math.floor(t / 86_400_000);
      options.progress?.(new Date(t));
    }
  }
  await until(() => inFlight === 0 && requests === 0);
  if (firstError && published === 0) throw firstError;
  return { published, failed, qrRatings, reportsSkipped, simulatedFrom: from.toISOString(), simulatedTo: (simulation.sites[0]?.now ?? options.until).toISOString() };
}

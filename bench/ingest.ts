/**
 * npm run bench:ingest [-- --messages 200000 --warmup 5000 --events 0.05 --publishers 4 --window 1000 --log-level warn --cpu-prof]
 *
 * Sensor ingest end to end: N readings published with QoS 1, as fast as the broker acknowledges
 * them, to a Mosquitto of the bench's own (the project's config/mosquitto/mosquitto.conf on a free
 * port), measured twice in the same run with the same messages: (a) the baseline, a bare mqtt.js
 * subscriber that only counts them, from the first publish to the last message received; (b) the
 * service, from the first publish to the moment its committed batches hold all N readings as new rows
 * in a fresh PostgreSQL database (the service child counts what insertReadings reports new, once
 * COMMIT has returned; the table is counted afterwards to check it).
 *
 * All of that runs twice, each time on a broker, database and service of its own: first with the ACL
 * on (Mosquitto with the dynamic security plugin, the service with MQTT_AUTH=on; the bench issues every
 * device its credential over POST /api/v1/devices/{site}.{device}/credentials, ADMIN_API_KEY made up
 * for the run, which the service pushes to the plugin), then with it off (anonymous Mosquitto,
 * MQTT_AUTH=off, devices without credentials). Prints one JSON line: the ACL-on run's figures at the
 * top level, the ACL-off run's key figures under `acl_off`, and what the ACL costs (`acl_cost_pct`).
 *
 * Layout: as bench/ratings.ts. This file is the driver (publishers, polling, run by tsx) and,
 * compiled by swc into a temporary folder (dist/ is left alone), also the two subscribers, each in a
 * child process of its own so the publishers never share an event loop with the subscriber under
 * test. Both subscribers connect with the broker's admin credential and use a persistent MQTT 5
 * session (a fixed client id, as the service runs in production), so the broker queues for them the
 * same way. They get distinct topic prefixes, so neither sees the other's messages; with the ACL on,
 * each device's client also gets a bench role allowing the baseline's prefix (the same ACLs as its
 * own role, deviceAcls), added on the plugin's control topic before the devices connect.
 *
 * Publishers: one MQTT connection per device with telemetry signals (with its own credential when the
 * ACL is on), publishing only that device's messages, so the broker checks each publish against
 * that device's ACL as in production.
 *
 * Messages: `{prefix}/{site}/{zone}/{device}/{signal}` with `{"value": v, "ts": <epoch ms>}` (and
 * the staff tag for cleaning_checkin), spread round-robin over every declared (device, signal) pair
 * of the contracts (rating excepted: it is not a telemetry signal), values inside the plausibility
 * ranges, people_count a rising counter. Each pair's readings are 1 s apart (less if N is large),
 * ending a few seconds before the run, so every message is a distinct reading (device, signal, ts).
 * A share of the messages (--events, 5 % by default; measured and warm-up alike) are service events
 * instead of readings: `{prefix}/{site}/{zone}/{device}/event` with `{"kind", "tag", "ts", "id"}`
 * (mostly check-ins, some refills with a consumable, a few inspections with a score), in place of
 * the reading of that slot (same device, same ts), each with an id of its own, spread evenly over
 * the pairs and so over the devices; they go through the service's spool like readings and are
 * stored in service_events. The service is done when it committed all the readings as new rows
 * and stored all the events as new ones (each counted in the child once their store returned).
 * A warm-up (its own older time window) runs first on each subscriber: it proves the subscription is
 * in place, lets V8 compile the hot paths and the service read its device directory.
 *
 * Figures: `published` is the measured messages the broker acknowledged (PUBACK), readings and
 * events (`readings_published`, `events_published`); `stored` the rows of the measured time window,
 * readings and service events (`readings_stored`, `events_stored`); `nothing_lost` that stored =
 * published for both; `duplicates` = count(*) - count(DISTINCT (device_id, signal, ts)) over the
 * readings plus count(*) - count(DISTINCT (client_id, event_id)) over the events (0 by the primary
 * keys, checked anyway); rates count all messages, readings and events; `peak_rss_mb` the service child's VmHWM (whole life,
 * start-up included; with the ACL on, also issuing the credentials: scrypt takes 16 MB a hash, which
 * the malloc arenas of libuv's threads keep, some 50 MB more than with the ACL off). Extras: phase times, the publishers' own rate, dead letters, the spool backlog
 * at the end, CPU of the service, the broker (also per message), the service's PostgreSQL backends and
 * the whole machine, and the service's ingest counters (batches, time in spool append, decode, insert).
 * `acl_off` repeats the key figures of the ACL-off run (baseline and service); `acl_cost_pct` is
 * 100 × (1 − service rate with the ACL / without), `acl_baseline_cost_pct` the same for the baseline,
 * `acl_broker_cpu_cost_pct` the share of the broker's CPU per message (service phase) that the ACL
 * adds; negative figures mean the ACL-on run was faster (noise, on a shared machine).
 *
 * Options, as flags or environment (flags win): --messages/BENCH_MESSAGES (N), --warmup/BENCH_WARMUP
 * (messages; 0 skips it), --publishers/BENCH_PUBLISHERS and --window/BENCH_WINDOW (together the
 * publishes kept unacknowledged in all, publishers × window, as with the shared publishing connections
 * this bench had before devices had identities: each device connection keeps ⌈publishers × window /
 * devices⌉, reported as `window`), --log-level/BENCH_LOG_LEVEL (the service's LOG_LEVEL; its
 * output is discarded), --contracts/BENCH_CONTRACTS_DIR, --cpu-prof (a V8 CPU profile of the service's
 * measured phase, one per run; their paths are printed on stderr), --events/BENCH_EVENTS (the share
 * of service events, 0 to 1; default 0.05, reported as `events_fraction`), --stall/BENCH_STALL_S (give up when
 * nothing moved for that long; default 30).
 * DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test);
 * BENCH_KEEP_DB=1 keeps the bench's databases. BENCH_MOSQUITTO names the broker binary (default
 * /usr/sbin/mosquitto; the ACL-on run needs mosquitto_ctrl and the dynamic security plugin). The
 * project config queues at most 1,000,000 messages per session: keep N + warm-up below that, or the
 * broker drops what the service cannot take fast enough.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import { DynsecClient } from '../src/platform/mqtt/dynsec-client';
import { CONSUMABLES } from '../src/operations/service-event';
import { deviceAcls, deviceTopicBase } from '../src/platform/mqtt/device-topics';
import { cpuTicks, forkRole, measuredPhaseProfiler, MOSQUITTO_BINARY, procStatusMb, ROOT, round, startMosquitto, childStats, stopChild, timeQueries } from './support';

const QUEUE_LIMIT = 1_000_000;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
const wallMs = () => performance.timeOrigin + performance.now();

type Role = 'service' | 'baseline';
/** `expect`: the baseline waits for `count` messages; the service for `count` new readings and `events` new service events. */
type ToChild = { type: 'stats-reset' } | { type: 'stats' } | { type: 'expect'; count: number; events?: number } | { type: 'stop' };
interface Timing {
  n: number;
  ms: number;
}
interface ChildStats {
  cpuMs: number;
  received: number;
  loopDelayP99Ms: number;
  heapUsedMb: number;
  /** The heap after a full collection: what is really kept, as opposed to garbage not yet collected. */
  heapLiveMb: number;
  /** Service only: the ingest path, by stage. */
  ingest?: {
    append: Timing;
    batches: number;
    rows: number;
    maxBatch: number;
    /** Service events stored as new rows, and ServiceEventsService.store (insert, then incidents they resolve), per batch with events. */
    events: number;
    eventsStore: Timing;
    /** Spool read + decode + insert + checkpoint, per batch. */
    read: Timing;
    prepare: Timing;
    insert: Timing;
    commit: Timing;
    queries: Record<string, Timing>;
    backlogBytes: number;
  };
}
type FromChild =
  /** Started; the service also says on which HTTP port it listens (the driver issues device credentials there). */
  | { type: 'ready'; port?: number }
  | ({ type: 'stats' } & ChildStats)
  /** The subscriber reached the expected count (baseline: messages received; service: new rows committed): when. */
  | { type: 'reached'; at: number }
  | { type: 'failed'; message: string };

// ---------------------------------------------------------------- subscribers (child processes)

/** Heap in use after a forced full GC (at the end of the measured phase only: the collection itself takes a while). */
function liveHeapMb(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function subscribe(role: Role): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const timing = (): Timing => ({ n: 0, ms: 0 });
  const freshIngest = () => ({
    append: timing(),
    batches: 0,
    rows: 0,
    maxBatch: 0,
    events: 0,
    eventsStore: timing(),
    read: timing(),
    prepare: timing(),
    insert: timing(),
    commit: timing(),
    queries: {} as Record<string, Timing>,
    backlogBytes: 0,
  });
  const fresh = () => ({ cpu: process.cpuUsage(), received: 0, stored: 0, ingest: freshIngest() });
  let stats = fresh();
  let expected = Infinity;
  let expectedEvents = 0;
  // What `expect` waits for: the baseline counts messages; the service counts new reading rows once
  // insertReadings returned (committed), and new service events once their store (insert, then the
  // incidents they resolve) returned.
  const reachedNow = () => (role === 'baseline' ? stats.received >= expected : stats.stored >= expected && stats.ingest.events >= expectedEvents);
  const checkReached = () => {
    if (!reachedNow()) return;
    send({ type: 'reached', at: wallMs() });
    expected = Infinity;
  };
  let close: () => Promise<void>;
  let backlogBytes = () => 0;
  /** Service: new events of the batch being stored, counted once its ServiceEventsService.store returned. */
  let eventsPending = 0;
  let port: number | undefined;

  /** Wraps prototype[name] so its calls (sync or async) add to the timing picked by `into`. */
  const instrument = (prototype: object, name: string, into: () => Timing, after?: (args: unknown[], result: unknown) => void) => {
    const target = prototype as Record<string, (...args: unknown[]) => unknown>;
    const original = target[name];
    if (typeof original !== 'function') throw new Error(`bench: ${name} is not a method to instrument`);
    target[name] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      const done = (value: unknown) => {
        const t = into();
        t.n += 1;
        t.ms += performance.now() - start;
        after?.(args, value);
      };
      const result = original.apply(this, args);
      if (!(result instanceof Promise)) {
        done(result);
        return result;
      }
      return (result as Promise<unknown>).then(
        (value) => {
          done(value);
          return value;
        },
        (error: unknown) => {
          done(undefined);
          throw error;
        },
      );
    };
  };

  if (role === 'baseline') {
    const client = await mqtt.connectAsync(process.env.BENCH_MQTT_URL!, {
      clientId: process.env.BENCH_CLIENT_ID,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 0,
    });
    client.on('message', () => {
      stats.received += 1;
      checkReached();
    });
    await client.subscribeAsync(`${process.env.BENCH_TOPIC_PREFIX}/#`, { qos: 1 });
    close = () => client.endAsync();
  } else {
    await import('reflect-metadata');
    const { createApp } = await import('../src/app');
    const { loadConfig } = await import('../src/platform/config/app-config');
    const { Spool } = await import('../src/telemetry/spool');
    const { IngestService } = await import('../src/telemetry/ingest.service');
    const { TelemetryRepository } = await import('../src/telemetry/telemetry.repository');
    const { MqttBacklog } = await import('../src/platform/mqtt/mqtt-backlog');
    const { ServiceEventsService } = await import('../src/operations/service-events.service');
    const { ServiceEventsRepository } = await import('../src/operations/service-events.repository');
    // Bench-only instrumentation of the ingest path, without touching the service.
    instrument(Spool.prototype, 'append', () => stats.ingest.append, () => (stats.received += 1));
    instrument(Spool.prototype, 'read', () => stats.ingest.read);
    instrument(Spool.prototype, 'commit', () => stats.ingest.commit);
    instrument(IngestService.prototype, 'prepare', () => stats.ingest.prepare, (args) => {
      const n = (args[0] as unknown[]).length;
      stats.ingest.batches += 1;
      stats.ingest.maxBatch = Math.max(stats.ingest.maxBatch, n);
    });
    instrument(TelemetryRepository.prototype, 'insertReadings', () => stats.ingest.insert, (args, stored) => {
      stats.ingest.rows += (args[0] as { length: number }).length;
      stats.stored += typeof stored === 'number' ? stored : 0;
      checkReached();
    });
    // Events: new rows as the insert reports them, counted as stored once the sink's store returned
    // (the ingest loop stores one batch at a time, so what is pending is that batch's; a batch inserted
    // before stats-reset whose store returns after it is the previous phase's: the reset clears it).
    instrument(ServiceEventsRepository.prototype, 'insert', () => timing(), (_args, stored) => (eventsPending += stored instanceof Set ? stored.size : 0));
    instrument(ServiceEventsService.prototype, 'store', () => stats.ingest.eventsStore, () => {
      stats.ingest.events += eventsPending;
      eventsPending = 0;
      checkReached();
    });
    await timeQueries(() => stats.ingest.queries);
    const app = await createApp(loadConfig(process.env), { bufferLogs: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const backlog = app.get(MqttBacklog);
    backlogBytes = () => backlog.bytes();
    port = Number(new URL(await app.getUrl()).port);
    close = () => app.close();
  }

  // --cpu-prof: from stats-reset to stats.
  const profile = measuredPhaseProfiler(process.env.BENCH_CPU_PROFILE);

  process.on('message', (message: ToChild) => {
    if (message.type === 'stats-reset') {
      stats = fresh();
      eventsPending = 0;
      loopDelay.reset();
      profile.start();
    } else if (message.type === 'expect') {
      expected = message.count;
      expectedEvents = message.events ?? 0;
      checkReached();
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage(stats.cpu);
      const reply: FromChild = {
        type: 'stats',
        cpuMs: (cpu.user + cpu.system) / 1000,
        received: stats.received,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
        heapLiveMb: liveHeapMb(),
        ...(role === 'service' ? { ingest: { ...stats.ingest, backlogBytes: backlogBytes() } } : {}),
      };
      profile.finish(() => send(reply));
    } else if (message.type === 'stop') {
      void close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', port });
}

// ---------------------------------------------------------------- driver

interface Options {
  messages: number;
  warmup: number;
  publishers: number;
  window: number;
  logLevel: string;
  contractsDir: string;
  cpuProf: boolean;
  stallMs: number;
  /** The share of the messages (measured and warm-up) that are service events instead of readings. */
  events: number;
  databaseUrl: string;
  mosquitto: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      warmup: { type: 'string' },
      publishers: { type: 'string' },
      window: { type: 'string' },
      'log-level': { type: 'string' },
      contracts: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      stall: { type: 'string' },
      events: { type: 'string' },
    },
  });
  const env = process.env;
  const num = (flag: string | undefined, fromEnv: string | undefined, fallback: number, name: string, min = 0) => {
    const value = Number(flag ?? fromEnv ?? fallback);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name}: expected a whole number of at least ${min}, got "${flag ?? fromEnv}"`);
    return value;
  };
  const fraction = (flag: string | undefined, fromEnv: string | undefined, fallback: number, name: string) => {
    const raw = flag ?? fromEnv;
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name}: expected a fraction from 0 to 1, got "${raw}"`);
    return value;
  };
  return {
    messages: num(values.messages, env.BENCH_MESSAGES, 200_000, 'messages', 1),
    warmup: num(values.warmup, env.BENCH_WARMUP, 5_000, 'warmup'),
    publishers: num(values.publishers, env.BENCH_PUBLISHERS, 4, 'publishers', 1),
    window: num(values.window, env.BENCH_WINDOW, 1_000, 'window', 1),
    logLevel: values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'warn',
    contractsDir: resolve(values.contracts ?? env.BENCH_CONTRACTS_DIR ?? join(ROOT, 'config', 'contracts')),
    cpuProf: values['cpu-prof'] ?? false,
    stallMs: 1000 * num(values.stall, env.BENCH_STALL_S, 30, 'stall', 1),
    events: fraction(values.events, env.BENCH_EVENTS, 0.05, 'events'),
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    mosquitto: env.BENCH_MOSQUITTO || MOSQUITTO_BINARY,
  };
}

/** A subscriber child: forked from the compiled copy of this file, answering over IPC. */
class Subscriber {
  private constructor(
    private readonly child: ChildProcess,
    /** The service's HTTP port. */
    readonly port: number | undefined,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static start(compiled: string, role: Role, env: Record<string, string>): Promise<Subscriber> {
    return forkRole<FromChild>(compiled, role, env, 'ready').then(({ child, ready }) => new Subscriber(child, ready.type === 'ready' ? ready.port : undefined));
  }

  resetStats(): void {
    this.child.send({ type: 'stats-reset' } satisfies ToChild);
  }

  /** Resolves with the time the subscriber had received `count` messages (service: stored `count` readings and `events` service events) since the last reset. */
  reached(count: number, events = 0): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (message: FromChild) => {
        if (message.type !== 'reached') return;
        this.child.off('message', onMessage);
        resolve(message.at);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'expect', count, events } satisfies ToChild);
    });
  }

  stats(): Promise<ChildStats> {
    return childStats<FromChild>(this.child);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// ---------------------------------------------------------------- messages

interface Pair {
  path: string;
  signal: string;
  /** Index of its device in the run's device list: whose connection publishes it. */
  device: number;
}

/** A plausible value for the k-th reading of a pair (inside SIGNAL_SPECS ranges). */
function valueOf(signal: string, k: number, pair: number): number {
  const wave = (k * 7919 + pair * 104_729) % 1000; // 0..999, deterministic, spread
  switch (signal) {
    case 'people_count':
      return 1000 * pair + 3 * k + (wave % 3); // a rising counter
    case 'visits':
      return wave % 25;
    case 'soap_level':
    case 'paper_level':
    case 'bin_fill':
    case 'battery':
      return round(wave / 10);
    case 'humidity':
      return round(30 + (wave * 40) / 1000);
    case 'co2':
      return round(400 + (wave * 1600) / 1000);
    case 'temperature':
      return round(18 + (wave * 8) / 1000);
    case 'pm2_5':
      return round((wave * 50) / 1000);
    case 'tvoc':
      return wave;
    case 'noise_db':
      return round(30 + (wave * 50) / 1000);
    case 'leak':
      return 0;
    case 'cleaning_checkin':
      return 1;
    default:
      throw new Error(`bench: no plausible values for signal ${signal}`);
  }
}

/** The fractional part of i × an irrational: a low-discrepancy sequence, evenly spread and not periodic in the pair count. */
const spread = (i: number, alpha: number) => ((i + 1) * alpha) % 1;
const GOLDEN = 0.6180339887498949;
const PLASTIC = 0.7548776662466927;

/** Whether message i of a phase is a service event rather than a reading: a share `fraction` of them, spread over every pair (and so every device). */
const isEvent = (i: number, fraction: number) => fraction > 0 && spread(i, GOLDEN) < fraction;

/** How many of a phase's messages are service events. */
function eventCount(phase: Phase): number {
  let n = 0;
  for (let i = 0; i < phase.count; i++) if (isEvent(i, phase.events)) n += 1;
  return n;
}

/**
 * The i-th message of a phase: pairs round-robin, the k-th reading of a pair at end - (rounds - k) × step.
 * Warm-up and measured phases get windows of their own (end), so their rows never collide. A share of
 * them (phase.events) are service events of the pair's device instead, on `…/{device}/event` at the
 * reading's time: mostly check-ins, some refills, a few inspections, each with an id of its own
 * (the phase's random prefix and i: the same message when published again, as the warm-up probe is).
 */
function messageAt(pairs: Pair[], prefix: string, i: number, phase: Phase): [string, string] {
  const p = i % pairs.length;
  const k = Math.floor(i / pairs.length);
  const { path, signal } = pairs[p];
  const ts = phase.end - (phase.rounds - k) * phase.stepMs;
  if (isEvent(i, phase.events)) {
    const id = `${phase.idPrefix}-${i.toString(16).padStart(12, '0')}`;
    const u = spread(i, PLASTIC);
    const kind = u < 0.8 ? '"checkin"' : u < 0.95 ? `"refill","consumable":"${CONSUMABLES[i % CONSUMABLES.length]}"` : `"inspection","score":${i % 101}`;
    return [`${prefix}/${path}/event`, `{"kind":${kind},"tag":"staff-${k % 40}","ts":${ts},"id":"${id}"}`];
  }
  const tag = signal === 'cleaning_checkin' ? `,"tag":"staff-${k % 40}"` : '';
  return [`${prefix}/${path}/${signal}`, `{"value":${valueOf(signal, k, p)},"ts":${ts}${tag}}`];
}

interface Phase {
  count: number;
  end: number;
  rounds: number;
  stepMs: number;
  /** The share of the phase's messages that are service events. */
  events: number;
  /** The first three groups of its events' ids (a version 4, variant 10 UUID's), random per phase. */
  idPrefix: string;
}

/** A random `xxxxxxxx-xxxx-4xxx-8xxx` (the rest of a UUID is the message's index). */
function eventIdPrefix(): string {
  const hex = randomBytes(9).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-8${hex.slice(15, 18)}`;
}

/** Time windows: the measured one ends 5 s ago; the warm-up's ends before it starts. At most 100 h back in all. */
function phases(pairs: number, measured: number, warmup: number, events: number): { measured: Phase; warmup: Phase } {
  const roundsM = Math.ceil(measured / pairs);
  const roundsW = Math.ceil(warmup / pairs);
  const stepMs = Math.max(1, Math.min(1000, Math.floor((100 * 3600_000) / (roundsM + roundsW + 1))));
  const end = Date.now() - 5_000;
  return {
    measured: { count: measured, end, rounds: roundsM, stepMs, events, idPrefix: eventIdPrefix() },
    warmup: { count: warmup, end: end - roundsM * stepMs, rounds: roundsW, stepMs, events, idPrefix: eventIdPrefix() },
  };
}

interface Published {
  acked: number;
  /** Of which service events (topics ending in /event). */
  eventsAcked: number;
  failed: number;
  firstAt: number;
  lastAckAt: number;
}

/** A publishing connection: one device's, with its own credential (ACL on) or anonymous (ACL off). */
interface Publisher {
  client: MqttClient;
  /** The indexes of the device's pairs, ascending: the messages this connection publishes. */
  pairs: number[];
}

/**
 * Publishes a phase with QoS 1, each message over its device's connection, each connection keeping
 * `window` publishes unacknowledged. Message i is pair i mod P's, so a device's messages are, in
 * order, k × P + (each of its pairs) for rounds k = 0, 1, …
 */
async function publish(publishers: Publisher[], pairCount: number, window: number, phase: Phase, message: (i: number) => [string, string]): Promise<Published> {
  const out: Published = { acked: 0, eventsAcked: 0, failed: 0, firstAt: wallMs(), lastAckAt: 0 };
  await Promise.all(
    publishers.map(
      ({ client, pairs }) =>
        new Promise<void>((resolve) => {
          // The next message: round k, j-th pair of this device.
          let k = 0;
          let j = 0;
          const next = () => k * pairCount + pairs[j];
          let inFlight = 0;
          const pump = () => {
            while (inFlight < window && next() < phase.count) {
              const [topic, payload] = message(next());
              if (++j === pairs.length) [j, k] = [0, k + 1];
              inFlight += 1;
              client.publish(topic, payload, { qos: 1 }, (error) => {
                inFlight -= 1;
                if (error) out.failed += 1;
                else {
                  out.acked += 1;
                  if (topic.endsWith('/event')) out.eventsAcked += 1;
                }
                out.lastAckAt = wallMs();
                pump();
              });
            }
            if (inFlight === 0 && next() >= phase.count) resolve();
          };
          pump();
        }),
    ),
  );
  return out;
}

// ---------------------------------------------------------------- measuring helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU ms of a process so far, from /proc (Linux); 0 when unreadable. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM); 0 when unreadable. */

/** CPU of the processes measured around one phase: the service or baseline child, the broker, PostgreSQL backends. */
class CpuMeter {
  private readonly start: Map<number, number>;
  private readonly ticks = cpuTicks();
  private readonly at = performance.now();
  private readonly driver = process.cpuUsage();

  constructor(private readonly groups: Record<string, number[]>) {
    this.start = new Map(Object.values(groups).flat().map((pid) => [pid, processCpuMs(pid)]));
  }

  /** Processes that appeared during the phase (a pool connection opened late, say): all their CPU is the phase's. */
  add(group: string, pids: number[]): void {
    for (const pid of pids) {
      if (this.start.has(pid)) continue;
      this.start.set(pid, 0);
      this.groups[group].push(pid);
    }
  }

  /** Percent of one core per group, plus the driver and the whole machine (percent of all cores). */
  read(): Record<string, number | null> {
    const wall = performance.now() - this.at;
    const out: Record<string, number | null> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      out[`${name}_cpu_pct`] = round((100 * pids.reduce((sum, pid) => sum + processCpuMs(pid) - (this.start.get(pid) ?? 0), 0)) / wall);
    }
    const driver = process.cpuUsage(this.driver);
    out.driver_cpu_pct = round((100 * (driver.user + driver.system)) / 1000 / wall);
    const after = cpuTicks();
    out.machine_busy_pct = this.ticks && after ? round((100 * (after.busy - this.ticks.busy)) / (after.total - this.ticks.total)) : null;
    return out;
  }
}

/** Polls `count` (every 100 ms by default) until it reaches `target` or stops moving for stallMs (then `at` is NaN), or until aborted. */
async function pollCount(
  count: () => Promise<number>,
  target: number,
  stallMs: number,
  { everyMs = 100, signal }: { everyMs?: number; signal?: AbortSignal } = {},
): Promise<{ n: number; at: number }> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const n = await count();
    const at = wallMs();
    if (n >= target) return { n, at };
    if (n !== last) [last, movedAt] = [n, Date.now()];
    else if (Date.now() - movedAt > stallMs || signal?.aborted) return { n, at: NaN };
    await sleep(everyMs);
  }
}

/** A device with telemetry signals, and the MQTT username its credential has. */
interface BenchDevice {
  site: string;
  zone: string;
  key: string;
  username: string;
}

/**
 * Issues every device a credential over the service's HTTP API (which pushes it to Mosquitto's
 * dynamic security plugin): username → secret. One at a time, as an installer would.
 */
async function issueCredentials(port: number, apiKey: string, devices: BenchDevice[]): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const { username } of devices) {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/devices/${encodeURIComponent(username)}/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rotate: true }),
    });
    if (response.status !== 201) throw new Error(`issuing the credential of ${username}: HTTP ${response.status} ${await response.text()}`);
    const issued = (await response.json()) as { username: string; secret: string };
    secrets.set(issued.username, issued.secret);
  }
  return secrets;
}

/**
 * Lets each device also publish under the baseline's prefix: a bench role per device, the same ACLs
 * as the service's role for it (deviceAcls) with the other prefix. The service's sync leaves roles it
 * does not know alone. Added before the devices connect (the plugin disconnects a client whose roles change).
 */
async function grantBaselineTopics(adminUrl: string, prefix: string, devices: BenchDevice[]): Promise<void> {
  const dynsec = new DynsecClient(adminUrl, 'xla-bench');
  try {
    const commands = devices.flatMap(({ site, zone, key, username }) => [
      { command: 'createRole', rolename: `bench-baseline:${username}`, acls: deviceAcls(deviceTopicBase(prefix, site, zone, key)) },
      { command: 'addClientRole', username, rolename: `bench-baseline:${username}` },
    ]);
    const failed = (await dynsec.send(commands)).filter((r) => r.error);
    if (failed.length) throw new Error(`dynamic security: ${failed.map((r) => `${r.command}: ${r.error}`).join('; ')}`);
  } finally {
    await dynsec.close();
  }
}

/** One connection per device: with its credential when `secrets` has one, anonymous otherwise (ACL off). */
async function connectDevices(url: string, devices: BenchDevice[], pairs: Pair[], secrets?: Map<string, string>): Promise<Publisher[]> {
  return Promise.all(
    devices.map(async ({ username }, d) => {
      const credential = secrets ? { username, password: secrets.get(username) } : {};
      const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clean: true, ...credential });
      return { client, pairs: pairs.flatMap((pair, p) => (pair.device === d ? [p] : [])) };
    }),
  );
}

// ---------------------------------------------------------------- main

type Figures = Record<string, unknown>;

/**
 * One measured run, on a broker, database and service of its own: with the ACL (Mosquitto with the
 * dynamic security plugin, MQTT_AUTH=on, each device with its credential) or without (anonymous
 * Mosquitto, MQTT_AUTH=off, devices anonymous). The baseline, then the service, as the header says.
 */
async function measure(opts: Options, compiled: string, work: string, run: string, acl: boolean): Promise<Figures> {
  const label = acl ? 'on' : 'off';
  const dir = join(work, `acl-${label}`);
  const dbName = `xla_bench_${run}_acl_${label}`;
  const dbUrl = new URL(opts.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const children: Subscriber[] = [];
  let broker: Awaited<ReturnType<typeof startMosquitto>> | undefined;
  let publishers: Publisher[] = [];
  let db: Client | undefined;
  let created = false;
  const profilePath = join(work, `service-acl-${label}.cpuprofile`);
  try {
    const brokerDir = join(dir, 'mosquitto');
    mkdirSync(brokerDir, { recursive: true });
    broker = await startMosquitto(opts.mosquitto, brokerDir, {}, { anonymous: !acl });

    const admin = new Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    created = true;
    await admin.end();

    // The service first: it loads the contracts, whose devices and signals the messages are for.
    const servicePrefix = `bench-${run}/svc`;
    const apiKey = randomBytes(24).toString('base64url');
    const service = await Subscriber.start(compiled, 'service', {
      DATABASE_URL: dbUrl.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      CONTRACTS_DIR: opts.contractsDir,
      LOG_LEVEL: opts.logLevel,
      MQTT_URL: broker.url,
      MQTT_AUTH: acl ? 'on' : 'off',
      MQTT_CLIENT_ID: `xla-bench-${run}`,
      MQTT_TOPIC_PREFIX: servicePrefix,
      ADMIN_API_KEY: apiKey,
      ...(opts.cpuProf ? { BENCH_CPU_PROFILE: profilePath } : {}),
    });
    children.push(service);
    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const { rows } = await db.query<{ site: string; zone: string; key: string; signals: string[] }>(
      `SELECT s.key AS site, z.key AS zone, d.key, d.signals
       FROM devices d JOIN zones z ON z.id = d.zone_id JOIN sites s ON s.id = d.site_id
       WHERE d.retired_at IS NULL AND z.retired_at IS NULL AND s.retired_at IS NULL ORDER BY 1, 2, 3`,
    );
    const telemetry = rows.map((row) => ({ ...row, signals: row.signals.filter((s) => s !== 'rating') })).filter((row) => row.signals.length);
    const devices: BenchDevice[] = telemetry.map(({ site, zone, key }) => ({ site, zone, key, username: `${site}.${key}` }));
    const pairs: Pair[] = telemetry.flatMap(({ site, zone, key, signals }, device) => signals.map((signal) => ({ path: `${site}/${zone}/${key}`, signal, device })));
    if (!pairs.length) throw new Error(`no devices with telemetry signals in ${opts.contractsDir}`);
    const windows = phases(pairs.length, opts.messages, opts.warmup, opts.events);
    const messages = (prefix: string, phase: Phase) => (i: number) => messageAt(pairs, prefix, i, phase);
    // Of the measured messages, this many are service events, the rest readings.
    const eventsExpected = eventCount(windows.measured);
    const readingsExpected = opts.messages - eventsExpected;
    const basePrefix = `bench-${run}/base`;
    // Devices publish on connections of their own: ACL on, each with the credential the service issued it.
    let secrets: Map<string, string> | undefined;
    if (acl) {
      secrets = await issueCredentials(service.port!, apiKey, devices);
      await grantBaselineTopics(broker.url, basePrefix, devices);
    }
    publishers = await connectDevices(broker.deviceUrl, devices, pairs, secrets);
    // The total in flight stays publishers × window, spread over the device connections.
    const window = Math.max(1, Math.ceil((opts.publishers * opts.window) / publishers.length));
    const publishPhase = (phase: Phase, message: (i: number) => [string, string]) => publish(publishers, pairs.length, window, phase, message);

    // (a) Baseline: a bare mqtt.js subscriber that counts, same messages under a prefix of its own.
    const baseline = await Subscriber.start(compiled, 'baseline', { BENCH_MQTT_URL: broker.url, BENCH_CLIENT_ID: `xla-bench-${run}-base`, BENCH_TOPIC_PREFIX: basePrefix });
    children.push(baseline);
    if (opts.warmup > 0) {
      const warmed = baseline.reached(opts.warmup);
      await publishPhase(windows.warmup, messages(basePrefix, windows.warmup));
      await warmed;
    }
    baseline.resetStats();
    const baseMeter = new CpuMeter({ baseline: [baseline.pid], broker: [broker.pid] });
    const baseReached = baseline.reached(opts.messages);
    const basePublished = await publishPhase(windows.measured, messages(basePrefix, windows.measured));
    // Give up on the baseline's count when nothing more arrives (it is NaN then, and so are its rates).
    let baseTimer: NodeJS.Timeout | undefined;
    const baseLastAt = await Promise.race([baseReached, new Promise<number>((resolve) => (baseTimer = setTimeout(() => resolve(NaN), opts.stallMs)))]);
    clearTimeout(baseTimer);
    const baseCpu = baseMeter.read();
    const baseStats = await baseline.stats();
    const basePeakRss = procStatusMb(baseline.pid, 'VmHWM');
    await baseline.stop();

    // (b) The service: the same messages under its prefix, until the readings table holds them all.
    const measuredFrom = new Date(windows.measured.end - windows.measured.rounds * windows.measured.stepMs).toISOString();
    // Readings and service events stored (since `from`; all when null).
    const countWindow = async (from: string | null) =>
      Number(
        (
          await db!.query<{ n: string }>(
            `SELECT (SELECT count(*) FROM readings WHERE $1::timestamptz IS NULL OR ts >= $1) + (SELECT count(*) FROM service_events WHERE $1::timestamptz IS NULL OR ts >= $1) AS n`,
            [from],
          )
        ).rows[0].n,
      );
    // The subscription is in place once a message gets through: the first warm-up message, again until one is stored.
    const warmupMessages = messages(servicePrefix, windows.warmup);
    if (opts.warmup > 0) {
      const [topic, payload] = warmupMessages(0);
      for (let tries = 0; (await countWindow(null)) === 0; tries++) {
        if (tries > 100) throw new Error('the service stored nothing of the warm-up in 20 s');
        await publishers[pairs[0].device].client.publishAsync(topic, payload, { qos: 1 });
        await sleep(200);
      }
      await publishPhase(windows.warmup, warmupMessages);
      const warmed = await pollCount(() => countWindow(null), opts.warmup, opts.stallMs);
      if (Number.isNaN(warmed.at)) throw new Error(`the service stored ${warmed.n} of ${opts.warmup} warm-up readings and events`);
    }
    const backendPids = async () =>
      (await db!.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName])).rows.map((r) => r.pid);
    service.resetStats();
    const rssStart = procStatusMb(service.pid, 'VmRSS');
    let rssMax = rssStart;
    const meter = new CpuMeter({ service: [service.pid], broker: [broker.pid], db: await backendPids() });
    const rssSampler = setInterval(() => (rssMax = Math.max(rssMax, procStatusMb(service.pid, 'VmRSS'))), 100);
    // The service says when its committed batches hold all the new reading rows (counted after COMMIT
    // returned) and all the new service events (counted once their store returned); the tables are
    // counted only to notice a stall, every 2 s, since count(*) takes CPU from the machine under test.
    const committed = service.reached(readingsExpected, eventsExpected);
    const published = await publishPhase(windows.measured, messages(servicePrefix, windows.measured));
    const watchdog = new AbortController();
    const reached = await Promise.race([
      committed.then((at) => ({ at })),
      pollCount(() => countWindow(measuredFrom), Infinity, opts.stallMs, { everyMs: 2_000, signal: watchdog.signal }),
    ]);
    watchdog.abort();
    clearInterval(rssSampler);
    meter.add('db', await backendPids());
    const serviceCpu = meter.read();
    const serviceStats = await service.stats();
    const peakRss = procStatusMb(service.pid, 'VmHWM');
    const { rows: check } = await db.query<{ n: string; distinct_keys: string }>(
      'SELECT count(*) AS n, count(DISTINCT (device_id, signal, ts)) AS distinct_keys FROM readings WHERE ts >= $1',
      [measuredFrom],
    );
    const { rows: eventCheck } = await db.query<{ n: string; distinct_keys: string }>(
      'SELECT count(*) AS n, count(DISTINCT (client_id, event_id)) AS distinct_keys FROM service_events WHERE ts >= $1',
      [measuredFrom],
    );
    const { rows: dead } = await db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters');

    const baseSeconds = (baseLastAt - basePublished.firstAt) / 1000;
    const serviceSeconds = (reached.at - published.firstAt) / 1000;
    const baselinePerS = opts.messages / baseSeconds;
    const servicePerS = opts.messages / serviceSeconds;
    const readingsStored = Number(check[0].n);
    const eventsStored = Number(eventCheck[0].n);
    // Everything stored, readings and events: all that was published when nothing was lost.
    const storedRows = readingsStored + eventsStored;
    const duplicates = readingsStored - Number(check[0].distinct_keys) + eventsStored - Number(eventCheck[0].distinct_keys);
    const readingsPublished = published.acked - published.eventsAcked;
    const nothingLost = readingsStored === readingsPublished && eventsStored === published.eventsAcked;
    const ingest = serviceStats.ingest!;
    const avg = (t: Timing, digits = 1) => (t.n ? round(t.ms / t.n, digits) : 0);
    const perMsgUs = (ms: number) => round((1000 * ms) / Math.max(1, serviceStats.received), 2);
    // The broker's CPU per message in a phase (its percent of one core over the phase's wall time).
    const brokerUsPerMsg = (cpuPct: number | null, seconds: number) => (cpuPct === null || !Number.isFinite(seconds) ? null : round((cpuPct * 1e4 * seconds) / opts.messages, 2));
    if (opts.cpuProf) process.stderr.write(`CPU profile of the service's measured phase, ACL ${label}: ${profilePath}\n`);
    return {
      baseline_msgs_per_s: Number.isFinite(baselinePerS) ? Math.round(baselinePerS) : null,
      service_msgs_per_s: Number.isFinite(servicePerS) ? Math.round(servicePerS) : null,
      ratio: Number.isFinite(servicePerS / baselinePerS) ? round(servicePerS / baselinePerS, 3) : null,
      published: published.acked,
      stored: storedRows,
      duplicates,
      peak_rss_mb: round(peakRss),
      target_met: servicePerS >= 20_000 && servicePerS / baselinePerS >= 0.6 && nothingLost && duplicates === 0 && peakRss <= 300,
      // Readings and service events apart (stored: rows of the measured window; nothing_lost: stored = published for both).
      readings_published: readingsPublished,
      readings_stored: readingsStored,
      events_published: published.eventsAcked,
      events_stored: eventsStored,
      nothing_lost: nothingLost,
      // Extras.
      messages: opts.messages,
      publish_failed: published.failed,
      baseline_received: baseStats.received,
      baseline_s: round(baseSeconds, 2),
      service_s: round(serviceSeconds, 2),
      // How fast the broker took the messages (last PUBACK), in each phase.
      publish_msgs_per_s: Math.round(opts.messages / ((published.lastAckAt - published.firstAt) / 1000)),
      baseline_publish_msgs_per_s: Math.round(opts.messages / ((basePublished.lastAckAt - basePublished.firstAt) / 1000)),
      // Seconds the service needed after the last message was acknowledged by the broker.
      service_tail_s: round((reached.at - published.lastAckAt) / 1000, 2),
      dead_letters: Number(dead[0].n),
      backlog_bytes_at_end: ingest.backlogBytes,
      rss_at_start_mb: round(rssStart),
      rss_max_sampled_mb: round(rssMax),
      heap_used_mb_at_end: round(serviceStats.heapUsedMb),
      heap_live_mb_at_end: round(serviceStats.heapLiveMb),
      baseline_peak_rss_mb: round(basePeakRss),
      ...serviceCpu,
      baseline_cpu_pct: baseCpu.baseline_cpu_pct,
      baseline_broker_cpu_pct: baseCpu.broker_cpu_pct,
      // CPU time per message, steadier than rates on a shared machine.
      service_cpu_us_per_msg: perMsgUs(serviceStats.cpuMs),
      baseline_cpu_us_per_msg: round((1000 * baseStats.cpuMs) / Math.max(1, baseStats.received), 2),
      broker_cpu_us_per_msg: brokerUsPerMsg(serviceCpu.broker_cpu_pct, serviceSeconds),
      baseline_broker_cpu_us_per_msg: brokerUsPerMsg(baseCpu.broker_cpu_pct, baseSeconds),
      service_loop_delay_p99_ms: round(serviceStats.loopDelayP99Ms),
      batches: ingest.batches,
      avg_batch: ingest.batches ? round(ingest.rows / ingest.batches) : 0,
      max_batch: ingest.maxBatch,
      // Service events: stored as new (the service child's count) and ServiceEventsService.store (insert + incidents) per batch with events.
      events_new_counted: ingest.events,
      events_store_ms_per_batch: avg(ingest.eventsStore, 2),
      // Wall time per message in the MQTT handler's spool append (synchronous, on the event loop).
      append_us_per_msg: perMsgUs(ingest.append.ms),
      // Per batch: spool read, store (decode + insert + dead letters), of which insert, then the checkpoint.
      read_ms_per_batch: avg(ingest.read, 2),
      // Decode, directory and counters per batch; the insert runs after it, overlapping the next batch's prepare.
      prepare_ms_per_batch: avg(ingest.prepare),
      insert_ms_per_batch: avg(ingest.insert),
      commit_ms_per_batch: avg(ingest.commit, 2),
      query_avg_ms: Object.fromEntries(Object.entries(ingest.queries).map(([name, q]) => [name, `${q.n}× ${round(q.ms / q.n)}`])),
      // One publishing connection per device, each with `window` publishes unacknowledged.
      device_connections: publishers.length,
      window,
      pairs: pairs.length,
    };
  } finally {
    await db?.end().catch(() => undefined);
    await Promise.all(publishers.map((p) => p.client.endAsync().catch(() => undefined)));
    for (const child of children) await child.stop();
    await broker?.stop();
    if (created && process.env.BENCH_KEEP_DB) {
      process.stderr.write(`kept the database: ${dbUrl.toString()}\n`);
    } else if (created) {
      const admin = new Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

/** What the ACL-off run reports next to the ACL-on one (the top-level figures). */
const ACL_OFF_FIGURES = [
  'baseline_msgs_per_s',
  'service_msgs_per_s',
  'ratio',
  'published',
  'stored',
  'duplicates',
  'readings_published',
  'readings_stored',
  'events_published',
  'events_stored',
  'nothing_lost',
  'peak_rss_mb',
  'rss_at_start_mb',
  'baseline_s',
  'service_s',
  'publish_msgs_per_s',
  'baseline_publish_msgs_per_s',
  'service_tail_s',
  'dead_letters',
  'service_cpu_pct',
  'broker_cpu_pct',
  'machine_busy_pct',
  'service_cpu_us_per_msg',
  'broker_cpu_us_per_msg',
  'baseline_broker_cpu_us_per_msg',
];

/** 100 × (1 − on / off): how much slower (positive) the ACL-on figure is; null when either is missing. */
function costPct(on: unknown, off: unknown): number | null {
  return typeof on === 'number' && typeof off === 'number' && off > 0 ? round(100 * (1 - on / off)) : null;
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.messages + opts.warmup > QUEUE_LIMIT) {
    process.stderr.write(`bench:ingest: ${opts.messages + opts.warmup} messages exceed the broker's queue of ${QUEUE_LIMIT} per session; a slow subscriber will lose some\n`);
  }
  const work = mkdtempSync(join(tmpdir(), 'xla-bench-'));
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  try {
    // Compile the service (and this file) with swc into the scratch folder; dist/ is left alone.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), ['src', 'migrations', 'bench', '-d', join(work, 'out'), '--config-file', '.swcrc', '--quiet'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const compiled = join(work, 'out', 'bench', 'ingest.js');
    const on = await measure(opts, compiled, work, run, true);
    const off = await measure(opts, compiled, work, run, false);
    const out = {
      ...on,
      acl: 'on',
      acl_off: Object.fromEntries(ACL_OFF_FIGURES.map((name) => [name, off[name]])),
      // What the ACL costs: service throughput lost, and broker CPU per message added (negative: saved).
      acl_cost_pct: costPct(on.service_msgs_per_s, off.service_msgs_per_s),
      acl_baseline_cost_pct: costPct(on.baseline_msgs_per_s, off.baseline_msgs_per_s),
      acl_broker_cpu_cost_pct: costPct(off.broker_cpu_us_per_msg, on.broker_cpu_us_per_msg),
      events_fraction: opts.events,
      publishers: opts.publishers,
      window_total: opts.publishers * opts.window,
      warmup: opts.warmup,
      log_level: opts.logLevel,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    if (opts.cpuProf) rmSync(join(work, 'out'), { recursive: true, force: true });
    else rmSync(work, { recursive: true, force: true });
  }
}

const roleAt = process.argv.indexOf('--role');
if (roleAt >= 0) {
  subscribe(process.argv[roleAt + 1] as Role).catch((error: unknown) => {
    process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies FromChild);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:ingest failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  });
}

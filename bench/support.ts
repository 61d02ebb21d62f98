/** What the benchmarks (and the tests' own broker) share: the root, role children and their profiling and query timing, a free port, Mosquitto, machine CPU, rounding. */
import mqtt from 'mqtt';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

const MOSQUITTO_CONFIG = join(ROOT, 'config', 'mosquitto', 'mosquitto.conf');
/** Debian's Mosquitto. */
export const MOSQUITTO_BINARY = '/usr/sbin/mosquitto';

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Share of all cores busy, from /proc/stat (Linux); undefined elsewhere. */
export function cpuTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

type ChildMessage = { type: string; message?: string };

/**
 * Forks the compiled copy of a bench in one of its roles and resolves with the child and its first
 * message once that is `readyType`. The child's logs are discarded (the cost of writing them is kept); its errors are shown.
 */
export function forkRole<M extends ChildMessage>(compiled: string, role: string, env: Record<string, string>, readyType: M['type'], label = role): Promise<{ child: ChildProcess; ready: M }> {
  const child = fork(compiled, ['--role', role], {
    env: { ...process.env, ...env, NODE_PATH: join(ROOT, 'node_modules') },
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} before it was ready`)));
    child.once('message', (message: M) => {
      if (message.type === readyType) resolvePromise({ child, ready: message });
      else reject(new Error(`${label}: ${message.type === 'failed' ? message.message : 'unexpected message'}`));
    });
  });
}

/**
 * --cpu-prof in a role child: a V8 CPU profile of the measured phase only, written to `to`
 * (BENCH_CPU_PROFILE); without `to` both calls only pass through.
 */
export function measuredPhaseProfiler(to: string | undefined) {
  const profiler = to ? new Session() : undefined;
  profiler?.connect();
  const post = (method: string) => new Promise<unknown>((resolvePromise, reject) => profiler?.post(method, (error, result) => (error ? reject(error) : resolvePromise(result))));
  return {
    start: () => {
      if (profiler) void post('Profiler.enable').then(() => post('Profiler.start'));
    },
    /** Stops the profile, writes it, then sends the phase's figures. */
    finish: (send: () => void) => {
      if (!profiler || !to) return send();
      void post('Profiler.stop').then((result) => {
        writeFileSync(to, JSON.stringify((result as { profile: unknown }).profile));
        send();
      });
    },
  };
}

/** In a role child running the service: times every SQL statement into `into()`, keyed by its first three words, without touching the service. */
export async function timeQueries(into: () => Record<string, { n: number; ms: number }>): Promise<void> {
  const { PostgresQueryRunner } = await import('typeorm/driver/postgres/PostgresQueryRunner');
  const query = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = async function (this: InstanceType<typeof PostgresQueryRunner>, ...args: Parameters<typeof query>) {
    const start = performance.now();
    try {
      return (await query.apply(this, args)) as unknown;
    } finally {
      const label = args[0].replace(/--[^\n]*/g, ' ').trim().split(/\s+/).slice(0, 3).join(' ').slice(0, 40);
      const entry = (into()[label] ??= { n: 0, ms: 0 });
      entry.n += 1;
      entry.ms += performance.now() - start;
    }
  } as typeof query;
}

/** Asks a role child to stop over IPC, killing it if it has not gone within 15 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.send({ type: 'stop' });
  });
}

/** A figure from /proc/<pid>/status (VmRSS, VmHWM, …) in MB; 0 when the process is gone (Linux). */
export function procStatusMb(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A TCP port that was free a moment ago (nothing listens on it now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  return port;
}

/**
 * A Mosquitto of one's own on a free port, with the project's configuration (its queue limits are
 * what the no-loss tests and the ingest benchmark rely on; a machine's broker keeps the defaults).
 * `dir` holds its configuration and persistence.
 */
export async function startMosquitto(
  binary: string,
  dir: string,
  /** Settings that replace (or add to) the project's, e.g. `{ max_queued_messages: 1000 }`. */
  settings: Record<string, string | number> = {},
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  let config = readFileSync(MOSQUITTO_CONFIG, 'utf8')
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^${name} .*$`, 'm');
    config = line.test(config) ? config.replace(line, `${name} ${value}`) : `${config}\n${name} ${value}`;
  }
  config += '\nuser root\n';
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  const url = `mqtt://127.0.0.1:${port}`;
  for (let deadline = Date.now() + 10_000; ; ) {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 }).catch(() => undefined);
    if (client) {
      await client.endAsync();
      break;
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto (${binary}) did not come up on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

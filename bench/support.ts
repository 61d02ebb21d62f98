/** What the benchmarks (and the tests' own broker) share: the root, role children and their profiling and query timing, a free port, Mosquitto, machine CPU, rounding. */
import mqtt from 'mqtt';
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SERVICE_ACLS, SERVICE_ROLE } from '../src/auth/mosquitto-device-sync';

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

/** A statement's first three words: how timeQueries labels it unless told otherwise. */
const firstWords = (sql: string) => sql.replace(/--[^\n]*/g, ' ').trim().split(/\s+/).slice(0, 3).join(' ').slice(0, 40);

/** In a role child running the service: times every SQL statement into `into()`, keyed by `label` (its first three words), without touching the service. */
export async function timeQueries(into: () => Record<string, { n: number; ms: number }>, label: (sql: string) => string = firstWords): Promise<void> {
  const { PostgresQueryRunner } = await import('typeorm/driver/postgres/PostgresQueryRunner');
  const query = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = async function (this: InstanceType<typeof PostgresQueryRunner>, ...args: Parameters<typeof query>) {
    const start = performance.now();
    try {
      return (await query.apply(this, args)) as unknown;
    } finally {
      const entry = (into()[label(args[0])] ??= { n: 0, ms: 0 });
      entry.n += 1;
      entry.ms += performance.now() - start;
    }
  } as typeof query;
}

/** Asks a role child for its statistics over IPC: sends `{ type: 'stats' }`, resolves with its first reply of that type. */
export function childStats<T extends { type: string }>(child: ChildProcess): Promise<Extract<T, { type: 'stats' }>> {
  return new Promise((resolve) => {
    const onMessage = (message: T) => {
      if (message.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(message as Extract<T, { type: 'stats' }>);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
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

/** Debian's path of Mosquitto's dynamic security plugin (part of its mosquitto package), and the eclipse-mosquitto image's. */
const DYNSEC_PLUGINS = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so'];
/** The service's own MQTT username on brokers the benches and tests start (a dynamic security admin). */
export const MOSQUITTO_ADMIN = 'xla-service';

export interface StartedMosquitto {
  /** With the admin's credential: the service's MQTT_URL. */
  url: string;
  /** Without a credential: where devices connect with theirs. */
  deviceUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Mosquitto with the project's config/mosquitto/mosquitto.conf on a free port, its state in
 * `dir`: device authentication through the dynamic security plugin, whose admin (MOSQUITTO_ADMIN,
 * a fresh random password) also gets the role that lets the service do everything. `anonymous`
 * instead runs it without the plugin, allowing anonymous clients (MQTT_AUTH=off, for comparison).
 */
export async function startMosquitto(
  binary: string,
  dir: string,
  /** Settings that replace (or add to) the project's, e.g. `{ max_queued_messages: 1000 }`. */
  settings: Record<string, string | number> = {},
  options: { anonymous?: boolean } = {},
): Promise<StartedMosquitto> {
  const port = await freePort();
  let config = readFileSync(MOSQUITTO_CONFIG, 'utf8')
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  const password = randomBytes(18).toString('base64url');
  if (options.anonymous) {
    config = config.replace(/^allow_anonymous .*$/m, 'allow_anonymous true').replace(/^plugin.*$/gm, '');
  } else {
    const plugin = DYNSEC_PLUGINS.find((path) => existsSync(path));
    if (!plugin) throw new Error(`Mosquitto's dynamic security plugin is not installed (looked in ${DYNSEC_PLUGINS.join(', ')})`);
    const dynsecFile = join(dir, 'dynamic-security.json');
    execFileSync('mosquitto_ctrl', ['dynsec', 'init', dynsecFile, MOSQUITTO_ADMIN, password], { stdio: 'ignore' });
    grantServiceRole(dynsecFile);
    config = config.replace(/^plugin .*$/m, `plugin ${plugin}`).replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsecFile}`);
  }
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^${name} .*$`, 'm');
    config = line.test(config) ? config.replace(line, `${name} ${value}`) : `${config}\n${name} ${value}`;
  }
  config += '\nuser root\n';
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  const deviceUrl = `mqtt://127.0.0.1:${port}`;
  const url = options.anonymous ? deviceUrl : `mqtt://${MOSQUITTO_ADMIN}:${password}@127.0.0.1:${port}`;
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
    deviceUrl,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * What the service's own sync does at its first start, done in the plugin's file before the broker
 * starts: changing a client's roles over the control topic disconnects that client, here the admin.
 */
function grantServiceRole(dynsecFile: string): void {
  const state = JSON.parse(readFileSync(dynsecFile, 'utf8')) as { clients: Array<{ username: string; roles: Array<{ rolename: string }> }>; roles: unknown[] };
  state.roles.push({ rolename: SERVICE_ROLE, acls: SERVICE_ACLS });
  state.clients.find((c) => c.username === MOSQUITTO_ADMIN)?.roles.push({ rolename: SERVICE_ROLE });
  writeFileSync(dynsecFile, JSON.stringify(state));
}

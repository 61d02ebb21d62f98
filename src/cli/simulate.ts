import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ContractFileError, loadContractDirectory } from '../catalog/contract-file';
import type { SiteSpec } from '../catalog/contract-file.schema';
import {
  CredentialsError,
  deviceUsernamesOf,
  issueCredentials,
  parseCredentialSheet,
  requireCredentials,
  type CredentialMap,
} from '../simulator/device-credentials';
import { generatedContract, generatedContractYaml } from '../simulator/generated-contract';
import { BrokerRefusedError, DevicePublisher, MqttPublisher } from '../simulator/mqtt-publisher';
import { HttpProblemReporter } from '../simulator/problem-reporter';
import { defaultSimStart, SimulatedClock } from '../simulator/simulated-clock';
import { Simulation } from '../simulator/simulation';
import { backfill, runSimulation, type BackfillSummary, type ProblemReporter, type Publisher } from '../simulator/simulator';

const USAGE = `npm run simulate -- [options]
  --sites N             simulate N sites: the first N of the contracts, or N generated ones when the contracts have fewer (default: all)
  --rate R              messages per second in total, readings and events (default 100)
  --duration S          seconds to run, 0 until Ctrl-C (default 0)
  --speed X             simulated time runs X times faster; a faster run replays the last 23 hours, then goes on live (default 1)
  --start ISO           simulated start time (default: now, or 23 hours ago when --speed > 1)
  --backfill-days D     first replay the last D days as fast as the service takes them (every event and QR rating,
                        readings thinned to what the SLA facts read, no problem reports), then go on live at --speed;
                        the service must accept data that old (READING_MAX_AGE_HOURS, RATING_MAX_AGE_HOURS)
  --mqtt-url URL        broker (default MQTT_URL or mqtt://127.0.0.1:1883)
  --credentials FILE    device credentials, the installers' sheet (npm run devices:credentials -- --site <key> --format csv);
                        repeat it for more sites. Each device then connects with its own credential
  --api-url URL         the service's base URL (e.g. http://127.0.0.1:3000): issue (rotate!) a credential for each simulated
                        device through its API before starting, and have occupants report problems through its QR
                        API now and then; needs --api-key
  --api-key KEY         an admin API key of the service, for --api-url (default XLA_API_KEY, which
                        keeps it out of the process list)
                        (without --credentials or --api-url, all devices share one anonymous connection: brokers with MQTT_AUTH=off)
  --anonymous           one anonymous connection even with --api-url, which then only takes the problem reports (MQTT_AUTH=off)
  --prefix P            topic prefix (default MQTT_TOPIC_PREFIX or xla/v1)
  --contracts DIR       contract YAML folder (default CONTRACTS_DIR or config/contracts)
  --write-contract FILE write the generated contract there, for the service's CONTRACTS_DIR
  --seed N              seed for a repeatable run (default: random, printed at the end)
  --wait-for URL        wait until this URL answers 200 (e.g. the service's /health) before starting
  --quiet               print nothing but errors (and the backfill's progress)`;

class UsageError extends Error {}

function numberFlag(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, expected: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${name}: expected ${expected}, got "${raw}"`);
  return value;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sites: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      'backfill-days': { type: 'string' },
      'mqtt-url': { type: 'string' },
      credentials: { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      'api-key': { type: 'string' },
      anonymous: { type: 'boolean', default: false },
      prefix: { type: 'string' },
      contracts: { type: 'string' },
      'write-contract': { type: 'string' },
      seed: { type: 'string' },
      'wait-for': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const start = values.start === undefined ? undefined : Date.parse(values.start);
  if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start: expected an ISO 8601 time like 2026-11-23T06:00:00Z, got "${values.start}"`);
  const apiKey = values['api-key'] ?? process.env.XLA_API_KEY;
  if ((values['api-url'] === undefined) !== (apiKey === undefined)) throw new UsageError('--api-url and --api-key (or XLA_API_KEY) go together');
  if (values['api-url'] !== undefined && values.credentials) throw new UsageError('--credentials or --api-url/--api-key, not both');
  if (values['backfill-days'] !== undefined && start !== undefined) throw new UsageError('--backfill-days or --start, not both');
  if (values['api-url'] !== undefined && !URL.canParse(values['api-url'])) throw new UsageError(`--api-url: expected a URL like http://127.0.0.1:3000, got "${values['api-url']}"`);
  return {
    help: values.help,
    sites: values.sites === undefined ? undefined : numberFlag('sites', values.sites, 0, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'a whole number from 1 to 10000'),
    rate: numberFlag('rate', values.rate, 100, (n) => n > 0, 'messages per second, more than 0'),
    duration: numberFlag('duration', values.duration, 0, (n) => n >= 0, 'seconds, 0 or more'),
    speed: numberFlag('speed', values.speed, 1, (n) => n > 0, 'a factor more than 0'),
    backfillDays: numberFlag('backfill-days', values['backfill-days'], 0, (n) => n > 0 && n <= 400, 'days, more than 0 and at most 400'),
    seed: numberFlag('seed', values.seed, Math.floor(Math.random() * 2 ** 32), (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'a whole number from 0 to 4294967295'),
    start,
    mqttUrl: values['mqtt-url'] ?? process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    credentialFiles: values.credentials ?? [],
    api: values['api-url'] === undefined ? undefined : { apiUrl: values['api-url'], apiKey: apiKey! },
    anonymous: values.anonymous,
    prefix: (values.prefix ?? process.env.MQTT_TOPIC_PREFIX ?? 'xla/v1').replace(/\/+$/, ''),
    contracts: values.contracts ?? process.env.CONTRACTS_DIR ?? 'config/contracts',
    writeContract: values['write-contract'],
    waitFor: values['wait-for'],
    quiet: values.quiet,
  };
}

/** The sites to simulate: from the contract files, or a generated contract when more are asked for. */
function chooseSites(options: ReturnType<typeof parse>): { sites: SiteSpec[]; generated: boolean } {
  const fromFiles = loadContractDirectory(options.contracts).flatMap((file) => file.spec.sites);
  const wanted = options.sites ?? fromFiles.length;
  if (wanted <= fromFiles.length && fromFiles.length > 0) {
    if (options.writeContract) throw new UsageError(`--write-contract: the ${wanted} sites come from ${options.contracts}, nothing is generated (ask for more --sites than it has: ${fromFiles.length})`);
    return { sites: fromFiles.slice(0, wanted), generated: false };
  }
  const contract = generatedContract(wanted);
  if (options.writeContract) writeFileSync(options.writeContract, generatedContractYaml(wanted));
  return { sites: contract.spec.sites, generated: true };
}

/** The credentials of these devices from the --credentials sheets, all of them or an error; undefined without sheets. */
function credentialsFromSheets(files: string[], usernames: string[]): CredentialMap | undefined {
  if (files.length === 0) return undefined;
  const sheets = new Map(files.flatMap((file) => [...parseCredentialSheet(readSheet(file), file)]));
  requireCredentials(sheets, usernames);
  return new Map(usernames.map((u) => [u, sheets.get(u)!]));
}

function readSheet(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CredentialsError(`--credentials: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The broker URL without its password, for printing. */
function redact(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed?.password) return url;
  parsed.password = '***';
  return parsed.toString();
}

async function waitFor(url: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res?.status === 200) return;
    await sleep(500);
  }
}

/**
 * Replays the last `days` days, then again the minutes that took, until the simulation is within a minute of
 * now; progress on stderr, one line a simulated day.
 */
async function backfillToNow(
  simulation: Simulation,
  publisher: Publisher,
  reporter: ProblemReporter | undefined,
  days: number,
  stop: AbortSignal,
): Promise<BackfillSummary & { elapsedSeconds: number }> {
  const started = Date.now();
  const from = simulation.sites[0]?.now ?? new Date(started);
  const say = (line: string) => process.stderr.write(`simulate: ${line}\n`);
  say(`backfilling ${days} days from ${from.toISOString()} as fast as the service takes them…`);
  const total: BackfillSummary = { published: 0, failed: 0, qrRatings: 0, reportsSkipped: 0, simulatedFrom: from.toISOString(), simulatedTo: from.toISOString() };
  while (!stop.aborted && Date.now() - Date.parse(total.simulatedTo) > 60_000) {
    const round = await backfill(simulation, publisher, {
      until: new Date(Date.now()),
      reporter,
      stop,
      progress: (at) => {
        const done = (at.getTime() - from.getTime()) / 86_400_000;
        say(`backfill ${Math.min(days, done).toFixed(0)}/${days} days (${at.toISOString().slice(0, 10)}), ${Math.round((Date.now() - started) / 1000)} s`);
      },
    });
    Object.assign(total, {
      published: total.published + round.published,
      failed: total.failed + round.failed,
      qrRatings: total.qrRatings + round.qrRatings,
      reportsSkipped: total.reportsSkipped + round.reportsSkipped,
      simulatedTo: round.simulatedTo,
    });
  }
  const elapsedSeconds = Math.round((Date.now() - started) / 1000);
  say(`backfill done: ${total.published} messages and ${total.qrRatings} QR ratings in ${elapsedSeconds} s; live from now on`);
  return { ...total, elapsedSeconds };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const info = (line: string) => options.quiet || process.stderr.write(`${line}\n`);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => (stop.signal.aborted ? process.exit(130) : stop.abort()));
  }

  const { sites, generated } = chooseSites(options);
  if (generated && !options.writeContract) info(`Generated ${sites.length} sites the service does not know; add --write-contract <file> and put it in the service's CONTRACTS_DIR.`);
  if (generated && options.writeContract) info(`Wrote the generated contract to ${options.writeContract}.`);
  // Sheets are checked before waiting for the service; the API issues credentials once it answers.
  const usernames = deviceUsernamesOf(sites);
  const fromSheets = credentialsFromSheets(options.credentialFiles, usernames);
  if (options.waitFor) await waitFor(options.waitFor, stop.signal);
  if (stop.signal.aborted) return;
  const credentials = options.api && !options.anonymous ? await issueCredentials(usernames, { ...options.api, stop: stop.signal }) : fromSheets;
  if (stop.signal.aborted) return;
  if (options.api && !options.anonymous) info(`Issued credentials for ${usernames.length} devices through ${options.api.apiUrl}.`);

  const warn = (line: string) => process.stderr.write(`simulate: ${line}\n`);
  const publisher = credentials
    ? await DevicePublisher.connect(credentials, { url: options.mqttUrl, prefix: options.prefix, warn })
    : await MqttPublisher.connect(options.mqttUrl, warn);
  // Occupants' reports go to the service's QR API; without it they stay in the simulation.
  const reporter = options.api ? await HttpProblemReporter.connect(options.api) : undefined;
  const backfillFrom = options.backfillDays ? Date.now() - options.backfillDays * 86_400_000 : undefined;
  const simulation = new Simulation(sites, { seed: options.seed, start: new Date(backfillFrom ?? options.start ?? defaultSimStart(Date.now(), options.speed)), prefix: options.prefix });
  const connections = credentials ? `one connection per device` : 'one anonymous connection';
  try {
    const filled = backfillFrom === undefined ? undefined : await backfillToNow(simulation, publisher, reporter, options.backfillDays, stop.signal);
    if (stop.signal.aborted) return;
    const realStart = Date.now();
    const simStart = filled ? Date.parse(filled.simulatedTo) : (options.start ?? defaultSimStart(realStart, options.speed));
    info(`Simulating ${sites.length} sites (${simulation.deviceCount} devices, ${connections}) to ${redact(options.mqttUrl)} at ${options.rate} msg/s, speed ${options.speed}×, from ${new Date(simStart).toISOString()}. Ctrl-C stops.`);
    const summary = await runSimulation(simulation, publisher, {
      rate: options.rate,
      durationSeconds: options.duration,
      clock: new SimulatedClock(realStart, simStart, options.speed),
      now: Date.now,
      sleep: (ms) => sleep(ms),
      stop: stop.signal,
      reporter,
    });
    const report = { ...summary, ...(filled ? { backfill: filled } : {}), sites: sites.length, devices: simulation.deviceCount, seed: options.seed };
    if (!options.quiet) process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await publisher.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const known =
      error instanceof UsageError ||
      error instanceof ContractFileError ||
      error instanceof CredentialsError ||
      error instanceof BrokerRefusedError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    process.stderr.write(`simulate: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);

import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './app';
import { ContractFileError } from './catalog/contract-file';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { MqttPortInUseError } from './platform/mqtt/embedded-broker';
import { DataDirInUseError, describeHolder, LOCK_STALE_MS, lockDataDir } from './platform/process/data-dir-lock';

const EXPECTED = [ConfigError, ContractFileError, MqttPortInUseError, DataDirInUseError];

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // DATA_DIR holds the MQTT spool and the pseudonym key even with DATABASE_URL: always one service per folder.
  // A restart right after a crash waits for the dead process's lock to turn stale.
  const lock = await lockDataDir(config.dataDir, 'service', {
    waitMs: LOCK_STALE_MS + 4_000,
    onWait: (holder, waitMs) => process.stderr.write(`DATA_DIR ${config.dataDir} is held by ${describeHolder(holder)}; waiting up to ${waitMs / 1000} s for it.\n`),
    onCompromised: (error) => stop(`XLA Monitor lost its lock on DATA_DIR ${config.dataDir} (${error.message}) and stops, so as not to write beside another process.`),
  });
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${displayHost(config.host)}:${listeningPort(app.getHttpServer().address(), config.port)}`;
  lock.describe({ url });
  app.get(Logger).log(`XLA Monitor listening on ${url} (API docs at /docs)`);
  // Nest closes the server and waits for in-flight requests on SIGTERM (or SIGINT), then raises it again; this bounds how long.
  // The timer also keeps the process alive until that second signal is handled: proper-lockfile's exit hook
  // (signal-exit) listens for it, removes the DATA_DIR lock and ends the process by the signal, not with code 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs));
}

/** Where a local client reaches the service: a wildcard address is reached through the loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The port actually bound (PORT=0 picks one). */
function listeningPort(address: unknown, configured: number): number {
  return typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : configured;
}

function stop(message: string): never {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  // A known start-up problem is reported plainly; anything else with its stack.
  const known = EXPECTED.some((type) => error instanceof type);
  stop(`XLA Monitor did not start.\n${known ? (error as Error).message : String((error as Error)?.stack ?? error)}`);
});

import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './app';
import { ContractFileError } from './catalog/contract-file';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { MqttPortInUseError } from './platform/mqtt/embedded-broker';

const EXPECTED = [ConfigError, ContractFileError, MqttPortInUseError];

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.get(Logger).log(`XLA Monitor listening on http://${config.host}:${config.port} (API docs at /docs)`);
  // Nest closes the server and waits for in-flight requests on SIGTERM; this bounds how long.
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
}

main().catch((error: unknown) => {
  // A known start-up problem is reported plainly; anything else with its stack.
  const known = EXPECTED.some((type) => error instanceof type);
  process.stderr.write(`\nXLA Monitor did not start.\n${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});

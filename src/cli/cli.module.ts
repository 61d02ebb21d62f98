import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CatalogModule } from '../catalog/catalog.module';
import { loadConfig } from '../platform/config/app-config';
import type { AppConfig } from '../platform/config/app-config';
import { ConfigModule } from '../platform/config/config.module';
import { DatabaseModule } from '../platform/database/database.module';
import { DataDirInUseError, lockDataDir, type DataDirLock } from '../platform/process/data-dir-lock';

/** What the command-line tools need: config, database (migrated) and the catalog and auth services; no HTTP, no MQTT. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule, CatalogModule, AuthModule] };
  }
}

/** A running service that holds DATA_DIR, as its lock names it. */
export interface RunningService {
  /** "DATA_DIR ./data is in use by the XLA Monitor service (pid …, http://…), started …" */
  readonly inUse: string;
  /** Its HTTP address; undefined while it is still starting. */
  readonly url?: string;
}

export interface CliCommand {
  /** The npm script name, recorded as the holder of DATA_DIR. */
  name: string;
  /** The work, against a migrated database. */
  run(context: INestApplicationContext, config: AppConfig): Promise<void>;
  /** When the service holds DATA_DIR: do the work through its API, or throw saying how. */
  whenServiceRuns(service: RunningService, config: AppConfig): Promise<void>;
}

/**
 * Runs a command against a migrated database; prints known errors plainly and exits non-zero.
 * On the embedded database the command first takes the DATA_DIR lock: two processes must never open it.
 */
export async function runCli(command: CliCommand): Promise<void> {
  let context: INestApplicationContext | undefined;
  let lock: DataDirLock | undefined;
  try {
    const config = loadConfig(process.env);
    if (!config.databaseUrl) {
      lock = await lockForCli(command, config);
      if (!lock) return;
    }
    context = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'], abortOnError: false });
    await command.run(context, config);
    await context.close();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await context?.close().catch(() => undefined);
    process.exitCode = 1;
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

/** The lock for this CLI; undefined when the running service did the work instead. Any other holder is refused. */
async function lockForCli(command: CliCommand, config: AppConfig): Promise<DataDirLock | undefined> {
  try {
    return await lockDataDir(config.dataDir, command.name, {
      onCompromised: (error) => {
        process.stderr.write(`${command.name} lost its lock on DATA_DIR ${config.dataDir} (${error.message}) and stops.\n`);
        process.exit(1);
      },
    });
  } catch (error) {
    if (!(error instanceof DataDirInUseError) || error.holder?.name !== 'service') throw error;
    await command.whenServiceRuns({ inUse: error.message, url: error.holder.url }, config);
    return undefined;
  }
}

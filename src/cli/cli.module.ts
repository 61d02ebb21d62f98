import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CatalogModule } from '../catalog/catalog.module';
import { loadConfig } from '../platform/config/app-config';
import type { AppConfig } from '../platform/config/app-config';
import { ConfigModule } from '../platform/config/config.module';
import { DatabaseModule } from '../platform/database/database.module';

/** What the command-line tools need: config, database (migrated) and the catalog and auth services; no HTTP, no MQTT. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule, CatalogModule, AuthModule] };
  }
}

/** Runs a command against a migrated database; prints known errors plainly and exits non-zero. */
export async function runCli(command: (context: INestApplicationContext, config: AppConfig) => Promise<void>): Promise<void> {
  let context: INestApplicationContext | undefined;
  try {
    const config = loadConfig(process.env);
    context = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'], abortOnError: false });
    await command(context, config);
    await context.close();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await context?.close().catch(() => undefined);
    process.exitCode = 1;
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { databaseOptions } from '../../database-options';
import { AppConfig } from '../config/app-config';

/** Advisory lock key for running migrations (the contracts sync, connectors and partitions have their own). */
const MIGRATIONS_LOCK = 4_711_000;

/** The TypeORM data source; pending migrations run before anything else touches the database. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...databaseOptions(config), retryAttempts: 3, retryDelay: 1000 }),
      dataSourceFactory: async (options?: DataSourceOptions) => migrated(await new DataSource(options!).initialize()),
    }),
  ],
})
export class DatabaseModule {}

/**
 * Runs the pending migrations under a session advisory lock: instances that start together (a
 * shared subscription, a rolling deploy) take turns, and the later ones find nothing left to do,
 * rather than racing into "relation already exists". The embedded database has one session and one
 * process, so it needs no lock (and a held session would leave the migrations none).
 */
async function migrated(dataSource: DataSource): Promise<DataSource> {
  const transaction = dataSource.options.migrationsTransactionMode;
  if ('driver' in dataSource.options && dataSource.options.driver) {
    await dataSource.runMigrations({ transaction });
    return dataSource;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    await dataSource.runMigrations({ transaction });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]).catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}

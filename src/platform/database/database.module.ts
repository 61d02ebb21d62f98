import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { databaseOptions } from '../../database-options';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS } from './advisory-locks';
import { LeaderJobs } from './leader-job';
import { withSessionLock } from './session-lock';

/** The TypeORM data source; pending migrations run before anything else touches the database. Global, for the leader-job helper. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...databaseOptions(config), retryAttempts: 3, retryDelay: 1000 }),
      dataSourceFactory: async (options?: DataSourceOptions) => migrated(await new DataSource(options!).initialize()),
    }),
  ],
  providers: [LeaderJobs],
  exports: [LeaderJobs],
})
export class DatabaseModule {}

/**
 * Runs the pending migrations under a session advisory lock: instances that start together (a
 * shared subscription, a rolling deploy) take turns, and the later ones find nothing left to do,
 * rather than racing into "relation already exists".
 */
async function migrated(dataSource: DataSource): Promise<DataSource> {
  const transaction = dataSource.options.migrationsTransactionMode;
  await withSessionLock(dataSource, { lockClass: ADVISORY_LOCKS.migrations, name: 'migrations', wait: true }, () => dataSource.runMigrations({ transaction }));
  return dataSource;
}

import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { ApiKeyEntity } from './auth/api-key.entity';
import { ClientEntity } from './catalog/client.entity';
import { ConnectorEntity } from './catalog/connector.entity';
import { ContractEntity } from './catalog/contract.entity';
import { DeviceEntity } from './catalog/device.entity';
import { ObjectiveEntity } from './catalog/objective.entity';
import { SiteEntity } from './catalog/site.entity';
import { TouchpointEntity } from './catalog/touchpoint.entity';
import { ZoneEntity } from './catalog/zone.entity';
import type { AppConfig } from './platform/config/app-config';
import { createPgliteDriver } from './platform/database/pglite-driver';

export const ENTITIES = [ClientEntity, ContractEntity, SiteEntity, ZoneEntity, TouchpointEntity, DeviceEntity, ConnectorEntity, ObjectiveEntity, ApiKeyEntity];

/** The one source of TypeORM options, for the service and for the migration CLI alike. */
export function databaseOptions(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
  };
  if (config.databaseUrl) {
    return {
      ...common,
      url: config.databaseUrl,
      poolSize: 10,
      applicationName: 'xla-monitor',
      connectTimeoutMS: 5000,
      // Our statements are short index reads over rollups: PostgreSQL's JIT compiles them for longer
      // (about 300 ms of a contract scorecard) than they run.
      extra: { options: '-c jit=off' },
    };
  }
  return { ...common, driver: createPgliteDriver(join(config.dataDir, 'pglite'), config.dataDir), poolSize: 1 };
}

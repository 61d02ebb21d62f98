import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../database-options';
import { loadConfig } from '../config/app-config';

/** Used by `npm run migration:*` through the TypeORM CLI; same options as the service. */
export default new DataSource(databaseOptions(loadConfig(process.env)));

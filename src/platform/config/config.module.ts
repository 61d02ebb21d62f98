import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../clock';
import { AppConfig } from './app-config';

/** Makes the validated AppConfig and the Clock injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, Clock],
      exports: [AppConfig, Clock],
    };
  }
}

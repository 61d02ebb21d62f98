import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { IngestHealthIndicator } from './health/ingest.health';
import { StatusBoard } from './health/status-board';
import { MqttHealthIndicator } from './health/mqtt.health';
import { MailSender } from './mail/mail-sender';
import { MqttModule } from './mqtt/mqtt.module';
import { SafeInputPipe } from './validation/safe-input.pipe';

/** Plumbing every feature uses: config, database, MQTT, logging, errors, health, metrics. */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // The hottest public write gets no access log (it cost a fifth of its CPU): xla_ratings_stored_total counts it and the problem filter still logs its server errors.
          exclude: [{ path: 'api/v1/ratings', method: RequestMethod.POST }],
          pinoHttp: {
            level: config.logLevel,
            // Readable lines for a person at a terminal; JSON, one object a line, for everything else.
            ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
            // The request id is Fastify's (see correlation-id.ts); pino-http reuses req.id when set.
            customProps: (req: IncomingMessage) => ({ correlationId: (req as IncomingMessage & { id: string }).id }),
            // Privacy: no client address, and never the API key, in the logs.
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            },
            redact: ['req.headers.authorization'],
            // Middleware mounting strips req.url to "/", so match on the original URL.
            autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => ['/health', '/metrics'].includes(req.originalUrl ?? req.url ?? '') },
          },
        }),
        DatabaseModule,
        MqttModule,
        TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
        PrometheusModule.register({ controller: MetricsController, path: '/metrics', defaultMetrics: { enabled: true } }),
      ],
      controllers: [HealthController],
      providers: [
        MqttHealthIndicator,
        IngestHealthIndicator,
        StatusBoard,
        MailSender,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: SafeInputPipe },
      ],
      // The status board is written by features' background components; mail goes out from alerts and reports.
      global: true,
      exports: [StatusBoard, MailSender],
    };
  }
}

import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { AppModule } from './app.module';
import { SharedRateLimitStore } from './platform/access/shared-rate-limit.store';
import type { AppConfig } from './platform/config/app-config';
import { DomainException, ErrorCode } from './platform/errors/domain.exception';
import type { ProblemDetails } from './platform/errors/problem-details.filter';
import { CORRELATION_HEADER, correlationIdOf } from './platform/logging/correlation-id';

/** Builds the HTTP application; main.ts listens on it, tests drive it with supertest. */
export async function createApp(config: AppConfig, options: { bufferLogs?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => correlationIdOf(req.headers),
    bodyLimit: 256 * 1024,
    // Which X-Forwarded-For hops to believe: the misuse filter keys on the client address, so only trusted proxies may set it.
    trustProxy: config.trustProxy,
    // Fastify answers some bad requests itself, before Nest (a path it cannot percent-decode, an over-long one): as problem+json too.
    frameworkErrors: sendFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: options.bufferLogs ?? true,
    abortOnError: false,
    ...(config.logLevel === 'silent' ? { logger: false } : {}),
  });
  app.useLogger(app.get(Logger));
  if (config.rateLimitPerMinute > 0) {
    // Only routes marked @RateLimited() (the public ones) are limited: one allowance per client address for all of them.
    await app.register(rateLimit, {
      global: false,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      store: SharedRateLimitStore,
      // The address Fastify resolved: X-Forwarded-For only from the hops TRUST_PROXY believes.
      keyGenerator: (request) => request.ip,
      // The plugin throws what this returns; the problem-details filter answers it like any domain error.
      errorResponseBuilder: (_request, { ttl }) =>
        new DomainException(ErrorCode.RateLimited, `Too many requests from this address; try again in ${secondsOf(ttl)}.`),
    });
  }
  app.enableShutdownHooks();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      void reply.header(CORRELATION_HEADER, request.id);
    });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('XLA Monitor')
      .setDescription('Experience level agreements next to SLAs for facilities-management contracts.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, cleanupOpenApiDoc(document), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** As Retry-After counts them (the plugin rounds up). */
function secondsOf(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** A request Fastify refuses before routing (FST_ERR_BAD_URL, an over-long path parameter), answered as problem+json. */
function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const problem: ProblemDetails = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: error.message, instance: request.url, correlationId: String(request.id) };
  void reply.status(status).header(CORRELATION_HEADER, request.id).header('Content-Type', 'application/problem+json').send(problem);
}

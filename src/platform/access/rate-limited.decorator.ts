import { RouteConfig } from '@nestjs/platform-fastify';

/** Puts a public route under the per-address limit (RATE_LIMIT_PER_MINUTE), shared by all such routes; over it, 429 with Retry-After. */
export const RateLimited = (): MethodDecorator => RouteConfig({ rateLimit: {} });

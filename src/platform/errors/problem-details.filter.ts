import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import { ZodError } from 'zod';
import { DomainException, ErrorCode, type FieldError } from './domain.exception';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Validation]: 400,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Unavailable]: 503,
};

const titleOf = (status: number): string => STATUS_CODES[status] ?? 'Error';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors?: FieldError[];
}

/** A zod issue as the fields it is about: an unknown parameter or property is named, not reported at its parent. */
function fieldErrors(issue: ZodError['issues'][number]): FieldError[] {
  const at = (key?: string) => [...issue.path.map(String), ...(key === undefined ? [] : [key])].join('.') || '(body)';
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: at(key), message: `unknown field "${key}"` }));
  return [{ field: at(), message: issue.message }];
}

/** Maps every error to application/problem+json (RFC 9457); unknown errors become a logged 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception);
    problem.instance = request.url;
    problem.correlationId = String(request.id);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, correlationId: request.id }, 'Unhandled error');
    }
    if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    void reply.status(problem.status).header('Content-Type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainException) {
      const status = STATUS[exception.code];
      return {
        type: `urn:xla-monitor:problem:${exception.code}`,
        title: titleOf(status),
        status,
        detail: exception.message,
        ...(exception.errors.length ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof ZodValidationException) {
      const zodError = exception.getZodError();
      const errors = zodError instanceof ZodError ? zodError.issues.flatMap(fieldErrors) : [];
      return { type: 'urn:xla-monitor:problem:validation', title: titleOf(400), status: 400, detail: 'The request is not valid.', errors };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: string | string[] }).message;
      const detail = Array.isArray(message) ? message.join('; ') : (message ?? exception.message);
      return { type: 'about:blank', title: titleOf(status), status, detail };
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own client errors (malformed JSON, body too large, wrong content type).
      return { type: 'about:blank', title: titleOf(fastifyStatus), status: fastifyStatus, detail: (exception as Error).message };
    }
    return { type: 'about:blank', title: titleOf(500), status: 500, detail: 'Something went wrong on our side. Quote the correlation id when reporting it.' };
  }
}

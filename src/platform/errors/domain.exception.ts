/** Every error a service may raise on purpose; the filter maps each to an HTTP status and title. */
export enum ErrorCode {
  NotFound = 'not-found',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  Validation = 'validation',
  Conflict = 'conflict',
  RateLimited = 'rate-limited',
  /** A system this request needs (the MQTT broker, say) did not answer; nothing was changed. */
  Unavailable = 'unavailable',
}

export interface FieldError {
  field: string;
  message: string;
}

export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainException';
  }

  static notFound(kind: string, key: string): DomainException {
    return new DomainException(ErrorCode.NotFound, `No ${kind} with key "${key}".`);
  }
}

import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { IdempotencyConflictError } from '../queue/idempotency.js';
import { JobValidationError } from '../queue/job-validation-error.js';
import { isRedisUnavailable } from '../redis/redis-errors.js';
import { HttpError } from './http-error.js';
import type { ErrorBody } from './schemas.js';

/**
 * Errors from Express and its parts that carry an HTTP status (`%ff` in a path is a URIError with
 * 400; a body that does not inflate is a zlib error body-parser marks 400).
 */
function clientStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500
    ? value
    : undefined;
}

/** Express's body parser marks its errors with a `type` and a `status`. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/** Turns anything thrown into the one error shape the API speaks. */
export function toHttpError(error: unknown, redisAvailable: () => boolean = () => true): HttpError {
  if (HttpError.is(error)) return error;
  if (JobValidationError.is(error)) {
    return new HttpError(400, 'invalid-request', error.message, { fields: error.problems });
  }
  if (IdempotencyConflictError.is(error)) {
    return new HttpError(409, 'conflict', error.message, { fields: error.problems });
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') {
      return new HttpError(400, 'invalid-json', 'the request body is not valid JSON');
    }
    if (error.type === 'entity.too.large') {
      return new HttpError(413, 'payload-too-large', 'the request body is too large');
    }
    if (error.status >= 400 && error.status < 500) {
      return new HttpError(
        error.status,
        'invalid-request',
        `the request body cannot be read (${error.type})`,
      );
    }
  }
  const status = clientStatus(error);
  if (status !== undefined) {
    return new HttpError(
      status,
      status === 413 ? 'payload-too-large' : 'invalid-request',
      clientMessage(status),
      {
        cause: error,
      },
    );
  }
  if (!redisAvailable() || isRedisUnavailable(error)) {
    return new HttpError(
      503,
      'redis-unavailable',
      'Redis is unreachable; retry later (an idempotencyKey makes the retry safe)',
      {
        cause: error,
      },
    );
  }
  return new HttpError(500, 'internal', 'internal error; see the server log', { cause: error });
}

/** A fixed message per status: the error's own text may quote the request back. */
function clientMessage(status: number): string {
  switch (status) {
    case 400:
      return 'the request cannot be read (a malformed path, header or body encoding)';
    case 413:
      return 'the request is too large';
    default:
      return `the request was refused (${status})`;
  }
}

export function errorBody(error: HttpError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields.map((field) => ({ ...field })) } : {}),
    },
  };
}

/** The one error handler: JSON with a code and the offending fields, never a stack trace. */
export function errorHandler(logger: Logger, redisAvailable: () => boolean): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const httpError = toHttpError(error, redisAvailable);
    if (httpError.status >= 500) {
      logger.error(
        { err: httpError.cause ?? httpError, method: request.method, path: request.path },
        'request failed',
      );
    }
    if (httpError.status === 503) response.setHeader('retry-after', '5');
    response.status(httpError.status).json(errorBody(httpError));
  };
}

export const notFound: RequestHandler = (request) => {
  throw new HttpError(404, 'not-found', `no route ${request.method} ${request.path}`);
};
